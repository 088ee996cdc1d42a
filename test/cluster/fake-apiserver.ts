// A small HTTPS server on 127.0.0.1 that speaks the part of the Kubernetes API the cluster views
// read, so the client, the views and the CLI can be tested without a real kube-apiserver (none can
// be installed on these machines). It serves, from fixtures held in memory:
//   - lists with `limit`/`continue` pagination, `fieldSelector` (type=…, metadata.name=…) and
//     namespaced or cluster-wide paths; an expired continue token answers 410;
//   - watches (`watch=1`) from a resourceVersion, with ADDED/MODIFIED/DELETED events, BOOKMARKs on
//     request, `timeoutSeconds`, and an ERROR event with code 410 for a version older than the
//     retained history (after `compact()`);
//   - GET of one object, and PUT of a Certificate's status subresource (with resourceVersion
//     conflicts);
//   - authentication by client certificate (signed by the test CA; the user is its CN) or bearer
//     token, 401 otherwise, and 403 for what a user may not list (per resource, per namespace);
//   - injected faults: a status (429 with Retry-After, 500…) for the next N matching requests,
//     delays, hung responses, dropped watch streams, a group that is not installed (404).
// It records every request (method, path, query, user) without headers, for assertions.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

export type StorageKey = 'namespaces' | 'secrets' | 'configmaps' | 'certificates' | 'certificaterequests' | 'issuers' | 'clusterissuers' | 'bundles' | 'clusterbundles';

interface Route {
  readonly group: string;
  readonly plural: string;
  readonly storage: StorageKey;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly apiVersion: string;
}

const ROUTES: readonly Route[] = [
  { group: '', plural: 'namespaces', storage: 'namespaces', namespaced: false, kind: 'Namespace', apiVersion: 'v1' },
  { group: '', plural: 'secrets', storage: 'secrets', namespaced: true, kind: 'Secret', apiVersion: 'v1' },
  { group: '', plural: 'configmaps', storage: 'configmaps', namespaced: true, kind: 'ConfigMap', apiVersion: 'v1' },
  { group: 'cert-manager.io', plural: 'certificates', storage: 'certificates', namespaced: true, kind: 'Certificate', apiVersion: 'cert-manager.io/v1' },
  { group: 'cert-manager.io', plural: 'certificaterequests', storage: 'certificaterequests', namespaced: true, kind: 'CertificateRequest', apiVersion: 'cert-manager.io/v1' },
  { group: 'cert-manager.io', plural: 'issuers', storage: 'issuers', namespaced: true, kind: 'Issuer', apiVersion: 'cert-manager.io/v1' },
  { group: 'cert-manager.io', plural: 'clusterissuers', storage: 'clusterissuers', namespaced: false, kind: 'ClusterIssuer', apiVersion: 'cert-manager.io/v1' },
  { group: 'trust.cert-manager.io', plural: 'bundles', storage: 'bundles', namespaced: false, kind: 'Bundle', apiVersion: 'trust.cert-manager.io/v1alpha1' },
  { group: 'trust-manager.io', plural: 'clusterbundles', storage: 'clusterbundles', namespaced: false, kind: 'ClusterBundle', apiVersion: 'trust-manager.io/v1alpha2' },
];

export const STORAGE_KEYS: readonly StorageKey[] = ROUTES.map((r) => r.storage);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = { apiVersion?: string; kind?: string; metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: any }; [k: string]: any };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly user?: string;
  readonly status: number;
}

export interface Failure {
  readonly method?: string;
  readonly path: RegExp;
  readonly status: number;
  /** How many matching requests fail (then the rule is used up). */
  count: number;
  readonly retryAfter?: number;
  readonly message?: string;
}

export interface Delay {
  readonly path: RegExp;
  readonly ms: number;
  count: number;
}

export interface ForbidRule {
  readonly user: string;
  readonly storage: StorageKey;
  /** The user may still list in this namespace. */
  readonly allowNamespace?: string;
}

export interface FakeApiServerOptions {
  readonly key: string;
  readonly cert: string;
  /** CA that signs client certificates. */
  readonly clientCa: string;
  /** Bearer token → user name. */
  readonly tokens?: Readonly<Record<string, string>>;
  /** Interval of BOOKMARK events on watches that ask for them (0: only at the end). */
  readonly bookmarkIntervalMs?: number;
}

