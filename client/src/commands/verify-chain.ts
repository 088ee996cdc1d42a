// "Verify chain": the mTLS handshake question. Would a client in a chosen namespace, trusting what a
// chosen bundle delivers there, accept the certificate this Secret's server presents? The answer
// comes from the engine (server/src/core/cluster/verify-bundle.ts); this file only asks and shows.
import * as vscode from 'vscode';
import { pickCertificate } from '../../../server/src/core/cluster/certificates';
import { bundleStatus, reachedNamespaces } from '../../../server/src/core/cluster/status';
import type { ObjectRef } from '../../../server/src/core/cluster/tree';
import { checkSecretAgainstBundle, type BundleCheck } from '../../../server/src/core/cluster/verify-bundle';
import type { ClusterExplorer } from '../cluster';
import { asNode, refText } from './node-arg';

/** Arguments that skip the questions (other commands, tests). */
export interface VerifyArguments {
  readonly secret: ObjectRef;
  readonly bundle: ObjectRef;
  readonly namespace: string;
}

function isVerifyArguments(value: unknown): value is VerifyArguments {
  const v = value as Partial<VerifyArguments> | undefined;
  return Boolean(v?.secret && v.bundle && typeof v.namespace === 'string');
}

export function registerVerifyChainCommand(explorer: ClusterExplorer): vscode.Disposable {
  return vscode.commands.registerCommand('trustwright.cluster.verifyChain', async (argument: unknown): Promise<BundleCheck | undefined> => {
    const snapshot = await explorer.ready();
    if (!snapshot) return undefined;
    let input: VerifyArguments | undefined;
    if (isVerifyArguments(argument)) input = argument;
    else {
      // The Secret: from the node, or picked.
      const node = asNode(argument);
      let secret = node ? pickCertificate(snapshot, node)?.secret : undefined;
      if (!secret) {
        const secrets = [...snapshot.resources.tlsSecrets.items.values()];
        const picked = await vscode.window.showQuickPick(
          secrets.map((s) => ({ label: `${s.metadata.namespace}/${s.metadata.name}`, ref: { resource: 'tlsSecrets' as const, namespace: s.metadata.namespace, name: s.metadata.name } })),
          { title: 'Verify chain (1/3): the server certificate', placeHolder: 'A TLS Secret' },
        );
        secret = picked?.ref;
      }
      if (!secret) return undefined;
      const bundles = (['bundles', 'clusterbundles'] as const).flatMap((key) =>
        [...snapshot.resources[key].items.values()].map((object) => {
          const status = bundleStatus(object, key === 'bundles' ? 'Bundle' : 'ClusterBundle');
          return { label: status.name, description: `${status.kind} · ${status.selectorText}`, ref: { resource: key, name: status.name } as ObjectRef, status };
        }),
      );
      if (bundles.length === 0) {
        void vscode.window.showWarningMessage('Trustwright: this cluster has no Bundle or ClusterBundle to verify against');
        return undefined;
      }
      const bundle = await vscode.window.showQuickPick(bundles, { title: `Verify chain (2/3): the bundle a client trusts`, placeHolder: `Which bundle should accept ${refText(secret)}?` });
      if (!bundle) return undefined;
      const namespaces = [...snapshot.resources.namespaces.items.values()];
      const reached = new Set(reachedNamespaces(bundle.status, namespaces));
      const namespaceItems = namespaces
        .map((n) => n.metadata.name)
        .sort((a, b) => Number(reached.has(b)) - Number(reached.has(a)) || a.localeCompare(b))
        .map((name) => ({ label: name, description: reached.has(name) ? 'receives the bundle' : 'not reached by its namespaceSelector' }));
      const namespace = await vscode.window.showQuickPick(namespaceItems, { title: 'Verify chain (3/3): the namespace of the client', placeHolder: 'Where does the client run?' });
      if (!namespace) return undefined;
      input = { secret, bundle: bundle.ref, namespace: namespace.label };
    }

    try {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Trustwright: verifying the chain' }, () =>
        checkSecretAgainstBundle({
          snapshot,
          client: explorer.isOffline ? undefined : explorer.activeSession?.client(),
          trustNamespace: explorer.trustNamespace,
          secret: input!.secret,
          bundle: input!.bundle,
          namespace: input!.namespace,
        }),
      );
      explorer.output.info(`[cluster] verify chain: ${result.accepted ? 'ACCEPTED' : 'REJECTED'}: ${result.summary}`);
      for (const link of result.verdict.chain) explorer.output.info(`[cluster]   ${link.from}: ${link.subject} (SHA-256 ${link.sha256})`);
      explorer.output.info(`[cluster]   trusted certificates: ${result.verdict.anchors}, from ${result.bundleSource}`);
      for (const note of result.notes) explorer.output.info(`[cluster]   note: ${note}`);
      const show = result.accepted ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
      void show(`${result.accepted ? 'Accepted' : 'Rejected'}: ${result.summary}`, 'Show details').then((choice) => {
        if (choice) explorer.output.show(true);
      });
      return result;
    } catch (error) {
      explorer.output.warn(`[cluster] verify chain: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`Trustwright: cannot verify: ${(error as Error).message}`);
      // A caller that passed its own arguments gets the reason, not just nothing.
      if (isVerifyArguments(argument)) throw error;
      return undefined;
    }
  });
}
