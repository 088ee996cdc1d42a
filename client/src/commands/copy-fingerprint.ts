// "Copy fingerprint": the SHA-256 fingerprint of a cluster certificate, as openssl prints it.
import * as vscode from 'vscode';
import { fingerprintOf, pickCertificate } from '../../../server/src/core/cluster/certificates';
import type { ClusterExplorer } from '../cluster';
import { asNode } from './node-arg';

export function registerCopyFingerprintCommand(explorer: ClusterExplorer): vscode.Disposable {
  return vscode.commands.registerCommand('trustwright.cluster.copyFingerprint', async (argument: unknown) => {
    const node = asNode(argument);
    const snapshot = await explorer.ready();
    const picked = node && snapshot ? pickCertificate(snapshot, node) : undefined;
    const fingerprint = picked && fingerprintOf(picked);
    if (!picked || !fingerprint) {
      void vscode.window.showWarningMessage('Trustwright: there is no certificate to take a fingerprint of here');
      return undefined;
    }
    await vscode.env.clipboard.writeText(fingerprint);
    const name = picked.certificate.summary?.commonName ? `CN=${picked.certificate.summary.commonName}` : picked.certificate.summary?.subject;
    vscode.window.setStatusBarMessage(`Copied the SHA-256 fingerprint of ${name}`, 4000);
    return fingerprint;
  });
}
