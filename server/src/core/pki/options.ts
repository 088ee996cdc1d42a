// What a user asks of `generate mtls`, checked field by field with one-sentence messages. The CLI
// reports every problem at once; the editor shows each message under its input box as the user types.
import { isIP } from 'node:net';
import { DEFAULT_KEY_ALGORITHM, isKeyAlgorithm, KEY_ALGORITHMS, type KeyAlgorithm } from './algorithms';

export interface ServerIdentity {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  /** URI SANs, e.g. SPIFFE IDs. */
  readonly uri: readonly string[];
}

export interface MtlsOptions {
  readonly caCommonName: string;
  readonly server: ServerIdentity;
  readonly clientCommonName: string;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly caDays: number;
  readonly leafDays: number;
  /** Issue the leaves from an intermediate CA under the root (root path length 1). */
  readonly intermediate: boolean;
}

/** The answers as typed: comma-separated lists and numbers as text. Absent means the default. */
export interface MtlsInput {
  readonly caCn?: string;
  readonly serverDns?: string;
  readonly serverIp?: string;
  readonly serverUri?: string;
  readonly clientCn?: string;
  readonly keyAlg?: string;
  readonly caDays?: string;
  readonly leafDays?: string;
  readonly intermediate?: boolean;
}

export const MTLS_DEFAULTS = {
  caCn: 'Trustwright Development CA',
  /** Used only when no server DNS name, IP or URI is given at all. */
  serverDns: 'localhost',
  serverIp: '127.0.0.1',
  clientCn: 'client',
  keyAlg: DEFAULT_KEY_ALGORITHM,
  caDays: 365,
  leafDays: 30,
} as const;

/** X.520's upper bound for commonName; longer names are rejected by strict parsers. */
const MAX_COMMON_NAME = 64;
/** The longest CA lifetime offered: ten years. Trustwright's own lint warns above five. */
export const MAX_CA_DAYS = 3650;
/** Apple platforms refuse TLS server certificates valid for longer than 825 days, private CA or not. */
export const MAX_LEAF_DAYS = 825;

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export function checkCommonName(what: string, text: string): string | undefined {
  const value = text.trim();
  if (value.length === 0) return `${what} must not be empty`;
  if ([...value].length > MAX_COMMON_NAME) return `${what} has ${[...value].length} characters; a common name may have at most ${MAX_COMMON_NAME}`;
  // Control characters are legal in a UTF8String but break every tool that prints the subject.
  if (/[\u0000-\u001f\u007f]/.test(value)) return `${what} must not contain control characters`;
  return undefined;
}

/** A host name for a DNS SAN: letters, digits and hyphens, an optional leading `*.` label. */
export function checkDnsName(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.length > 253) return `DNS name "${name}" is longer than 253 characters`;
  const labels = lower.split('.');
  const rest = labels[0] === '*' ? labels.slice(1) : labels;
  if (labels[0] === '*' && rest.length < 2) return `DNS name "${name}": a wildcard needs at least two labels after "*."`;
  if (rest.some((label) => !DNS_LABEL.test(label))) {
    return `DNS name "${name}" is not a host name: use letters, digits and hyphens between dots (a wildcard only as the whole first label)`;
  }
  return undefined;
}

export function checkIp(address: string): string | undefined {
  return isIP(address) === 0 ? `"${address}" is not an IPv4 or IPv6 address` : undefined;
}

export function checkUri(uri: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return `"${uri}" is not a URI (expected a scheme, e.g. spiffe://cluster.local/ns/apps/sa/web)`;
  }
  if (parsed.protocol === 'spiffe:') {
    // The SPIFFE ID rules (spiffe.io, SPIFFE-ID.md): a trust domain, a path, nothing else.
    if (!/^[a-z0-9._-]+$/.test(parsed.hostname)) return `SPIFFE ID "${uri}" needs a lower-case trust domain`;
    if (parsed.pathname === '' || parsed.pathname === '/') return `SPIFFE ID "${uri}" needs a path after the trust domain`;
    if (parsed.search || parsed.hash || parsed.port || parsed.username) return `SPIFFE ID "${uri}" may not have a port, user, query or fragment`;
  }
  return undefined;
}

