// What can go wrong between us and the API server, named so that each tree node can say what it
// means for that node, and so that logs never carry more than the status line: no header, no token,
// no response body beyond the Status message the API server writes for people.
import type { ResourceType } from './resources';

export type FaultKind =
  /** Connection refused, DNS failure, host unreachable, reset before a response. */
  | 'unreachable'
  /** The server's certificate was not accepted, or ours was refused. */
  | 'tls'
  /** 401: the credentials were refused. */
  | 'unauthorized'
  /** 401 with a bearer token whose `exp` claim has passed. */
  | 'token-expired'
  /** 403: authenticated, but RBAC does not allow the verb on this resource. */
  | 'forbidden'
  /** 404 on a collection: the CRD is not installed. */
  | 'missing'
  /** 404 on one object. */
  | 'not-found'
  /** 410: a watch or continue token older than the server keeps. */
  | 'gone'
  /** 409: the object changed between read and write. */
  | 'conflict'
  /** 429 after every retry. */
  | 'throttled'
  /** 5xx after every retry. */
  | 'server-error'
  /** No response (or no progress) within the time allowed. */
  | 'timeout'
  /** The kubeconfig cannot be read or names no usable context. */
  | 'config'
  /** A response that is not the JSON the API promises. */
  | 'bad-response';

export class ClusterFault extends Error {
  constructor(
    readonly kind: FaultKind,
    message: string,
    readonly status?: number,
    /** Seconds the server asked us to wait (Retry-After). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ClusterFault';
  }

  /** Worth trying again at once (the request, not the whole watch). */
  get transient(): boolean {
    return this.kind === 'throttled' || this.kind === 'server-error' || this.kind === 'timeout' || (this.kind === 'unreachable' && this.status === undefined);
  }
}

/** The Status message the API server writes for people (never the request it echoes). */
function statusMessage(body: string): string | undefined {
  try {
    const status = JSON.parse(body) as { kind?: string; message?: unknown };
    if (status.kind === 'Status' && typeof status.message === 'string') return status.message.slice(0, 300);
  } catch {
    // A proxy's HTML error page, say: not worth repeating.
  }
  return undefined;
}

export function faultFromStatus(status: number, body: string, what: string, retryAfter?: number, tokenExpired?: boolean): ClusterFault {
  const detail = statusMessage(body);
  const suffix = detail ? `: ${detail}` : '';
  switch (status) {
    case 401:
      return tokenExpired
        ? new ClusterFault('token-expired', `the token in the kubeconfig has expired (401 Unauthorized); log in again to refresh it`, status)
        : new ClusterFault('unauthorized', `the API server refused the credentials (401 Unauthorized)${suffix}`, status);
    case 403:
      return new ClusterFault('forbidden', `no permission to ${what} (403 Forbidden)`, status);
    case 404:
      return new ClusterFault('not-found', `${what}: not found (404)`, status);
    case 409:
      return new ClusterFault('conflict', `${what}: the object changed meanwhile (409 Conflict)${suffix}`, status);
    case 410:
      return new ClusterFault('gone', `${what}: resource version too old (410 Gone)`, status);
    case 429:
      return new ClusterFault('throttled', `${what}: the API server is throttling requests (429 Too Many Requests)`, status, retryAfter);
    default:
      if (status >= 500) return new ClusterFault('server-error', `${what}: the API server answered ${status}${suffix}`, status, retryAfter);
      return new ClusterFault('bad-response', `${what}: unexpected HTTP ${status}${suffix}`, status);
  }
}

/**
 * `message` about `subject`, naming the subject once: faults made from an HTTP status already begin
 * with what was asked (`list certificates.cert-manager.io: …`), socket faults do not.
 */
export function about(subject: string, message: string, stem = subject): string {
  return message.startsWith(stem) ? message : `${subject}: ${message}`;
}

const TLS_CODES = /^(ERR_TLS_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_SSL_|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** A socket-level error, in words that say what to check. */
export function faultFromError(error: unknown, server: string): ClusterFault {
  if (error instanceof ClusterFault) return error;
  const e = error as NodeJS.ErrnoException & { reason?: string };
  const code = e?.code ?? '';
  if (TLS_CODES.test(code) || /certificate|SSL|TLS|handshake|alert/i.test(e?.message ?? '')) {
    return new ClusterFault('tls', `TLS with ${server} failed: ${e.reason ?? e.message} (${code || 'TLS error'}); check certificate-authority-data and the client certificate in the kubeconfig`);
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new ClusterFault('unreachable', `cannot reach ${server}: connection refused`, 0);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ClusterFault('unreachable', `cannot reach ${server}: the host name does not resolve`, 0);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ClusterFault('unreachable', `cannot reach ${server}: no route to the host`, 0);
    case 'ECONNRESET':
    case 'EPIPE':
      return new ClusterFault('unreachable', `${server} closed the connection`);
    case 'ETIMEDOUT':
      return new ClusterFault('timeout', `${server} did not answer in time`);
    default:
      return new ClusterFault('unreachable', `cannot talk to ${server}: ${e?.message ?? String(error)}`);
  }
}

/**
 * A fault in one sentence for a log or a terminal: the node's label with the fault's own message
 * after it, or the message alone when it already says what the label says (a 401, a 403).
 */
export function faultSentence(fault: ClusterFault, type: ResourceType): string {
  const label = faultLabel(fault, type);
  if (fault.message === label) return label;
  const gist = label.replace(/\s*\([^)]*\)/g, '');
  return fault.message.includes(gist) ? fault.message : `${label} (${fault.message})`;
}

/** The line a tree node shows for a fault on one resource. */
export function faultLabel(fault: ClusterFault, type: ResourceType): string {
  switch (fault.kind) {
    case 'forbidden':
      return `no permission to list ${type.qualified}`;
    case 'missing':
      return `${type.kind} is not installed (${type.installedBy}'s CRD ${type.qualified} is missing)`;
    case 'unauthorized':
      return 'the API server refused the credentials (401)';
    case 'token-expired':
      return 'the token has expired: log in again';
    case 'unreachable':
      return 'the API server is unreachable';
    case 'tls':
      return 'TLS error talking to the API server';
    case 'timeout':
      return 'the API server is not answering in time';
    case 'throttled':
      return 'throttled by the API server (429)';
    case 'server-error':
      return `API server error${fault.status ? ` (${fault.status})` : ''}`;
    case 'config':
      return 'the kubeconfig cannot be used';
    default:
      return fault.message;
  }
}
