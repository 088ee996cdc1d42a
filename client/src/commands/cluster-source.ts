// Where the cluster views read from: refresh, switch context (a quick pick of the kubeconfig's
// contexts, only when asked), an offline dump instead of a cluster, and back to the live cluster.
import * as vscode from 'vscode';
import { loadKubeconfig } from '../../../server/src/core/cluster/kubeconfig';
import type { ClusterExplorer } from '../cluster';

export function registerSourceCommands(explorer: ClusterExplorer): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('trustwright.cluster.refresh', () => explorer.refresh()),

    vscode.commands.registerCommand('trustwright.cluster.switchContext', async (name?: string) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('Trustwright reads no kubeconfig in Restricted Mode: trust the workspace to see a live cluster.');
        return undefined;
      }
      if (typeof name === 'string') {
        explorer.useContext(name);
        return name;
      }
      const session = explorer.activeSession;
      let loaded = session?.kubeconfig;
      try {
        loaded ??= loadKubeconfig({
          setting: vscode.workspace.getConfiguration('trustwright').get<string | string[]>('kubeconfig') || undefined,
          kubernetesExtension: vscode.workspace.getConfiguration('vs-kubernetes').get<string>('vs-kubernetes.kubeconfig') || undefined,
        });
      } catch (error) {
        void vscode.window.showErrorMessage(`Trustwright: ${(error as Error).message}`);
        return undefined;
      }
      const active = explorer.isOffline ? undefined : session?.context?.name;
      const items: (vscode.QuickPickItem & { context?: string; offline?: boolean })[] = loaded.contexts.map((c) => ({
        label: `${c.name === active ? '$(check) ' : ''}${c.name}`,
        description: c.server,
        detail: `cluster ${c.cluster} · user ${c.user} · namespace ${c.namespace}`,
        context: c.name,
      }));
      items.push({ label: '$(archive) Open a cluster dump…', description: 'kubectl get -o yaml output, a folder of manifests or a must-gather', offline: true });
      const picked = await vscode.window.showQuickPick(items, { title: `Contexts in ${loaded.files.join(', ')}`, placeHolder: 'The context the Trustwright views read (the kubeconfig is not changed)' });
      if (picked?.offline) return vscode.commands.executeCommand('trustwright.cluster.openOffline');
      if (picked?.context) explorer.useContext(picked.context);
      return picked?.context;
    }),

    vscode.commands.registerCommand('trustwright.cluster.openOffline', async (path?: string | vscode.Uri) => {
      let target = typeof path === 'string' ? path : path?.fsPath;
      if (!target) {
        const picked = await vscode.window.showOpenDialog({
          title: 'A cluster dump: kubectl get -o yaml output, a folder of manifests, or a must-gather folder',
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: false,
          filters: { 'YAML or JSON': ['yaml', 'yml', 'json'] },
        });
        target = picked?.[0]?.fsPath;
      }
      if (target) explorer.useOffline(target);
      return target;
    }),

    vscode.commands.registerCommand('trustwright.cluster.useLive', () => explorer.useOffline(undefined)),
  ];
}
