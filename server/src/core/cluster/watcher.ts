// Keeps one kind's objects current: a paginated list, then a watch from the list's resourceVersion.
// A watch that ends is resumed from the last version seen (events and bookmarks both advance it); a
// watch or continue token that is too old (410 Gone) means a fresh list. Failures back off
// exponentially with jitter, up to a cap, and the last good objects stay (marked stale) until the
// cause goes away. A kind whose cluster-wide list is forbidden is listed in the context's own
// namespace instead, when the context names one.
import { backoffDelay, type KubeClient } from './client';
import { about, ClusterFault } from './faults';
import { objectKey, type KubeObject, type ResourceType } from './resources';

export type Phase = 'loading' | 'ready' | 'failed';

export interface ResourceState {
  readonly type: ResourceType;
  readonly phase: Phase;
  readonly items: ReadonlyMap<string, KubeObject>;
  /** The current problem; with phase `ready` the items are the last good ones (stale). */
  readonly fault?: ClusterFault;
  /** Set when only this namespace could be listed. */
  readonly scope?: string;
  readonly resourceVersion?: string;
  /** When the last full list finished. */
  readonly listedAt?: number;
  /** Items were derived, not read (offline: namespaces named by objects, without labels). */
  readonly derived?: boolean;
}

export interface WatcherOptions {
  readonly watch: boolean;
  /** List and watch only this namespace (namespaced kinds). */
  readonly namespace?: string;
  /** Namespace to fall back to when listing across namespaces is forbidden. */
  readonly fallbackNamespace?: string;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Longer wait between attempts for a kind that is not installed. */
  readonly missingRetryMs?: number;
  readonly idleTimeoutMs?: number;
  readonly watchTimeoutSeconds?: number;
  readonly log?: (message: string) => void;
  readonly onChange: () => void;
  /** Called on every fault, before the backoff (the session reloads credentials on 401). */
  readonly onFault?: (fault: ClusterFault) => void;
}

export class ResourceWatcher {
  private items = new Map<string, KubeObject>();
  private phase: Phase = 'loading';
  private fault?: ClusterFault;
  private scope?: string;
  private resourceVersion?: string;
  private listedAt?: number;
  private readonly stopper = new AbortController();
  private wake?: () => void;
  private relistRequested = false;
  private firstResolve!: () => void;
  /** Resolves once the first list succeeded or failed. */
  readonly first = new Promise<void>((resolve) => (this.firstResolve = resolve));
  private listWaiters: (() => void)[] = [];

  constructor(
    readonly type: ResourceType,
    private readonly client: () => KubeClient,
    private readonly options: WatcherOptions,
  ) {
    if (type.namespaced) this.scope = options.namespace;
  }

  state(): ResourceState {
    return {
      type: this.type,
      phase: this.phase,
      items: this.items,
      fault: this.fault,
      scope: this.scope,
      resourceVersion: this.resourceVersion,
      listedAt: this.listedAt,
    };
  }

  start(): Promise<void> {
    void this.loop();
    return this.first;
  }

  /** Lists again now (cutting a backoff short); resolves when that list finished. */
  refresh(): Promise<void> {
    this.relistRequested = true;
    const done = new Promise<void>((resolve) => this.listWaiters.push(resolve));
    this.interrupt();
    return done;
  }

  stop(): void {
    this.stopper.abort();
    this.interrupt();
    for (const waiter of this.listWaiters.splice(0)) waiter();
    this.firstResolve();
  }

  private interrupt(): void {
    this.wake?.();
    this.watchAbort?.abort();
  }

  private watchAbort?: AbortController;

  private get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  private what(): string {
    return `${this.type.qualified}${this.scope ? ` (namespace ${this.scope})` : ''}`;
  }

  /** A fault's message for the log, naming the verb and kind once (the client's own may already). */
  private about(verb: 'list' | 'watch', fault: ClusterFault): string {
    return about(`${verb} ${this.what()}`, fault.message, `${verb} ${this.type.qualified}`);
  }

