// Cluster view, Trust bundles: Bundles and ClusterBundles with Synced, their sources, and the namespaces their selector reaches.
import type * as vscode from 'vscode';
import type { ClusterExplorer } from '../cluster';
import { registerClusterView } from './cluster-tree';

export const VIEW_ID = 'trustwright.bundles';

export function registerBundlesView(explorer: ClusterExplorer): vscode.Disposable {
  return registerClusterView(VIEW_ID, 'bundles', explorer);
}
