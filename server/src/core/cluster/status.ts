// What the cluster says about each object, in the terms the views and the CLI show: a Certificate's
// Ready condition, expiry and renewal time from its status; an issuer's type and Ready condition; a
// Bundle's sources, Synced condition and the namespaces its selector reaches; a TLS Secret's
// certificate, decoded with the same code as the hover.
import { decodedPemBlocks } from '../pem/blocks';
import { decodeCertificate, summarizeCertificate, type CertificateInfo, type CertificateSummary } from '../pem/decode';
import { asSelector, matchesSelector, selectorText, type LabelSelector } from './selector';
import { condition, type KubeObject } from './resources';

const DAY = 24 * 3600 * 1000;

export type Health = 'ok' | 'expiring' | 'expired' | 'not-ready' | 'issuing' | 'unknown';

/** Worst first: the order in which a namespace or context shows what needs attention. */
export const HEALTH_ORDER: readonly Health[] = ['expired', 'not-ready', 'expiring', 'issuing', 'unknown', 'ok'];

export function worst(healths: Iterable<Health>): Health {
  let best = HEALTH_ORDER.length - 1;
  for (const h of healths) best = Math.min(best, HEALTH_ORDER.indexOf(h));
  return HEALTH_ORDER[best];
}

function date(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export interface IssuerRef {
  readonly name: string;
  readonly kind: string;
  readonly group: string;
}

export interface CertificateStatus {
  readonly namespace: string;
  readonly name: string;
  /** The Ready condition's status: True, False, Unknown, or absent (never reconciled). */
  readonly ready: 'True' | 'False' | 'Unknown' | 'absent';
  readonly readyReason?: string;
  readonly readyMessage?: string;
  readonly issuing: boolean;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly renewalTime?: Date;
  readonly health: Health;
  readonly secretName?: string;
  readonly issuerRef?: IssuerRef;
  readonly dnsNames: readonly string[];
  readonly isCA: boolean;
  /** Days until notAfter (negative once expired). */
  readonly daysLeft?: number;
}

export function issuerRefOf(spec: Record<string, unknown> | undefined): IssuerRef | undefined {
  const ref = spec?.issuerRef as Record<string, unknown> | undefined;
  const name = str(ref?.name);
  if (!name) return undefined;
  return { name, kind: str(ref?.kind) ?? 'Issuer', group: str(ref?.group) ?? 'cert-manager.io' };
}

export function certificateStatus(object: KubeObject, now: number, warningDays: number): CertificateStatus {
  const ready = condition(object, 'Ready');
  const issuing = condition(object, 'Issuing')?.status === 'True';
  const notAfter = date(object.status?.notAfter);
  const readyStatus = ready?.status === 'True' || ready?.status === 'False' || ready?.status === 'Unknown' ? ready.status : 'absent';
  let health: Health;
  if (notAfter && notAfter.getTime() < now) health = 'expired';
  else if (readyStatus !== 'True') health = issuing ? 'issuing' : 'not-ready';
  else if (notAfter && notAfter.getTime() - now < warningDays * DAY) health = 'expiring';
  else if (issuing) health = 'issuing';
  else health = notAfter ? 'ok' : 'unknown';
  const dnsNames = Array.isArray(object.spec?.dnsNames) ? (object.spec!.dnsNames as unknown[]).filter((d): d is string => typeof d === 'string') : [];
  return {
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
    ready: readyStatus,
    readyReason: ready?.reason,
    readyMessage: ready?.message,
    issuing,
    notBefore: date(object.status?.notBefore),
    notAfter,
    renewalTime: date(object.status?.renewalTime),
    health,
    secretName: str(object.spec?.secretName),
    issuerRef: issuerRefOf(object.spec),
    dnsNames,
    isCA: object.spec?.isCA === true,
    daysLeft: notAfter ? Math.floor((notAfter.getTime() - now) / DAY) : undefined,
  };
}

export function day(d: Date | undefined): string {
  return d ? d.toISOString().slice(0, 10) : '—';
}

/** "in 12 days", "3 days ago", "in 5 hours". */
export function fromNow(d: Date, now: number): string {
  const ms = d.getTime() - now;
  const hours = Math.abs(ms) / 3600_000;
  const whole = Math.max(1, Math.round(hours));
  const amount = hours < 48 ? `${whole} hour${whole === 1 ? '' : 's'}` : `${Math.round(hours / 24)} days`;
  return ms >= 0 ? `in ${amount}` : `${amount} ago`;
}

export const HEALTH_WORDS: Readonly<Record<Health, string>> = {
  ok: 'Ready',
  expiring: 'expiring',
  expired: 'expired',
  'not-ready': 'not Ready',
  issuing: 'issuing',
  unknown: 'no status yet',
};

/** `Ready · expires 2025-01-03 (in 5 days) · renews 2024-12-20` */
export function certificateLine(status: CertificateStatus, now: number): string {
  const parts: string[] = [];
  parts.push(status.ready === 'True' ? 'Ready' : status.ready === 'absent' ? 'no Ready condition' : `not Ready${status.readyReason ? ` (${status.readyReason})` : ''}`);
  if (status.issuing) parts.push('issuing');
  if (status.notAfter) parts.push(`${status.notAfter.getTime() < now ? 'expired' : 'expires'} ${day(status.notAfter)} (${fromNow(status.notAfter, now)})`);
  if (status.renewalTime) parts.push(`renews ${day(status.renewalTime)}`);
  return parts.join(' · ');
}

// ---------------------------------------------------------------------------------------------
export type IssuerType = 'CA' | 'ACME' | 'Vault' | 'selfSigned' | 'Venafi' | 'external' | 'unknown';

export interface IssuerStatus {
  readonly kind: 'Issuer' | 'ClusterIssuer';
  readonly namespace?: string;
  readonly name: string;
  readonly type: IssuerType;
  readonly ready: 'True' | 'False' | 'Unknown' | 'absent';
  readonly reason?: string;
  readonly message?: string;
  /** What the type points at: the ACME server, the CA Secret, the Vault path. */
  readonly detail?: string;
  readonly health: Health;
}

export function issuerType(spec: Record<string, unknown> | undefined): IssuerType {
  if (!spec) return 'unknown';
  if (spec.acme) return 'ACME';
  if (spec.ca) return 'CA';
  if (spec.vault) return 'Vault';
  if (spec.selfSigned) return 'selfSigned';
  if (spec.venafi) return 'Venafi';
  return 'unknown';
}

export function issuerStatus(object: KubeObject, kind: 'Issuer' | 'ClusterIssuer'): IssuerStatus {
  const ready = condition(object, 'Ready');
  const type = issuerType(object.spec);
  const spec = object.spec ?? {};
  const sub = (key: string) => (spec[key] && typeof spec[key] === 'object' ? (spec[key] as Record<string, unknown>) : {});
  const detail =
    type === 'ACME' ? str(sub('acme').server) : type === 'CA' ? (str(sub('ca').secretName) ? `Secret ${str(sub('ca').secretName)}` : undefined) : type === 'Vault' ? [str(sub('vault').server), str(sub('vault').path)].filter(Boolean).join(' ') || undefined : undefined;
  const status = ready?.status === 'True' || ready?.status === 'False' || ready?.status === 'Unknown' ? ready.status : 'absent';
  return {
    kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
    type,
    ready: status,
    reason: ready?.reason,
    message: ready?.message,
    detail,
    health: status === 'True' ? 'ok' : status === 'absent' ? 'unknown' : 'not-ready',
  };
}

// ---------------------------------------------------------------------------------------------
export interface BundleSource {
  /** `inLine`, `configMap`, `secret`, `useDefaultCAs`, `defaultCAs`, `sourceRef`. */
  readonly type: string;
  readonly text: string;
  readonly name?: string;
  readonly key?: string;
  /** For inLine sources: the PEM. */
  readonly pem?: string;
  readonly kind?: 'ConfigMap' | 'Secret';
  readonly selector?: boolean;
}

export interface BundleTarget {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly key: string;
}

export interface BundleStatus {
  readonly kind: 'Bundle' | 'ClusterBundle';
  readonly name: string;
  readonly synced: 'True' | 'False' | 'Unknown' | 'absent';
  readonly reason?: string;
  readonly message?: string;
  readonly sources: readonly BundleSource[];
  readonly targets: readonly BundleTarget[];
  readonly selector?: LabelSelector;
  readonly selectorText: string;
  readonly health: Health;
}

function inlineCount(pem: string): number {
  return decodedPemBlocks(pem).filter((b) => b.type === 'CERTIFICATE').length;
}

function bundleSources(object: KubeObject, kind: 'Bundle' | 'ClusterBundle'): BundleSource[] {
  const spec = object.spec ?? {};
  const out: BundleSource[] = [];
  if (kind === 'Bundle') {
    for (const raw of Array.isArray(spec.sources) ? (spec.sources as Record<string, unknown>[]) : []) {
      if (!raw || typeof raw !== 'object') continue;
      if (typeof raw.inLine === 'string') {
        const n = inlineCount(raw.inLine);
        out.push({ type: 'inLine', text: `inLine: ${n} certificate${n === 1 ? '' : 's'}`, pem: raw.inLine });
      }
      for (const k of ['configMap', 'secret'] as const) {
        const ref = raw[k] as Record<string, unknown> | undefined;
        if (!ref || typeof ref !== 'object') continue;
        const key = str(ref.key) ?? (ref.includeAllKeys ? '*' : undefined);
        const selector = Boolean(ref.selector);
        const label = selector ? `selector ${selectorText(asSelector(ref.selector))}` : str(ref.name) ?? '?';
        out.push({ type: k, kind: k === 'configMap' ? 'ConfigMap' : 'Secret', name: str(ref.name), key, selector, text: `${k === 'configMap' ? 'ConfigMap' : 'Secret'} ${label}${key ? ` key ${key}` : ''}` });
      }
      if (raw.useDefaultCAs === true) out.push({ type: 'useDefaultCAs', text: 'useDefaultCAs: the public CAs' });
    }
  } else {
    if (typeof spec.inLineCAs === 'string') {
      const n = inlineCount(spec.inLineCAs);
      out.push({ type: 'inLine', text: `inLineCAs: ${n} certificate${n === 1 ? '' : 's'}`, pem: spec.inLineCAs });
    }
    for (const ref of Array.isArray(spec.sourceRefs) ? (spec.sourceRefs as Record<string, unknown>[]) : []) {
      const refKind = ref?.kind === 'Secret' ? 'Secret' : 'ConfigMap';
      const selector = Boolean(ref?.selector);
      const key = str(ref?.key);
      const label = selector ? `selector ${selectorText(asSelector(ref.selector))}` : str(ref?.name) ?? '?';
      out.push({ type: refKind === 'Secret' ? 'secret' : 'configMap', kind: refKind, name: str(ref?.name), key, selector, text: `${refKind} ${label}${key ? ` key ${key}` : ''}` });
    }
    const provider = str((spec.defaultCAs as Record<string, unknown> | undefined)?.provider);
    if (provider) out.push({ type: 'defaultCAs', text: `defaultCAs: ${provider}` });
  }
  return out;
}

function bundleTargets(object: KubeObject, kind: 'Bundle' | 'ClusterBundle'): BundleTarget[] {
  const target = (object.spec?.target ?? {}) as Record<string, unknown>;
  const out: BundleTarget[] = [];
  for (const k of ['configMap', 'secret'] as const) {
    const t = target[k] as Record<string, unknown> | undefined;
    if (!t || typeof t !== 'object') continue;
    const targetKind = k === 'configMap' ? 'ConfigMap' : 'Secret';
    if (kind === 'Bundle') {
      if (str(t.key)) out.push({ kind: targetKind, key: str(t.key)! });
    } else {
      for (const entry of Array.isArray(t.data) ? (t.data as Record<string, unknown>[]) : []) {
        if (str(entry?.key) && (entry.format === undefined || entry.format === 'PEM')) out.push({ kind: targetKind, key: str(entry.key)! });
      }
    }
  }
  return out;
}

export function bundleStatus(object: KubeObject, kind: 'Bundle' | 'ClusterBundle'): BundleStatus {
  const synced = condition(object, 'Synced') ?? condition(object, 'Ready');
  const status = synced?.status === 'True' || synced?.status === 'False' || synced?.status === 'Unknown' ? synced.status : 'absent';
  const target = (object.spec?.target ?? {}) as Record<string, unknown>;
  const selector = asSelector(target.namespaceSelector);
  return {
    kind,
    name: object.metadata.name,
    synced: status,
    reason: synced?.reason,
    message: synced?.message,
    sources: bundleSources(object, kind),
    targets: bundleTargets(object, kind),
    selector,
    selectorText: selectorText(selector),
    health: status === 'True' ? 'ok' : status === 'absent' ? 'unknown' : 'not-ready',
  };
}

/** The namespaces (of those given) that the bundle's target selector reaches. */
export function reachedNamespaces(bundle: BundleStatus, namespaces: readonly KubeObject[]): string[] {
  return namespaces
    .filter((ns) => matchesSelector(bundle.selector, ns.metadata.labels))
    .map((ns) => ns.metadata.name)
    .sort();
}

// ---------------------------------------------------------------------------------------------
export interface PemCertificate {
  readonly index: number;
  readonly pem: string;
  readonly der: Uint8Array;
  readonly summary?: CertificateSummary;
}

/** The certificates of a PEM text (a Secret's tls.crt), in order. */
export function certificatesOf(pem: string): PemCertificate[] {
  return decodedPemBlocks(pem)
    .filter((b) => b.type === 'CERTIFICATE')
    .map((b, index) => {
      const summary = summarizeCertificate(b.bytes!);
      return { index, pem: pem.slice(b.start, b.end) + '\n', der: b.bytes!, summary: summary.ok ? summary.value : undefined };
    });
}

/** A Secret's `tls.crt` as PEM text ('' when absent or not base64). */
export function secretCertificatePem(secret: KubeObject | undefined, key = 'tls.crt'): string {
  const value = secret?.data?.[key];
  if (typeof value !== 'string' || value === '') return '';
  return Buffer.from(value, 'base64').toString('utf8');
}

export interface SecretStatus {
  readonly namespace: string;
  readonly name: string;
  readonly leaf?: CertificateInfo;
  readonly chainLength: number;
  readonly health: Health;
  readonly problem?: string;
  /** The Certificate that writes this Secret, from cert-manager's annotation. */
  readonly certificateName?: string;
}

export function secretStatus(secret: KubeObject, now: number, warningDays: number): SecretStatus {
  const base = {
    namespace: secret.metadata.namespace ?? '',
    name: secret.metadata.name,
    certificateName: secret.metadata.annotations?.['cert-manager.io/certificate-name'],
  };
  const certificates = certificatesOf(secretCertificatePem(secret));
  if (certificates.length === 0) return { ...base, chainLength: 0, health: 'unknown', problem: 'tls.crt holds no certificate' };
  const decoded = decodeCertificate(certificates[0].der);
  if (!decoded.ok) return { ...base, chainLength: certificates.length, health: 'unknown', problem: 'tls.crt does not parse' };
  const leaf = decoded.value;
  const left = leaf.notAfter.getTime() - now;
  const health: Health = left < 0 ? 'expired' : left < warningDays * DAY ? 'expiring' : 'ok';
  return { ...base, leaf, chainLength: certificates.length, health };
}

export function sansText(info: CertificateInfo): string {
  const { dns, ip, email, uri } = info.sans;
  return [...dns, ...ip, ...email, ...uri].join(', ');
}
