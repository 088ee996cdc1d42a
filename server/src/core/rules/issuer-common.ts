// Shared readers for the Issuer and ClusterIssuer rule families (cert-manager v1.21.1, issuer.go).
// The webhook validates only what it reaches: the first issuer type present, the dns01 block of a
// solver without http01, and the DNS01 providers it did not reject as extra. These helpers answer
// "what does the webhook actually look at" once, so every rule agrees.
import { X509Certificate } from 'node:crypto';
import type { FieldPath } from '../model/path';
import { formatPath } from '../model/path';
import { isBase64 } from '../schema/structural';
import { asList, asMap, asString, type JsonMap } from './access';
import { fieldError } from './k8s';
import type { RuleContext } from './types';
import type { JsonValue } from '../model/value';

export const ISSUER_KINDS = ['Issuer', 'ClusterIssuer'] as const;

/** The order in which the webhook looks at issuer types; a type after the first present one is rejected. */
export const ISSUER_TYPES = ['acme', 'ca', 'selfSigned', 'vault', 'venafi'] as const;
export type IssuerType = (typeof ISSUER_TYPES)[number];

/** Go sees a nested struct pointer as set when the key holds an object (even `{}`); nulls are pruned. */
export function present(value: JsonValue | undefined): value is JsonMap {
  return asMap(value) !== undefined;
}

export function issuerTypesPresent(spec: JsonMap | undefined): IssuerType[] {
  return ISSUER_TYPES.filter((type) => present(spec?.[type]));
}

/** The config of `type` when it is the one the webhook validates, otherwise undefined. */
export function activeIssuer(context: RuleContext, type: IssuerType): JsonMap | undefined {
  const [first] = issuerTypesPresent(context.spec);
  return first === type ? asMap(context.spec?.[type]) : undefined;
}

export interface Located {
  readonly value: JsonMap;
  readonly path: FieldPath;
}

export function acmeSolvers(context: RuleContext): Located[] {
  const acme = activeIssuer(context, 'acme');
  const out: Located[] = [];
  asList(acme?.solvers).forEach((entry, index) => {
    const solver = asMap(entry);
    if (solver) out.push({ value: solver, path: ['spec', 'acme', 'solvers', index] });
  });
  return out;
}

/** http01 blocks the webhook validates (every solver that has one). */
export function http01Blocks(context: RuleContext): Located[] {
  return acmeSolvers(context).flatMap(({ value, path }) =>
    present(value.http01) ? [{ value: value.http01, path: [...path, 'http01'] }] : [],
  );
}

/** dns01 blocks the webhook validates: next to http01, a dns01 block is rejected without being read. */
export function dns01Blocks(context: RuleContext): Located[] {
  return acmeSolvers(context).flatMap(({ value, path }) =>
    present(value.dns01) && !present(value.http01) ? [{ value: value.dns01, path: [...path, 'dns01'] }] : [],
  );
}

/** The order in which the webhook looks at DNS01 providers. */
export const DNS01_PROVIDERS = [
  'akamai',
  'azureDNS',
  'cloudDNS',
  'cloudflare',
  'route53',
  'acmeDNS',
  'digitalocean',
  'rfc2136',
  'webhook',
] as const;
export type Dns01Provider = (typeof DNS01_PROVIDERS)[number];

/**
 * Which providers of one dns01 block the webhook validates and which it rejects as "more than one".
 * Quirk kept on purpose: akamai is checked first and acmeDNS never looks at the count, so neither is
 * ever rejected, and acmeDNS next to an earlier provider is accepted.
 */
export function dns01Providers(dns01: JsonMap): { validated: Dns01Provider[]; rejected: Dns01Provider[] } {
  const validated: Dns01Provider[] = [];
  const rejected: Dns01Provider[] = [];
  for (const name of DNS01_PROVIDERS) {
    if (!present(dns01[name])) continue;
    if (validated.length > 0 && name !== 'akamai' && name !== 'acmeDNS') rejected.push(name);
    else validated.push(name);
  }
  return { validated, rejected };
}