function firstProblem(items: readonly string[], check: (item: string) => string | undefined): string | undefined {
  for (const item of items) {
    const problem = check(item);
    if (problem) return problem;
  }
  return undefined;
}

export const checkDnsList = (text: string) => firstProblem(splitList(text), checkDnsName);
export const checkIpList = (text: string) => firstProblem(splitList(text), checkIp);
export const checkUriList = (text: string) => firstProblem(splitList(text), checkUri);

export function checkDays(what: string, text: string, max: number, why = ''): string | undefined {
  if (!/^\d+$/.test(text.trim())) return `${what} must be a whole number of days`;
  const days = Number(text.trim());
  if (days < 1) return `${what} must be at least 1 day`;
  if (days > max) return `${what} is ${days} days; at most ${max} are allowed${why}`;
  return undefined;
}

export const checkCaDays = (text: string) => checkDays('The CA validity', text, MAX_CA_DAYS);
export const checkLeafDays = (text: string) =>
  checkDays('The leaf validity', text, MAX_LEAF_DAYS, ' (Apple platforms refuse longer-lived TLS certificates, even from a private CA)');

/** Checks every answer and fills in the defaults; all problems are returned together. */
export function parseMtlsInput(input: MtlsInput): { readonly options?: MtlsOptions; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const note = (problem: string | undefined) => problem && problems.push(problem);

  const caCommonName = (input.caCn ?? MTLS_DEFAULTS.caCn).trim();
  note(checkCommonName('The CA common name', caCommonName));
  const clientCommonName = (input.clientCn ?? MTLS_DEFAULTS.clientCn).trim();
  note(checkCommonName('The client common name', clientCommonName));

  const noServerIdentity = input.serverDns === undefined && input.serverIp === undefined && input.serverUri === undefined;
  const dns = splitList(noServerIdentity ? MTLS_DEFAULTS.serverDns : input.serverDns).map((d) => d.toLowerCase());
  const ip = splitList(noServerIdentity ? MTLS_DEFAULTS.serverIp : input.serverIp);
  const uri = splitList(input.serverUri);
  dns.forEach((d) => note(checkDnsName(d)));
  ip.forEach((a) => note(checkIp(a)));
  uri.forEach((u) => note(checkUri(u)));
  if (dns.length + ip.length + uri.length === 0) {
    problems.push('The server needs at least one identity: a DNS name, an IP address or a URI');
  }

  const keyAlgorithm = input.keyAlg ?? MTLS_DEFAULTS.keyAlg;
  if (!isKeyAlgorithm(keyAlgorithm)) problems.push(`The key algorithm must be one of ${KEY_ALGORITHMS.join(', ')} (got "${keyAlgorithm}")`);

  const caDaysText = input.caDays ?? String(MTLS_DEFAULTS.caDays);
  const leafDaysText = input.leafDays ?? String(MTLS_DEFAULTS.leafDays);
  const caDaysProblem = checkCaDays(caDaysText);
  const leafDaysProblem = checkLeafDays(leafDaysText);
  note(caDaysProblem);
  note(leafDaysProblem);
  const caDays = Number(caDaysText.trim());
  const leafDays = Number(leafDaysText.trim());
  if (!caDaysProblem && !leafDaysProblem && leafDays > caDays) {
    const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
    problems.push(`The leaf validity (${days(leafDays)}) must not outlast the CA (${days(caDays)}): a verifier rejects a leaf once its CA has expired`);
  }

  if (problems.length > 0) return { problems };
  return {
    options: {
      caCommonName,
      server: { dns: unique(dns), ip: unique(ip), uri: unique(uri) },
      clientCommonName,
      keyAlgorithm: keyAlgorithm as KeyAlgorithm,
      caDays,
      leafDays,
      intermediate: input.intermediate ?? false,
    },
    problems,
  };
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
