// A typed, read-mostly client for the few API paths the cluster views need: paginated lists
// (`limit`/`continue`), watches (`watch=1`, bookmarks, 410 Gone), single GETs and the one status
// update behind "renew". @kubernetes/client-node supplies the kubeconfig's TLS settings and
// credentials for every request (client certificates, bearer tokens, exec plugins, auth providers,
// proxies); the requests themselves go through Node's http(s) so that every one has a timeout,
// bounded retries with backoff, and error messages that never carry a header or a token.
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { VERSION } from '../version';
import { about, ClusterFault, faultFromError, faultFromStatus } from './faults';
import type { ContextInfo } from './kubeconfig';
import { collectionPath, LAST_APPLIED, objectPath, objectReviver, secretReviver, type KubeObject, type ResourceType } from './resources';

export interface ClientOptions {
  /** A request with no response (or a response that stops) for this long fails with `timeout`. */
  readonly requestTimeoutMs?: number;
  /**
   * A whole request (headers and body) that takes longer than this fails with `timeout`, however
   * steadily the bytes come: a server that sends one byte a second never trips the idle timeout.
   * Default: DEADLINE_FACTOR × requestTimeoutMs. Watches, which are meant to stay open, have none.
   */
  readonly requestDeadlineMs?: number;
  /** Attempts for a read that meets 429, 5xx, a reset or a timeout (the first included). */
  readonly attempts?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** `limit` of each list page. */
  readonly pageSize?: number;
  readonly maxResponseBytes?: number;
  readonly maxWatchLineBytes?: number;
  readonly maxPages?: number;
  readonly log?: (message: string) => void;
}

export interface ListResult {
  readonly items: KubeObject[];
  readonly resourceVersion: string;
  readonly pages: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchOptions {
  readonly namespace?: string;
  readonly resourceVersion: string;
  readonly signal?: AbortSignal;
  /** Asks the server to end the watch after this long (it then resumes from the last version). */
  readonly timeoutSeconds?: number;
  /** No byte (event or bookmark) for this long means the watch is dead. */
  readonly idleTimeoutMs?: number;
  readonly onEvent: (type: WatchEventType, object: KubeObject) => void;
  /** The server accepted the watch (200). */
  readonly onOpen?: () => void;
}

const DEFAULTS = {
  requestTimeoutMs: 15_000,
  attempts: 4,
  retryBaseMs: 250,
  retryMaxMs: 8_000,
  pageSize: 500,
  /** A list page (500 objects) is a few MB at most; anything this large is refused, not buffered. */
  maxResponseBytes: 64 * 1024 * 1024,
  /** One watch event is one object; a line this long without an end is refused. */
  maxWatchLineBytes: 16 * 1024 * 1024,
  /** 500 objects a page: a million objects. A server that keeps sending continue tokens is cut off. */
  maxPages: 2_000,
};

/** A list page of a few MB arrives well within four idle timeouts on any link that works at all. */
export const DEADLINE_FACTOR = 4;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ClusterFault('timeout', 'aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ClusterFault('timeout', 'aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with full jitter, capped: attempt 1 waits up to base, 2 up to 2×base… */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Whether a bearer token is a JWT whose `exp` has passed (the only expiry a token shows). */
function jwtExpired(authorization: string | undefined, now = Date.now()): boolean {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && claims.exp * 1000 < now;
  } catch {
    return false;
  }
}

interface JsonRequest {
  readonly query?: Record<string, string | undefined>;
  readonly body?: unknown;
  readonly reviver?: (key: string, value: unknown) => unknown;
  readonly signal?: AbortSignal;
}

/** Seconds for a message: 15 for 15 000 ms, 0.3 for 300 ms. */
function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

interface Opened {
  readonly response: IncomingMessage;
  readonly tokenExpired: boolean;
}

/** The fault a request ended by `signal` reports: the deadline's own, or a plain abort. */
function abortFault(signal: AbortSignal): ClusterFault {
  return signal.reason instanceof ClusterFault ? signal.reason : new ClusterFault('timeout', 'aborted');
}

function readBody(response: IncomingMessage, limit = Infinity, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal) {
      const onAbort = () => {
        reject(abortFault(signal));
        response.destroy();
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      response.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Settle first: destroying the response emits 'aborted', which must not win.
        reject(new ClusterFault('bad-response', `the answer is larger than ${Math.round(limit / 2 ** 20)} MiB; refused rather than held in memory`));
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.on('aborted', () => reject(new ClusterFault('unreachable', 'the response was cut off')));
  });
}

