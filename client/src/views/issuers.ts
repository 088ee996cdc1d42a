// Cluster view, Issuers: ClusterIssuers, Issuers per namespace, and external issuers that Certificates reference, with type and Ready.
import type * as vscode from 'vscode';
import type { ClusterExplorer } from '../cluster';
import { registerClusterView } from './cluster-tree';

export const VIEW_ID = 'trustwright.issuers';

export function registerIssuersView(explorer: ClusterExplorer): vscode.Disposable {
  return registerClusterView(VIEW_ID, 'issuers', explorer);
}
