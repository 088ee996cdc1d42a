// The live cluster views' lifetime: which source is shown (the kubeconfig's current context, a
// context the user picked, or an offline dump), the engine session that reads it, the status bar,
// progress while loading, and the settings that shape it. The session starts only when a cluster
// view is first shown, and never reads a kubeconfig in an untrusted workspace.
import * as vscode from 'vscode';
import { ClusterSession, type ClusterSnapshot, type ClusterSource } from '../../server/src/core/cluster/session';
import type { TreeOptions } from '../../server/src/core/cluster/tree';
import { registerCertificatesView } from './views/certificates';
import { registerIssuersView } from './views/issuers';
import { registerBundlesView } from './views/bundles';
import { registerTlsSecretsView } from './views/tls-secrets';
import { registerSourceCommands } from './commands/cluster-source';
import { registerOpenYamlCommand } from './commands/open-yaml';
import { registerInspectCommand } from './commands/inspect-certificate';
import { registerCopyFingerprintCommand } from './commands/copy-fingerprint';
import { registerVerifyChainCommand } from './commands/verify-chain';
import { registerRenewCommand } from './commands/renew';

/** How many ms of quiet before watch events redraw the views. */
const REDRAW_DELAY_MS = 150;

export class ClusterExplorer implements vscode.Disposable {
  private session?: ClusterSession;
  private current?: ClusterSnapshot;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly statusBar = vscode.window.createStatusBarItem('trustwright.cluster', vscode.StatusBarAlignment.Left, 10);
  private readonly views = new Map<string, vscode.TreeView<unknown>>();
  private redraw?: NodeJS.Timeout;
  private loading?: Promise<void>;
  /** The context the user picked (in memory only: the kubeconfig is never written). */
  private pickedContext?: string;
  private offlinePath?: string;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly output: vscode.LogOutputChannel) {
    this.statusBar.name = 'Trustwright cluster';
    this.statusBar.command = 'trustwright.cluster.switchContext';
    this.disposables.push(
      this.statusBar,
      this.emitter,
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.restart()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        // Only a change of what is read (or how) starts over; a settings reload that changes nothing does not.
        if (['trustwright.kubeconfig', 'vs-kubernetes', 'trustwright.cluster'].some((s) => event.affectsConfiguration(s)) && this.settingsKey() !== this.startedWith) this.restart();
        else if (['trustwright.expiryWarningDays'].some((s) => event.affectsConfiguration(s))) this.emitter.fire();
      }),
    );
  }

  private config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('trustwright');
  }

  treeOptions(): TreeOptions {
    return { now: Date.now(), warningDays: this.config().get<number>('expiryWarningDays', 30) };
  }

  get trustNamespace(): string {
    return this.config().get<string>('trustNamespace', 'cert-manager');
  }

  /** Where the views read from now. */
  private source(): ClusterSource | undefined {
    if (this.offlinePath) return { kind: 'offline', path: this.offlinePath };
    // Limitation (by design): in Restricted Mode no kubeconfig is read at all, since it can run exec plugins.
    if (!vscode.workspace.isTrusted) return undefined;
    const setting = this.config().get<string | string[]>('kubeconfig');
    const kubernetes = vscode.workspace.getConfiguration('vs-kubernetes').get<string>('vs-kubernetes.kubeconfig');
    return { kind: 'live', kubeconfig: { setting: setting || undefined, kubernetesExtension: kubernetes || undefined }, context: this.pickedContext };
  }

  trackView(id: string, view: vscode.TreeView<unknown>): void {
    this.views.set(id, view);
    this.disposables.push(view.onDidChangeVisibility((e) => e.visible && this.ensureStarted()));
    if (view.visible) this.ensureStarted();
  }

  /**
   * The current snapshot; with `start`, starts the session first if a view asks before anything
   * else did (the views show "loading…" until the first lists arrive).
   */
  snapshot(start = false): ClusterSnapshot | undefined {
    if (start) this.ensureStarted();
    return this.current;
  }

  get activeSession(): ClusterSession | undefined {
    return this.session;
  }

  ensureStarted(): void {
    if (this.session || !this.source()) return;
    this.start();
  }

  /** What the running session was made from, to tell a real settings change from a reload. */
  private startedWith?: string;

  private settingsKey(): string {
    const config = this.config();
    return JSON.stringify([this.source(), config.get('cluster.watch'), config.get('cluster.refreshInterval'), config.get('cluster.requestTimeout')]);
  }

  private start(): void {
    const source = this.source();
    this.startedWith = this.settingsKey();
    if (!source) {
      this.current = undefined;
      this.updateStatusBar();
      this.emitter.fire();
      return;
    }
    const config = this.config();
    const session = new ClusterSession(source, {
      watch: config.get<boolean>('cluster.watch', true),
      refreshIntervalMs: Math.max(0, config.get<number>('cluster.refreshInterval', 0)) * 1000,
      client: { requestTimeoutMs: requestTimeoutSeconds(config.get<unknown>('cluster.requestTimeout', 15)) * 1000 },
      log: (message) => this.output.info(`[cluster] ${message}`),
    });
    this.output.info(`[cluster] reading ${source.kind === 'offline' ? source.path : `the kubeconfig (${source.kubeconfig.setting ? `trustwright.kubeconfig: ${source.kubeconfig.setting}` : source.kubeconfig.kubernetesExtension ? `vs-kubernetes.kubeconfig: ${source.kubeconfig.kubernetesExtension}` : 'KUBECONFIG or ~/.kube/config'}), context ${source.context ?? 'current-context'}`}`);
    this.session = session;
    session.onDidChange(() => this.scheduleRedraw(session));
    this.current = session.snapshot();
    this.updateStatusBar(true);
    this.emitter.fire();
    const started = Date.now();
    this.loading = this.withProgress(`Trustwright: reading ${source.kind === 'offline' ? source.path : 'the cluster'}`, session.start()).then(() => {
      if (this.session !== session) return;
      this.output.info(`[cluster] first screen in ${Date.now() - started} ms`);
      this.current = session.snapshot();
      this.updateStatusBar();
      this.emitter.fire();
    });
  }

  private scheduleRedraw(session: ClusterSession): void {
    if (this.redraw) return;
    this.redraw = setTimeout(() => {
      this.redraw = undefined;
      if (this.session !== session) return;
      this.current = session.snapshot();
      this.updateStatusBar();
      this.emitter.fire();
    }, REDRAW_DELAY_MS);
  }

  /** Resolves once the first screen is there (tests and commands that need data wait on it). */
  async ready(): Promise<ClusterSnapshot | undefined> {
    this.ensureStarted();
    await this.loading;
    return this.current;
  }

  private withProgress<T>(title: string, work: Promise<T>): Promise<T> {
    for (const id of this.views.keys()) void vscode.window.withProgress({ location: { viewId: id } }, () => work);
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => work));
  }

  restart(): void {
    const wasStarted = Boolean(this.session);
    this.session?.dispose();
    this.session = undefined;
    this.current = undefined;
    if (wasStarted || [...this.views.values()].some((v) => v.visible)) this.start();
    else this.emitter.fire();
  }

  async refresh(): Promise<void> {
    if (!this.session) return this.restart();
    await this.withProgress('Trustwright: refreshing the cluster views', this.session.refresh());
    this.current = this.session.snapshot();
    this.updateStatusBar();
    this.emitter.fire();
  }

  useContext(name: string): void {
    this.pickedContext = name;
    this.offlinePath = undefined;
    this.output.info(`[cluster] switched to context ${name} (the kubeconfig file is not changed)`);
    this.restart();
  }

  useOffline(path: string | undefined): void {
    this.offlinePath = path;
    this.output.info(path ? `[cluster] showing the offline source ${path}` : '[cluster] showing the live cluster');
    this.restart();
  }

  get isOffline(): boolean {
    return Boolean(this.offlinePath);
  }

  private updateStatusBar(loading = false): void {
    const s = this.current;
    if (!s) {
      this.statusBar.hide();
      return;
    }
    const spin = loading ? '$(sync~spin) ' : '';
    if (s.source === 'offline') {
      this.statusBar.text = `${spin}$(archive) ${s.name} (offline)`;
      this.statusBar.tooltip = `Trustwright cluster views read ${s.location}. Click to switch to a live context.`;
    } else if (s.fault) {
      this.statusBar.text = `$(error) kubeconfig`;
      this.statusBar.tooltip = `Trustwright: ${s.fault.message}`;
    } else {
      this.statusBar.text = `${spin}$(server-environment) ${s.name} · ${s.namespace ?? 'default'}`;
      this.statusBar.tooltip = `Trustwright cluster views: context ${s.name} (${s.location}), namespace ${s.namespace ?? 'default'}. Click to switch context.`;
    }
    this.statusBar.show();
  }

  dispose(): void {
    if (this.redraw) clearTimeout(this.redraw);
    this.session?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Views, commands and the status bar of the live cluster feature (issue 6). */
export function registerCluster(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): ClusterExplorer {
  const explorer = new ClusterExplorer(output);
  context.subscriptions.push(
    explorer,
    registerCertificatesView(explorer),
    registerIssuersView(explorer),
    registerBundlesView(explorer),
    registerTlsSecretsView(explorer),
    ...registerSourceCommands(explorer),
    registerOpenYamlCommand(explorer),
    registerInspectCommand(explorer),
    registerCopyFingerprintCommand(explorer),
    registerVerifyChainCommand(explorer),
    registerRenewCommand(explorer),
  );
  return explorer;
}

/**
 * `trustwright.cluster.requestTimeout` within what package.json allows (at least 1 s), and at most a
 * day, past which Node's timers fire at once; a value that is not a number (settings.json is edited
 * by hand) is the default, never "no timeout".
 */
function requestTimeoutSeconds(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(86_400, Math.max(1, value)) : 15;
}
