// One view of one cluster: a live context read through the kubeconfig (one watcher per kind), or an
// offline dump read from disk. Faces (the VS Code views, the CLI) take snapshots of it and listen for
// changes; nothing here knows how it is shown.
import { KubeClient, type ClientOptions } from './client';
import { ClusterFault } from './faults';
import { chooseContext, loadKubeconfig, type ContextInfo, type KubeconfigSources, type LoadedKubeconfig } from './kubeconfig';
import { readOfflineSource, type OfflineData } from './offline';
import { RESOURCE_KEYS, RESOURCES, type KubeObject, type ResourceKey } from './resources';
import { fixedState, ResourceWatcher, type ResourceState } from './watcher';

export type ClusterSource =
  | { readonly kind: 'live'; readonly kubeconfig: KubeconfigSources; readonly context?: string }
  | { readonly kind: 'offline'; readonly path: string };

export interface SessionOptions {
  /** Keep lists fresh with watches (live only). Default true. */
  readonly watch?: boolean;
  /** Also list everything again this often (0: never). */
  readonly refreshIntervalMs?: number;
  readonly client?: ClientOptions;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly missingRetryMs?: number;
  readonly idleTimeoutMs?: number;
  readonly watchTimeoutSeconds?: number;
  /** After a 401 or TLS fault the kubeconfig is read again, at most this often (default 5 s). */
  readonly credentialReloadMs?: number;
  /** Kinds to read; all by default. */
  readonly resources?: readonly ResourceKey[];
  /** Namespace to list when a kind cannot be listed across namespaces (default: the context's). */
  readonly namespace?: string;
  /** Limit every namespaced kind to this namespace (CLI --namespace). */
  readonly onlyNamespace?: string;
  readonly log?: (message: string) => void;
}

export interface ClusterSnapshot {
  readonly source: 'live' | 'offline';
  /** The context name, or the offline file or folder name. */
  readonly name: string;
  /** The API server, or the offline path. */
  readonly location: string;
  /** The context's namespace (live). */
  readonly namespace?: string;
  /** A problem with the whole source (kubeconfig unusable, dump unreadable). */
  readonly fault?: ClusterFault;
  readonly resources: Readonly<Record<ResourceKey, ResourceState>>;
  /** Increases with every change. */
  readonly version: number;
  readonly offline?: OfflineData;
}

const EMPTY = (key: ResourceKey): ResourceState => ({ type: RESOURCES[key], phase: 'loading', items: new Map() });

export class ClusterSession {
  private watchers = new Map<ResourceKey, ResourceWatcher>();
  private listeners = new Set<() => void>();
  private version = 0;
  private fault?: ClusterFault;
  private loaded?: LoadedKubeconfig;
  private contextInfo?: ContextInfo;
  private currentClient?: KubeClient;
  private offline?: OfflineData;
  private interval?: NodeJS.Timeout;
  private lastReload = 0;
  private disposed = false;

  constructor(
    readonly source: ClusterSource,
    private readonly options: SessionOptions = {},
  ) {}

  private log(message: string): void {
    this.options.log?.(message);
  }

  get context(): ContextInfo | undefined {
    return this.contextInfo;
  }

