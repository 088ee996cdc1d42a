// The one TreeDataProvider behind every cluster view. It maps the engine's plain tree nodes
// (server/src/core/cluster/tree.ts) to TreeItems one to one: labels, icons, tooltips and the
// actions a node allows all come from the engine; nothing is decided here.
import * as vscode from 'vscode';
import { treeChildren, treeRoots, type NodeIcon, type TreeNode, type ViewKind } from '../../../server/src/core/cluster/tree';
import type { ClusterExplorer } from '../cluster';

const ICONS: Readonly<Record<NodeIcon, [string, string?]>> = {
  ok: ['pass', 'testing.iconPassed'],
  expiring: ['watch', 'list.warningForeground'],
  expired: ['error', 'list.errorForeground'],
  'not-ready': ['warning', 'list.warningForeground'],
  issuing: ['sync'],
  unknown: ['circle-outline'],
  forbidden: ['lock', 'list.warningForeground'],
  missing: ['circle-slash'],
  error: ['error', 'list.errorForeground'],
  loading: ['loading~spin'],
  context: ['server-environment'],
  offline: ['archive'],
  namespace: ['symbol-namespace'],
  certificate: ['verified'],
  group: ['folder'],
  source: ['symbol-field'],
  info: ['info'],
};

export function themeIcon(icon: NodeIcon): vscode.ThemeIcon {
  const [id, color] = ICONS[icon];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export class ClusterTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    readonly view: ViewKind,
    private readonly explorer: ClusterExplorer,
  ) {
    this.subscription = explorer.onDidChange(() => this.emitter.fire(undefined));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const state = !node.expandable ? vscode.TreeItemCollapsibleState.None : node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = themeIcon(node.icon);
    // `tw:<kind>:<action>:<action>…`: menus match actions with `viewItem =~ /:renew(:|$)/`.
    item.contextValue = ['tw', node.kind, ...node.actions].join(':');
    if (node.kind === 'chain-certificate') item.command = { command: 'trustwright.cluster.inspectCertificate', title: 'Inspect', arguments: [node] };
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    const snapshot = this.explorer.snapshot(true);
    if (!snapshot) return [];
    return node ? treeChildren(snapshot, node, this.explorer.treeOptions()) : treeRoots(snapshot, this.view);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

/** Registers one cluster view. */
export function registerClusterView(id: string, view: ViewKind, explorer: ClusterExplorer): vscode.Disposable {
  const provider = new ClusterTreeProvider(view, explorer);
  const tree = vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: true });
  explorer.trackView(id, tree);
  return vscode.Disposable.from(provider, tree);
}