interface Event {
  readonly rv: number;
  readonly storage: StorageKey;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: Obj;
}

interface Watch {
  readonly route: Route;
  readonly namespace?: string;
  readonly fieldSelector?: string;
  readonly bookmarks: boolean;
  readonly response: ServerResponse;
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * What a broken or malicious API server might send: a redirect to another host, a body that is not
 * JSON, a body that never stops, a watch line that never ends, continue tokens that never stop (or
 * repeat), a valid answer sent one byte every 100 ms (never idle long enough to time out), list
 * items that are not objects, and names and messages full of terminal escape sequences.
 */
export type HostileMode = 'redirect' | 'not-json' | 'huge' | 'endless-line' | 'endless-pages' | 'repeated-token' | 'slow-drip' | 'malformed-items' | 'escapes';

/** A Certificate whose every string a terminal would obey, were it printed raw. */
export const ESCAPING_CERTIFICATE = {
  metadata: { name: 'evil\u001b]0;PWNED\u0007', namespace: 'apps', resourceVersion: '1' },
  spec: { secretName: 'evil-tls', issuerRef: { kind: 'ClusterIssuer', name: 'x\u001b[2J' } },
  status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Bad\u009b31m', message: 'line\u001b[1Aup' }] },
};

export class FakeApiServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly store = new Map<StorageKey, Map<string, Obj>>(STORAGE_KEYS.map((k) => [k, new Map()]));
  private readonly events: Event[] = [];
  private readonly watches = new Set<Watch>();
  private rv = 100;
  /** Watches from a version below this answer 410. */
  private oldestRv = 0;
  readonly tokens = new Map<string, string>();
  readonly requests: RecordedRequest[] = [];
  readonly failures: Failure[] = [];
  readonly delays: Delay[] = [];
  readonly forbidden: ForbidRule[] = [];
  readonly missingGroups = new Set<string>();
  /** Called with every request as it is answered (tests change the state between pages). */
  onRequest?: (request: RecordedRequest) => void;
  /** Requests whose path matches never get an answer (until the client gives up). */
  hang?: RegExp;
  /** Requests whose path matches get a hostile answer instead of a real one. */
  hostile?: { readonly path: RegExp; readonly mode: HostileMode };
  port = 0;

  constructor(private readonly options: FakeApiServerOptions) {
    for (const [token, user] of Object.entries(options.tokens ?? {})) this.tokens.set(token, user);
    this.server = createServer({ key: options.key, cert: options.cert, ca: options.clientCa, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      void this.handle(req, res);
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('secureConnection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // A TLS handshake a client aborts (wrong CA) is not worth a crash.
    this.server.on('tlsClientError', () => undefined);
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.response.destroy();
    this.watches.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------------------------------------
  // State changes (each one is an event that watches see).
  private routeOf(storage: StorageKey): Route {
    return ROUTES.find((r) => r.storage === storage)!;
  }

  private keyOf(object: Obj): string {
    return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  }

  private record(storage: StorageKey, type: Event['type'], object: Obj): void {
    this.rv++;
    const stored = clone(object);
    const route = this.routeOf(storage);
    stored.apiVersion ??= route.apiVersion;
    stored.kind ??= route.kind;
    stored.metadata.resourceVersion = String(this.rv);
    if (type === 'DELETED') this.store.get(storage)!.delete(this.keyOf(stored));
    else this.store.get(storage)!.set(this.keyOf(stored), stored);
    const event: Event = { rv: this.rv, storage, type, object: stored };
    this.events.push(event);
    for (const watch of this.watches) if (this.matches(watch, event)) this.send(watch, event.type, event.object);
  }

  /** Adds or replaces objects without events older than now (the initial fixture state). */
  load(storage: StorageKey, objects: readonly Obj[]): void {
    for (const object of objects) this.record(storage, this.store.get(storage)!.has(this.keyOf(object)) ? 'MODIFIED' : 'ADDED', object);
  }

  add(storage: StorageKey, object: Obj): void {
    this.record(storage, 'ADDED', object);
  }

  update(storage: StorageKey, object: Obj): void {
    this.record(storage, 'MODIFIED', object);
  }

  remove(storage: StorageKey, namespace: string | undefined, name: string): void {
    const existing = this.store.get(storage)!.get(`${namespace ?? ''}/${name}`);
    if (existing) this.record(storage, 'DELETED', existing);
  }

  get(storage: StorageKey, namespace: string | undefined, name: string): Obj | undefined {
    const found = this.store.get(storage)!.get(`${namespace ?? ''}/${name}`);
    return found ? clone(found) : undefined;
  }

  count(storage: StorageKey): number {
    return this.store.get(storage)!.size;
  }

  /** Forgets the event history: watches and continue tokens from before now answer 410. */
  compact(): void {
    this.oldestRv = this.rv + 1;
    this.events.length = 0;
  }

  /** Cuts every open watch stream, as a dropped connection or an API server restart would. */
  dropWatches(): void {
    for (const w of this.watches) w.response.socket?.destroy();
    this.watches.clear();
  }

  get openWatches(): number {
    return this.watches.size;
  }

  /** Sends a BOOKMARK with the current version to every watch that asked for bookmarks. */
  bookmark(): void {
    for (const w of this.watches) if (w.bookmarks) this.sendBookmark(w);
  }

  fail(failure: Omit<Failure, 'count'> & { count?: number }): void {
    this.failures.push({ ...failure, count: failure.count ?? 1 });
  }

  delay(path: RegExp, ms: number, count = Number.POSITIVE_INFINITY): void {
    this.delays.push({ path, ms, count });
  }

  forbid(rule: ForbidRule): void {
    this.forbidden.push(rule);
  }

  requestsTo(path: RegExp, query?: (q: Readonly<Record<string, string>>) => boolean): RecordedRequest[] {
    return this.requests.filter((r) => path.test(r.path) && (!query || query(r.query)));
  }

  // ---------------------------------------------------------------------------------------------
  private authenticate(req: IncomingMessage): string | undefined {
    const header = req.headers.authorization;
    const bearer = header && /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (bearer) return this.tokens.get(bearer);
    const socket = req.socket as TLSSocket;
    if (socket.authorized) {
      const cert = socket.getPeerCertificate();
      const cn = cert?.subject?.CN;
      return typeof cn === 'string' ? cn : Array.isArray(cn) ? cn[0] : undefined;
    }
    return undefined;
  }

  private hostileAnswer(mode: HostileMode, res: ServerResponse): void {
    switch (mode) {
      case 'redirect':
        // Never followed: the address is not even resolvable here.
        res.writeHead(302, { Location: 'https://metadata.invalid/computeMetadata/v1/?recursive=true' });
        return void res.end();
      case 'not-json':
        res.writeHead(200, { 'Content-Type': 'text/html' });
        return void res.end('<html><body>502 Bad Gateway</body></html>');
      case 'endless-pages':
        return this.reply(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { continue: `token-${Math.random()}`, resourceVersion: '1' }, items: [] });
      case 'repeated-token':
        return this.reply(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { continue: 'the-same-token', resourceVersion: '1' }, items: [] });
      case 'slow-drip': {
        const text = JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }).padEnd(4096);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        let sent = 0;
        const timer = setInterval(() => {
          if (res.destroyed || sent >= text.length) return void (clearInterval(timer), res.end());
          res.write(text[sent++]);
        }, 100);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case 'malformed-items':
        return this.reply(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [null, 42, { metadata: {} }, { metadata: { name: 'fine', namespace: 'apps' } }] });
      case 'escapes':
        return this.reply(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [ESCAPING_CERTIFICATE] });
      case 'huge':
      case 'endless-line': {
        // A body (or one watch line) that never ends: written until the client hangs up.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = mode === 'huge' ? `{"items":[${'{"a":1},'.repeat(8192)}` : 'x'.repeat(64 * 1024);
        const pump = () => {
          while (!res.destroyed && res.write(mode === 'huge' ? chunk.replace('{"items":[', '') : chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        res.write(mode === 'huge' ? '{"items":[' : '');
        res.on('close', () => res.removeAllListeners('drain'));
        return pump();
      }
    }
  }

  private reply(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private parse(path: string): { route: Route; namespace?: string; name?: string; subresource?: string } | { missing: true } | undefined {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group = '';
    let rest: string[];
    if (parts[0] === 'api' && parts[1] === 'v1') rest = parts.slice(2);
    else if (parts[0] === 'apis' && parts.length >= 3) {
      group = parts[1];
      rest = parts.slice(3);
      if (this.missingGroups.has(group)) return { missing: true };
    } else return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const route = ROUTES.find((r) => r.group === group && r.plural === rest[0]);
    if (!route) return undefined;
    return { route, namespace, name: rest[1], subresource: rest[2] };
  }

  private matchesSelector(object: Obj, fieldSelector?: string): boolean {
    if (!fieldSelector) return true;
    return fieldSelector.split(',').every((term) => {
      const [key, value] = term.split('=');
      if (key === 'type') return object.type === value;
      if (key === 'metadata.name') return object.metadata.name === value;
      if (key === 'metadata.namespace') return object.metadata.namespace === value;
      return true;
    });
  }

  private matches(watch: Watch, event: Event): boolean {
    if (event.storage !== watch.route.storage) return false;
    if (watch.namespace && event.object.metadata.namespace !== watch.namespace) return false;
    return this.matchesSelector(event.object, watch.fieldSelector);
  }

  private send(watch: Watch, type: string, object: unknown): void {
    if (!watch.response.writableEnded) watch.response.write(JSON.stringify({ type, object }) + '\n');
  }

  /** Stops periodic bookmarks (a quiet server). */
  quiet = false;

  private sendBookmark(watch: Watch): void {
    if (this.quiet) return;
    this.send(watch, 'BOOKMARK', { kind: watch.route.kind, apiVersion: watch.route.apiVersion, metadata: { resourceVersion: String(this.rv) } });
  }

  private isForbidden(user: string, route: Route, namespace: string | undefined): boolean {
    return this.forbidden.some((rule) => rule.user === user && rule.storage === route.storage && !(rule.allowNamespace && namespace === rule.allowNamespace));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const user = this.authenticate(req);
    const note = (code: number) => {
      const request = { method, path: url.pathname, query, user, status: code };
      this.requests.push(request);
      this.onRequest?.(request);
    };

    const body = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });

    if (this.hang?.test(url.pathname)) {
      note(0);
      return;
    }
    if (this.hostile?.path.test(url.pathname)) {
      note(200);
      return this.hostileAnswer(this.hostile.mode, res);
    }
    const delay = this.delays.find((d) => d.count > 0 && d.path.test(url.pathname));
    if (delay) {
      delay.count--;
      await new Promise((r) => setTimeout(r, delay.ms));
      if (res.destroyed) return;
    }
    if (!user) {
      note(401);
      return this.reply(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    const failure = this.failures.find((f) => f.count > 0 && f.path.test(url.pathname) && (!f.method || f.method === method));
    if (failure) {
      failure.count--;
      note(failure.status);
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'Retry-After': String(failure.retryAfter) } : {};
      return this.reply(res, failure.status, status(failure.status, failure.status === 429 ? 'TooManyRequests' : 'InternalError', failure.message ?? (failure.status === 429 ? 'Too many requests, please try again later.' : 'Internal error occurred: injected by the test')), headers);
    }

    const parsed = this.parse(url.pathname);
    if (!parsed || 'missing' in parsed) {
      note(404);
      return this.reply(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const { route, namespace, name, subresource } = parsed;
    const verb = method === 'GET' ? (name ? 'get' : query.watch === '1' || query.watch === 'true' ? 'watch' : 'list') : method === 'PUT' ? 'update' : method.toLowerCase();
    if (this.isForbidden(user, route, namespace)) {
      note(403);
      const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      return this.reply(res, 403, status(403, 'Forbidden', `${route.plural}${route.group ? `.${route.group}` : ''} is forbidden: User "${user}" cannot ${verb} resource "${route.plural}" in API group "${route.group}" ${scope}`));
    }

    if (method === 'PUT' && name && subresource === 'status') return this.putStatus(route, namespace, name, body, note, res);
    if (method !== 'GET') {
      note(405);
      return this.reply(res, 405, status(405, 'MethodNotAllowed', 'only reads and status updates are served'));
    }
    if (name) {
      const found = this.store.get(route.storage)!.get(`${route.namespaced ? namespace ?? '' : ''}/${name}`);
      note(found ? 200 : 404);
      if (!found) return this.reply(res, 404, status(404, 'NotFound', `${route.plural} "${name}" not found`));
      return this.reply(res, 200, found);
    }
    if (verb === 'watch') return this.watch(route, namespace, query, note, res);
    return this.list(route, namespace, query, note, res);
  }

  private list(route: Route, namespace: string | undefined, query: Record<string, string>, note: (code: number) => void, res: ServerResponse): void {
    let offset = 0;
    let listRv = this.rv;
    if (query.continue) {
      let token: { rv: number; offset: number };
      try {
        token = JSON.parse(Buffer.from(query.continue, 'base64url').toString('utf8'));
      } catch {
        note(400);
        return this.reply(res, 400, status(400, 'BadRequest', 'continue key is not valid'));
      }
      if (token.rv < this.oldestRv - 1) {
        note(410);
        return this.reply(res, 410, status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'));
      }
      offset = token.offset;
      listRv = token.rv;
    }
    const all = [...this.store.get(route.storage)!.values()]
      .filter((o) => !namespace || o.metadata.namespace === namespace)
      .filter((o) => this.matchesSelector(o, query.fieldSelector))
      .sort((a, b) => this.keyOf(a).localeCompare(this.keyOf(b)));
    const limit = Number(query.limit) || all.length;
    const items = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? Buffer.from(JSON.stringify({ rv: listRv, offset: offset + limit })).toString('base64url') : undefined;
    note(200);
    this.reply(res, 200, {
      kind: `${route.kind}List`,
      apiVersion: route.apiVersion,
      metadata: { resourceVersion: String(listRv), ...(next ? { continue: next, remainingItemCount: all.length - offset - limit } : {}) },
      // List items carry no kind or apiVersion, as from the real API server.
      items: items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
    });
  }

  private watch(route: Route, namespace: string | undefined, query: Record<string, string>, note: (code: number) => void, res: ServerResponse): void {
    note(200);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    // As the real API server does: the headers go out at once, events follow when there are any.
    res.flushHeaders();
    const watch: Watch = { route, namespace, fieldSelector: query.fieldSelector, bookmarks: query.allowWatchBookmarks === 'true', response: res };
    const from = Number(query.resourceVersion || 0);
    if (from > 0 && from < this.oldestRv - 1) {
      // The real API server answers 200 and then an ERROR event, not an HTTP 410.
      this.send(watch, 'ERROR', status(410, 'Expired', `too old resource version: ${from} (${this.oldestRv - 1})`));
      res.end();
      return;
    }
    this.watches.add(watch);
    if (from === 0) {
      for (const object of this.store.get(route.storage)!.values()) if (this.matches(watch, { rv: 0, storage: route.storage, type: 'ADDED', object })) this.send(watch, 'ADDED', object);
    } else {
      for (const event of this.events) if (event.rv > from && this.matches(watch, event)) this.send(watch, event.type, event.object);
    }
    const timers: NodeJS.Timeout[] = [];
    const close = () => {
      for (const t of timers) clearTimeout(t);
      this.watches.delete(watch);
    };
    if (this.options.bookmarkIntervalMs && watch.bookmarks) timers.push(setInterval(() => this.sendBookmark(watch), this.options.bookmarkIntervalMs));
    const timeout = Number(query.timeoutSeconds);
    if (timeout > 0) {
      timers.push(
        setTimeout(() => {
          if (watch.bookmarks) this.sendBookmark(watch);
          close();
          res.end();
        }, timeout * 1000),
      );
    }
    res.on('close', close);
  }

  private putStatus(route: Route, namespace: string | undefined, name: string, body: string, note: (code: number) => void, res: ServerResponse): void {
    const existing = this.store.get(route.storage)!.get(`${namespace ?? ''}/${name}`);
    if (!existing) {
      note(404);
      return this.reply(res, 404, status(404, 'NotFound', `${route.plural} "${name}" not found`));
    }
    let incoming: Obj;
    try {
      incoming = JSON.parse(body);
    } catch {
      note(400);
      return this.reply(res, 400, status(400, 'BadRequest', 'the body is not JSON'));
    }
    if (incoming.metadata?.resourceVersion !== existing.metadata.resourceVersion) {
      note(409);
      return this.reply(res, 409, status(409, 'Conflict', `Operation cannot be fulfilled on ${route.plural}.${route.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`));
    }
    // The status subresource changes the status only.
    this.record(route.storage, 'MODIFIED', { ...existing, status: incoming.status });
    note(200);
    this.reply(res, 200, this.store.get(route.storage)!.get(`${namespace ?? ''}/${name}`));
  }
}
