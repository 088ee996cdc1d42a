// "Renew": cert-manager's "issue now" trigger, as `cmctl renew` pulls it. The only write the
// cluster views make, so it asks every time, naming the Certificate and the context.
import * as vscode from 'vscode';
import { renewCertificate } from '../../../server/src/core/cluster/renew';
import type { ClusterExplorer } from '../cluster';
import { asNode, refText } from './node-arg';

export function registerRenewCommand(explorer: ClusterExplorer): vscode.Disposable {
  return vscode.commands.registerCommand('trustwright.cluster.renew', async (argument: unknown) => {
    const ref = asNode(argument)?.ref;
    const session = explorer.activeSession;
    const client = session?.client();
    if (!ref || ref.resource !== 'certificates' || !ref.namespace) return undefined;
    if (!session || !client || explorer.isOffline) {
      void vscode.window.showWarningMessage('Trustwright: renewing needs a live cluster; an offline source cannot be changed');
      return undefined;
    }
    const contextName = session.context?.name ?? '?';
    const answer = await vscode.window.showWarningMessage(
      `Renew Certificate ${refText(ref)} in context "${contextName}"?`,
      {
        modal: true,
        detail: `cert-manager will issue a new certificate now, as \`cmctl renew\` does: Trustwright sets the Issuing condition on the Certificate's status at ${client.server}. This changes the cluster.`,
      },
      'Renew',
    );
    if (answer !== 'Renew') return undefined;
    try {
      const result = await renewCertificate(client, ref.namespace, ref.name);
      explorer.output.info(`[cluster] renew ${refText(ref)} in context ${contextName}: ${result.message}`);
      void vscode.window.showInformationMessage(`Trustwright: ${result.message}`);
      return result;
    } catch (error) {
      explorer.output.warn(`[cluster] renew ${refText(ref)} in context ${contextName}: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`Trustwright: could not renew ${refText(ref)}: ${(error as Error).message}`);
      return undefined;
    }
  });
}