/** An item the views can hold: a JSON object with a name (a broken server may send `null`). */
function isObject(item: unknown): item is KubeObject {
  const metadata = (item as KubeObject | null)?.metadata;
  return typeof item === 'object' && item !== null && typeof metadata === 'object' && metadata !== null && typeof metadata.name === 'string' && metadata.name !== '';
}

/** Redirects are never followed: a credential-bearing request must not go to another host. */
function redirectFault(what: string, response: IncomingMessage): ClusterFault {
  response.resume();
  const location = response.headers.location ? ` to ${String(response.headers.location).replace(/[?#].*$/, '')}` : '';
  return new ClusterFault('bad-response', `${what}: the API server answered with a redirect${location} (${response.statusCode}); redirects are not followed`, response.statusCode);
}

export class KubeClient {
  readonly server: string;
  private readonly options: typeof DEFAULTS & ClientOptions;

  constructor(
    private readonly config: KubeConfig,
    readonly context: ContextInfo,
    options: ClientOptions = {},
  ) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new ClusterFault('config', `context "${context.name}" has no cluster`);
    this.server = cluster.server.replace(/\/+$/, '');
    this.options = { ...DEFAULTS, ...options };
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  /** One HTTP exchange, no retry. Resolves with the response once its headers arrived. */
  private async open(method: string, path: string, query: Record<string, string | undefined>, body: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<Opened> {
    const options: https.RequestOptions & { headers: Record<string, string> } = { headers: {} };
    try {
      // Credentials come fresh for every request: an exec plugin's token is renewed when it expires.
      await this.config.applyToHTTPSOptions(options);
    } catch (error) {
      throw new ClusterFault('config', `the credentials of context "${this.context.name}" cannot be used: ${(error as Error).message.split('\n')[0]}`);
    }
    const tokenExpired = jwtExpired(options.headers.Authorization ?? options.headers.authorization);
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    const transport = url.protocol === 'http:' ? http : https;
    const headers: Record<string, string> = {
      ...(options.headers as Record<string, string>),
      Accept: 'application/json',
      'User-Agent': `trustwright/${VERSION}`,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    return new Promise<Opened>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(faultFromError(error, this.server));
      };
      const request = transport.request(url, { ...options, method, headers, signal }, (response) => {
        settled = true;
        // The answer has begun: from here the caller times the body (a watch may be quiet for minutes).
        request.removeAllListeners('timeout');
        request.setTimeout(0);
        resolve({ response, tokenExpired });
      });
      request.setTimeout(timeoutMs, () => request.destroy(new ClusterFault('timeout', `${this.server} did not answer within ${seconds(timeoutMs)} s`)));
      request.on('error', (error) => fail(signal?.aborted ? abortFault(signal) : error));
      if (body !== undefined) request.write(body);
      request.end();
    });
  }

  /**
   * One JSON exchange, no retry, bounded as a whole: the deadline covers the headers and the body,
   * so a server that drips its answer cannot hold the request open past it.
   */
  private async exchange<T>(method: string, path: string, what: string, body: string | undefined, init: JsonRequest): Promise<T> {
    const { requestTimeoutMs } = this.options;
    const deadlineMs = this.options.requestDeadlineMs ?? DEADLINE_FACTOR * requestTimeoutMs;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new ClusterFault('timeout', `${what}: ${this.server} did not send the whole answer within ${seconds(deadlineMs)} s`)), deadlineMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal;
    try {
      const { response, tokenExpired } = await this.open(method, path, init.query ?? {}, body, requestTimeoutMs, signal);
      response.setTimeout(requestTimeoutMs, () => response.destroy(new ClusterFault('timeout', `${this.server} stopped sending the response for ${seconds(requestTimeoutMs)} s`)));
      let text: string;
      try {
        text = await readBody(response, this.options.maxResponseBytes, signal);
      } catch (error) {
        throw faultFromError(error, this.server);
      }
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) throw redirectFault(what, response);
      if (status < 200 || status >= 300) {
        const retryAfter = Number(response.headers['retry-after']);
        throw faultFromStatus(status, text, what, Number.isFinite(retryAfter) ? retryAfter : undefined, tokenExpired);
      }
      try {
        return JSON.parse(text, init.reviver) as T;
      } catch {
        throw new ClusterFault('bad-response', `${what}: the API server's answer is not JSON`);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A JSON request with retries: reads retry on 429 (after Retry-After), 5xx, resets and timeouts
   * (the deadline's included), up to `attempts` in all; writes only on 429, which the server did not
   * process.
   */
  async request<T>(method: string, path: string, what: string, init: JsonRequest = {}): Promise<T> {
    const { attempts, retryBaseMs, retryMaxMs } = this.options;
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.exchange<T>(method, path, what, body, init);
      } catch (error) {
        const fault = faultFromError(error, this.server);
        const retryable = method === 'GET' ? fault.transient : fault.kind === 'throttled';
        if (!retryable || attempt >= attempts || init.signal?.aborted) throw fault;
        const wait = fault.retryAfter !== undefined ? Math.min(fault.retryAfter * 1000, retryMaxMs) : backoffDelay(attempt, retryBaseMs, retryMaxMs);
        this.log(`${about(what, fault.message)}; retrying in ${wait} ms (attempt ${attempt + 1} of ${attempts})`);
        await sleep(wait, init.signal);
      }
    }
  }

  private reviverFor(type: ResourceType) {
    return type.key === 'tlsSecrets' ? secretReviver : objectReviver;
  }

  /** Every object of a kind, page by page; a continue token that expires restarts the list once. */
  async list(type: ResourceType, options: { namespace?: string; signal?: AbortSignal } = {}): Promise<ListResult> {
    const path = collectionPath(type, options.namespace);
    const what = `list ${type.qualified}${options.namespace ? ` in namespace ${options.namespace}` : ''}`;
    for (let restart = 0; ; restart++) {
      const items: KubeObject[] = [];
      let token: string | undefined;
      let resourceVersion = '';
      let pages = 0;
      let malformed = 0;
      const seen = new Set<string>();
      try {
        do {
          if (pages >= this.options.maxPages) {
            throw new ClusterFault('bad-response', `${what}: the API server kept sending continue tokens past ${this.options.maxPages} pages; the list was cut off`);
          }
          const page = await this.request<{ items?: unknown[]; metadata?: { continue?: string; resourceVersion?: string } }>('GET', path, what, {
            query: { limit: String(this.options.pageSize), continue: token, fieldSelector: type.fieldSelector },
            reviver: this.reviverFor(type),
            signal: options.signal,
          });
          if (!Array.isArray(page.items)) throw new ClusterFault('bad-response', `${what}: the answer has no items`);
          pages++;
          for (const item of page.items) {
            if (isObject(item)) items.push(item);
            else malformed++;
          }
          token = page.metadata?.continue || undefined;
          if (token && seen.has(token)) throw new ClusterFault('bad-response', `${what}: the API server sent the same continue token twice; the list was cut off`);
          if (token) seen.add(token);
          resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        } while (token);
        if (malformed > 0) this.log(`${what}: skipped ${malformed} malformed item(s) (not an object with metadata.name)`);
        return { items, resourceVersion, pages };
      } catch (error) {
        const fault = error as ClusterFault;
        if (fault.kind === 'not-found') throw new ClusterFault('missing', `${type.qualified} is not served: ${type.installedBy} is not installed`, 404);
        if (fault.kind === 'gone' && token && restart < 1) {
          this.log(`${what}: the continue token expired (410 Gone); listing again from the start`);
          continue;
        }
        throw fault;
      }
    }
  }

  /**
   * Watches from `resourceVersion` until the server ends the stream (resolves) or something fails
   * (rejects with a ClusterFault; `gone` when the version is too old and a new list is needed).
   */
  async watch(type: ResourceType, options: WatchOptions): Promise<void> {
    const path = collectionPath(type, options.namespace);
    const what = `watch ${type.qualified}`;
    const timeoutSeconds = options.timeoutSeconds ?? 300;
    // A quiet watch is normal; one that outlives the server's own timeout by half a minute is dead.
    const idle = options.idleTimeoutMs ?? (timeoutSeconds + 30) * 1000;
    const query = {
      watch: '1',
      allowWatchBookmarks: 'true',
      resourceVersion: options.resourceVersion,
      timeoutSeconds: String(timeoutSeconds),
      fieldSelector: type.fieldSelector,
    };
    const { response, tokenExpired } = await this.open('GET', path, query, undefined, this.options.requestTimeoutMs, options.signal);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400) throw redirectFault(what, response);
    if (status !== 200) {
      const text = await readBody(response, this.options.maxResponseBytes).catch(() => '');
      const fault = faultFromStatus(status, text, what, undefined, tokenExpired);
      throw fault.kind === 'not-found' ? new ClusterFault('missing', `${type.qualified} is not served`, 404) : fault;
    }
    const reviver = this.reviverFor(type);
    options.onOpen?.();
    return new Promise<void>((resolve, reject) => {
      let buffer = '';
      let done = false;
      const finish = (error?: unknown) => {
        if (done) return;
        done = true;
        response.removeAllListeners('data');
        response.destroy();
        if (error) reject(faultFromError(error, this.server));
        else resolve();
      };
      response.setTimeout(idle, () => finish(new ClusterFault('timeout', `${what}: nothing received for ${Math.round(idle / 1000)} s`)));
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        if (buffer.length > this.options.maxWatchLineBytes && buffer.indexOf('\n') === -1) {
          finish(new ClusterFault('bad-response', `${what}: an event longer than ${Math.round(this.options.maxWatchLineBytes / 2 ** 20)} MiB; the stream was closed`));
          return;
        }
        let newline: number;
        while (!done && (newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) this.handleLine(line, reviver, what, options.onEvent, finish);
        }
      });
      response.on('end', () => finish());
      response.on('aborted', () => finish(new ClusterFault('unreachable', `${what}: the stream was cut off`)));
      response.on('error', (error) => finish(options.signal?.aborted ? undefined : error));
      options.signal?.addEventListener('abort', () => finish(), { once: true });
    });
  }

  private handleLine(
    line: string,
    reviver: (key: string, value: unknown) => unknown,
    what: string,
    onEvent: WatchOptions['onEvent'],
    finish: (error?: unknown) => void,
  ): void {
    let event: { type?: string; object?: KubeObject & { code?: number; message?: string } };
    try {
      event = JSON.parse(line, reviver);
    } catch {
      return finish(new ClusterFault('bad-response', `${what}: a watch event is not JSON`));
    }
    if (!event || typeof event !== 'object') return;
    if (event.type === 'ERROR') {
      const code = Number(event.object?.code) || 500;
      return finish(faultFromStatus(code, JSON.stringify({ kind: 'Status', message: event.object?.message }), what));
    }
    // A bookmark carries only a resourceVersion; every other event, a whole object.
    if (event.type === 'BOOKMARK' && event.object?.metadata) onEvent('BOOKMARK', event.object);
    else if ((event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') && isObject(event.object)) onEvent(event.type, event.object);
  }

  async get(type: ResourceType, namespace: string | undefined, name: string, signal?: AbortSignal): Promise<KubeObject> {
    const what = `get ${type.kind} ${namespace ? `${namespace}/` : ''}${name}`;
    return this.request<KubeObject>('GET', objectPath(type, namespace, name), what, { reviver: this.reviverFor(type), signal });
  }

  /**
   * GET of any core object by path (the ConfigMap a Bundle writes, say). For a Secret, `keepKeys`
   * names the only data keys kept: every other value is dropped while the response is parsed.
   */
  async getPath(path: string, what: string, keepKeys?: readonly string[]): Promise<KubeObject> {
    const reviver = keepKeys
      ? (key: string, value: unknown) => {
          if (key === 'stringData' || key === 'managedFields' || key === LAST_APPLIED) return undefined;
          if (key === 'data' && value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => keepKeys.includes(k)));
          return value;
        }
      : objectReviver;
    return this.request<KubeObject>('GET', path, what, { reviver });
  }

  /** PUT of the status subresource (optimistic: the object's resourceVersion must still be current). */
  async replaceStatus(type: ResourceType, object: KubeObject): Promise<KubeObject> {
    const path = `${objectPath(type, object.metadata.namespace, object.metadata.name)}/status`;
    return this.request<KubeObject>('PUT', path, `update the status of ${type.kind} ${object.metadata.namespace}/${object.metadata.name}`, { body: object, reviver: objectReviver });
  }
}