/** Each validated config of one DNS01 provider, across all solvers. */
export function dns01Provider(context: RuleContext, provider: Dns01Provider): Located[] {
  return dns01Blocks(context).flatMap(({ value, path }) =>
    dns01Providers(value).validated.includes(provider) ? [{ value: value[provider] as JsonMap, path: [...path, provider] }] : [],
  );
}

/**
 * cert-manager's SecretKeySelector check: both name and key must be non-empty. `shown` is the path the
 * webhook prints, which for a few fields is not the YAML path (akamai prints `accessToken`).
 */
export function checkSecretKeySelector(
  context: RuleContext,
  ref: JsonValue | undefined,
  path: FieldPath,
  shown = formatPath(path),
): void {
  const selector = asMap(ref);
  if (!asString(selector?.name)) reportRequired(context, [...path, 'name'], 'secret name is required', `${shown}.name`);
  if (!asString(selector?.key)) reportRequired(context, [...path, 'key'], 'secret key is required', `${shown}.key`);
}

/**
 * `Required value` at `path`, printed as `shown`. Underlines the field's key, or the parent key where it
 * belongs when absent; a list item (a solver) has no key, so its first line is underlined instead.
 */
export function reportRequired(context: RuleContext, path: FieldPath, detail?: string, shown = formatPath(path)): void {
  const anchor = typeof path[path.length - 1] === 'number' ? 'value' : 'missing';
  context.report(path, fieldError.required(shown, detail), { anchor });
}

/** `Forbidden` at `path` (an object the webhook rejects as a whole), printed as `shown`; underlines its key. */
export function reportForbidden(context: RuleContext, path: FieldPath, detail: string, shown = formatPath(path)): void {
  context.report(path, fieldError.forbidden(shown, detail), { anchor: 'key' });
}

/** Reports `Required value` (with the webhook's detail, often empty) when a string field is empty or absent. */
export function requireString(context: RuleContext, config: JsonMap, path: FieldPath, field: string, detail?: string): void {
  if (!asString(config[field])) reportRequired(context, [...path, field], detail);
}

/** The bytes of a base64 `caBundle`; undefined when absent, empty or not base64 (the schema reports that). */
export function decodeBundle(value: JsonValue | undefined): Buffer | undefined {
  if (typeof value !== 'string' || !isBase64(value)) return undefined;
  const bytes = Buffer.from(value.replace(/[\r\n]/g, ''), 'base64');
  return bytes.length > 0 ? bytes : undefined;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[^\S\n]*\r?\n([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * Whether Go's CertPool.AppendCertsFromPEM would add anything: at least one CERTIFICATE block without
 * PEM headers whose DER parses. Other blocks and broken certificates are skipped, not rejected.
 */
export function hasParseableCertificate(bundle: Buffer): boolean {
  const text = bundle.toString('latin1');
  for (const match of text.matchAll(CERTIFICATE_BLOCK)) {
    const body = match[1];
    if (body.includes(':')) continue; // a block with headers is not a certificate to Go
    const compact = body.replace(/\s+/g, '');
    if (!isBase64(compact)) continue;
    try {
      new X509Certificate(Buffer.from(compact, 'base64'));
      return true;
    } catch {
      // Not a certificate Node can read; Go would skip it too.
    }
  }
  return false;
}

/**
 * True when `map` has a key the schema does not know. The schema reports that key as an unknown field
 * (with a hint where it belongs), and it is nearly always the misplaced type whose absence the webhook
 * then reports ("no solver type configured"). The "nothing configured" rules stay quiet in that case
 * rather than say the same thing twice; strict clients (kubectl) never reach the webhook anyway.
 */
export function hasUnknownKey(map: JsonMap, known: readonly string[]): boolean {
  return Object.keys(map).some((key) => !known.includes(key));
}
