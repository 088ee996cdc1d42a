// Cluster view, TLS Secrets: every kubernetes.io/tls Secret decoded to subject, SANs, issuer and expiry (never its key).
import type * as vscode from 'vscode';
import type { ClusterExplorer } from '../cluster';
import { registerClusterView } from './cluster-tree';

export const VIEW_ID = 'trustwright.tlsSecrets';

export function registerTlsSecretsView(explorer: ClusterExplorer): vscode.Disposable {
  return registerClusterView(VIEW_ID, 'secrets', explorer);
}