  get kubeconfig(): LoadedKubeconfig | undefined {
    return this.loaded;
  }

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }

  /** The client of the live context (undefined offline or when the kubeconfig is unusable). */
  client(): KubeClient | undefined {
    return this.currentClient;
  }

  /** Reads the kubeconfig again and makes a new client (a refreshed token, a fixed file). */
  private connect(): void {
    if (this.source.kind !== 'live') return;
    this.loaded = loadKubeconfig(this.source.kubeconfig);
    this.contextInfo = chooseContext(this.loaded, this.source.context);
    this.currentClient = new KubeClient(this.loaded.forContext(this.contextInfo.name), this.contextInfo, { log: this.options.log, ...this.options.client });
  }

  private onFault(fault: ClusterFault): void {
    // Credentials may have been renewed on disk (a new login rewrites the kubeconfig).
    if ((fault.kind === 'unauthorized' || fault.kind === 'token-expired' || fault.kind === 'tls') && Date.now() - this.lastReload > (this.options.credentialReloadMs ?? 5000)) {
      this.lastReload = Date.now();
      try {
        this.connect();
      } catch (error) {
        this.log(`kubeconfig: ${(error as Error).message}`);
      }
    }
  }

  /** Starts reading; resolves once every kind has been listed (or failed): the first screen. */
  async start(): Promise<void> {
    const keys = this.options.resources ?? RESOURCE_KEYS;
    if (this.source.kind === 'offline') {
      this.loadOffline();
      return;
    }
    try {
      this.connect();
    } catch (error) {
      this.fault = error instanceof ClusterFault ? error : new ClusterFault('config', (error as Error).message);
      this.log(`kubeconfig: ${this.fault.message}`);
      this.changed();
      return;
    }
    this.log(`context ${this.contextInfo!.name}: ${this.currentClient!.server} (kubeconfig from ${this.loaded!.origin}: ${this.loaded!.files.join(', ')})`);
    const fallbackNamespace = this.options.namespace ?? this.contextInfo!.namespace;
    for (const key of keys) {
      const type = RESOURCES[key];
      const watcher = new ResourceWatcher(type, () => this.currentClient!, {
        watch: this.options.watch ?? true,
        namespace: this.options.onlyNamespace,
        fallbackNamespace: this.options.onlyNamespace ? undefined : fallbackNamespace,
        backoffBaseMs: this.options.backoffBaseMs,
        backoffMaxMs: this.options.backoffMaxMs,
        missingRetryMs: this.options.missingRetryMs,
        idleTimeoutMs: this.options.idleTimeoutMs,
        watchTimeoutSeconds: this.options.watchTimeoutSeconds,
        log: this.options.log,
        onChange: () => this.changed(),
        onFault: (fault) => this.onFault(fault),
      });
      this.watchers.set(key, watcher);
    }
    const interval = this.options.refreshIntervalMs ?? 0;
    if (interval > 0) this.interval = setInterval(() => void this.refresh(), interval);
    await Promise.all([...this.watchers.values()].map((w) => w.start()));
  }

  private loadOffline(): void {
    if (this.source.kind !== 'offline') return;
    try {
      this.offline = readOfflineSource(this.source.path);
      this.fault = undefined;
      this.log(`offline source ${this.source.path}: ${this.offline.files} file(s) read${this.offline.skipped.length ? `, ${this.offline.skipped.length} skipped` : ''}`);
      for (const line of this.offline.skipped.slice(0, 20)) this.log(`  skipped ${line}`);
    } catch (error) {
      this.fault = error instanceof ClusterFault ? error : new ClusterFault('config', (error as Error).message);
      this.log(`offline source: ${this.fault.message}`);
    }
    this.changed();
  }

  /** Lists every kind again (or re-reads the dump); resolves when done. */
  async refresh(): Promise<void> {
    if (this.disposed) return;
    if (this.source.kind === 'offline') return this.loadOffline();
    if (this.fault?.kind === 'config' && this.watchers.size === 0) {
      // The kubeconfig was unusable at start: try it again from the top.
      this.fault = undefined;
      return this.start();
    }
    await Promise.all([...this.watchers.values()].map((w) => w.refresh()));
  }

  snapshot(): ClusterSnapshot {
    const resources = {} as Record<ResourceKey, ResourceState>;
    for (const key of RESOURCE_KEYS) {
      if (this.offline) {
        resources[key] = fixedState(RESOURCES[key], this.offline.objects[key], key === 'namespaces' && this.offline.namespacesDerived ? { derived: true } : {});
      } else {
        resources[key] = this.watchers.get(key)?.state() ?? EMPTY(key);
        if (this.fault && !this.watchers.has(key)) resources[key] = { ...resources[key], phase: 'failed', fault: this.fault };
      }
    }
    if (this.source.kind === 'offline') {
      return { source: 'offline', name: this.offline?.name ?? this.source.path, location: this.source.path, fault: this.fault, resources, version: this.version, offline: this.offline };
    }
    return {
      source: 'live',
      name: this.contextInfo?.name ?? this.source.context ?? '(no context)',
      location: this.currentClient?.server ?? '',
      namespace: this.contextInfo?.namespace,
      fault: this.fault,
      resources,
      version: this.version,
    };
  }

  dispose(): void {
    this.disposed = true;
    if (this.interval) clearInterval(this.interval);
    for (const watcher of this.watchers.values()) watcher.stop();
    this.listeners.clear();
  }
}

/** Objects of one kind in a snapshot, in a stable order. */
export function itemsOf(snapshot: ClusterSnapshot, key: ResourceKey): KubeObject[] {
  return [...snapshot.resources[key].items.values()];
}
