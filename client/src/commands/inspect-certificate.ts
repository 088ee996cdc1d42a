// "Inspect certificate": the hover's description of a certificate from the cluster (a Secret's
// leaf, one certificate of its chain, or the leaf a Certificate's Secret holds), as Markdown.
import * as vscode from 'vscode';
import { inspectMarkdown, pickCertificate } from '../../../server/src/core/cluster/certificates';
import type { ClusterExplorer } from '../cluster';
import { asNode, refText } from './node-arg';
import { showReadOnly } from './open-yaml';

export function registerInspectCommand(explorer: ClusterExplorer): vscode.Disposable {
  return vscode.commands.registerCommand('trustwright.cluster.inspectCertificate', async (argument: unknown) => {
    const node = asNode(argument);
    const snapshot = await explorer.ready();
    if (!node || !snapshot) return undefined;
    const picked = pickCertificate(snapshot, node);
    if (!picked) {
      void vscode.window.showWarningMessage(`Trustwright: no certificate to inspect for ${node.ref ? refText(node.ref) : 'this node'} (its Secret is missing or holds none)`);
      return undefined;
    }
    const where = snapshot.source === 'live' ? `context ${snapshot.name}` : `offline source ${snapshot.name}`;
    const document = await showReadOnly(`/${snapshot.name}/inspect/${refText(picked.secret)}-${picked.index + 1}.md`, inspectMarkdown(picked, where, Date.now()), 'markdown');
    await vscode.commands.executeCommand('markdown.showPreview', document.uri).then(undefined, () => undefined);
    return document;
  });
}
