// Cluster view, Certificates: context → namespace → Certificate (Ready, notAfter, renewal time), its Secret's chain and CertificateRequests.
import type * as vscode from 'vscode';
import type { ClusterExplorer } from '../cluster';
import { registerClusterView } from './cluster-tree';

export const VIEW_ID = 'trustwright.certificates';

export function registerCertificatesView(explorer: ClusterExplorer): vscode.Disposable {
  return registerClusterView(VIEW_ID, 'certificates', explorer);
}
