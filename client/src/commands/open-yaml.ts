// "Open as YAML": the object as the views last read it, in a read-only editor (a virtual document,
// so there is nothing to save back to the cluster).
import * as vscode from 'vscode';
import { RESOURCES, type ResourceKey } from '../../../server/src/core/cluster/resources';
import { objectYaml } from '../../../server/src/core/cluster/yaml';
import type { ClusterExplorer } from '../cluster';
import { asNode, refText } from './node-arg';

export const SCHEME = 'trustwright-cluster';

/** Serves the read-only documents of the cluster views: object YAML and certificate inspections. */
class ClusterDocuments implements vscode.TextDocumentContentProvider {
  readonly contents = new Map<string, string>();
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '# This view is gone: open it again from the Trustwright cluster views.\n';
  }
}

export const clusterDocuments = new ClusterDocuments();
let registered: vscode.Disposable | undefined;

export function ensureDocumentProvider(): vscode.Disposable {
  registered ??= vscode.workspace.registerTextDocumentContentProvider(SCHEME, clusterDocuments);
  return registered;
}

/** Opens `text` read-only under a URI that names what it is. */
export async function showReadOnly(path: string, text: string, language: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.from({ scheme: SCHEME, path, query: String(Date.now()) });
  clusterDocuments.contents.set(uri.toString(), text);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(document, language);
  await vscode.window.showTextDocument(document, { preview: true });
  return document;
}

export function registerOpenYamlCommand(explorer: ClusterExplorer): vscode.Disposable {
  return vscode.Disposable.from(
    ensureDocumentProvider(),
    vscode.commands.registerCommand('trustwright.cluster.openYaml', async (argument: unknown) => {
      const ref = asNode(argument)?.ref;
      const snapshot = await explorer.ready();
      if (!ref || !snapshot) return undefined;
      const object = snapshot.resources[ref.resource as ResourceKey].items.get(refText(ref));
      if (!object) {
        void vscode.window.showWarningMessage(`Trustwright: ${RESOURCES[ref.resource].kind} ${refText(ref)} is no longer there`);
        return undefined;
      }
      const where = snapshot.source === 'live' ? `context ${snapshot.name}` : `offline source ${snapshot.location}`;
      return showReadOnly(`/${snapshot.name}/${RESOURCES[ref.resource].kind}/${refText(ref)}.yaml`, objectYaml(object, ref.resource, where), 'yaml');
    }),
  );
}