  private async list(): Promise<void> {
    const client = this.client();
    let result;
    try {
      result = await client.list(this.type, { namespace: this.scope, signal: this.stopper.signal });
    } catch (error) {
      const fault = error as ClusterFault;
      const fallback = this.options.fallbackNamespace;
      if (fault.kind === 'forbidden' && this.type.namespaced && !this.scope && fallback) {
        this.log(`list ${this.type.qualified}: not allowed across namespaces; listing namespace ${fallback} only`);
        try {
          result = await client.list(this.type, { namespace: fallback, signal: this.stopper.signal });
          this.scope = fallback;
        } catch {
          // Not even there: the node shows the cluster-wide refusal.
          throw fault;
        }
      } else {
        throw fault;
      }
    }
    const items = new Map<string, KubeObject>();
    for (const item of result.items) items.set(objectKey(item), item);
    this.items = items;
    this.resourceVersion = result.resourceVersion;
    this.listedAt = Date.now();
    this.phase = 'ready';
    if (this.fault) this.log(`${this.what()}: recovered`);
    this.fault = undefined;
    this.log(`list ${this.what()}: ${items.size} object(s) in ${result.pages} page(s)`);
    this.options.onChange();
  }

  private apply(type: string, object: KubeObject): void {
    if (object.metadata.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
    if (type === 'BOOKMARK') return;
    const key = objectKey(object);
    if (type === 'DELETED') this.items.delete(key);
    else this.items.set(key, object);
    this.options.onChange();
  }

  private async pause(ms: number): Promise<void> {
    if (this.relistRequested || this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = undefined;
  }

  private async loop(): Promise<void> {
    const base = this.options.backoffBaseMs ?? 1000;
    const max = this.options.backoffMaxMs ?? 30_000;
    let needList = true;
    let failures = 0;
    while (!this.stopped) {
      try {
        if (needList || this.relistRequested) {
          this.relistRequested = false;
          const waiters = this.listWaiters.splice(0);
          try {
            await this.list();
          } finally {
            for (const waiter of waiters) waiter();
          }
          needList = false;
          failures = 0;
          this.firstResolve();
        }
        if (!this.options.watch) {
          // No watch: wait for a refresh (the session's interval timer asks for one).
          await this.pause(2 ** 31 - 1);
          continue;
        }
        if (this.relistRequested) continue;
        const started = Date.now();
        this.watchAbort = new AbortController();
        const signal = AbortSignal.any([this.stopper.signal, this.watchAbort.signal]);
        await this.client().watch(this.type, {
          namespace: this.scope,
          resourceVersion: this.resourceVersion ?? '',
          signal,
          idleTimeoutMs: this.options.idleTimeoutMs,
          timeoutSeconds: this.options.watchTimeoutSeconds,
          onEvent: (type, object) => this.apply(type, object),
          onOpen: () => {
            failures = 0;
            if (!this.fault) return;
            this.log(`watch ${this.what()}: recovered, resumed from resourceVersion ${this.resourceVersion}`);
            this.fault = undefined;
            this.options.onChange();
          },
        });
        if (this.stopped || this.relistRequested) continue;
        // A watch the server ends at once, again and again, is a failure in disguise.
        if (Date.now() - started < 1000) {
          failures++;
          await this.pause(backoffDelay(failures, base, max));
        } else {
          failures = 0;
        }
      } catch (error) {
        if (this.stopped) break;
        if (this.relistRequested) continue;
        // Anything else is a bug of ours or an answer we could not handle, not a network problem.
        const fault = error instanceof ClusterFault ? error : new ClusterFault('bad-response', `${this.what()}: could not be read (${String(error)})`);
        if (fault.kind === 'gone') {
          this.log(`${this.about('watch', fault)}; listing again`);
          needList = true;
          failures++;
          if (failures > 1) await this.pause(backoffDelay(failures - 1, base, max));
          continue;
        }
        failures++;
        // A watch that drops (a reset, a dead connection) is resumed once before anyone is told.
        if (!needList && failures === 1 && (fault.kind === 'unreachable' || fault.kind === 'timeout')) {
          this.log(`${this.about('watch', fault)}; resuming from resourceVersion ${this.resourceVersion}`);
          await this.pause(backoffDelay(1, base, max));
          continue;
        }
        this.fault = fault;
        if (this.phase === 'loading') this.phase = 'failed';
        this.options.onFault?.(fault);
        this.options.onChange();
        this.firstResolve();
        const delay = fault.kind === 'missing' ? (this.options.missingRetryMs ?? 300_000) : backoffDelay(failures, base, max);
        this.log(`${this.about(needList ? 'list' : 'watch', fault)}; trying again in ${Math.round(delay / 100) / 10} s`);
        await this.pause(delay);
      }
    }
  }
}

/** A state that never changes: offline sources, and kinds a session does not read. */
export function fixedState(type: ResourceType, items: readonly KubeObject[], extra: Partial<ResourceState> = {}): ResourceState {
  return { type, phase: 'ready', items: new Map(items.map((i) => [objectKey(i), i])), ...extra };
}

