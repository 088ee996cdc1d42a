// X.509 certificates and PKCS#10 requests, decoded once per distinct DER and cached: an edit
// elsewhere in a file decodes nothing again, and hover, CodeLens, diagnostics and `inspect` all read
// the same result. @peculiar/x509 reads the extensions; Node's crypto computes fingerprints and checks
// signatures.
import 'reflect-metadata';
import { createHash, X509Certificate as NodeCertificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, NameConstraints } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface PublicKeyInfo {
  /** `RSA`, `EC`, `Ed25519`, `Ed448`, or the algorithm OID when unknown. */
  readonly algorithm: string;
  readonly bits?: number;
  /** Named curve for EC keys, e.g. `P-256`. */
  readonly curve?: string;
}

export interface Sans {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly email: readonly string[];
  readonly uri: readonly string[];
}

export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly commonName?: string;
  /** Colon-separated upper-case hex, as openssl prints it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly sans: Sans;
  readonly publicKey: PublicKeyInfo;
  /** Human name, e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `ED25519`. */
  readonly signatureAlgorithm: string;
  /** The digest inside the signature algorithm, when it has one: `SHA-1`, `MD5`, `SHA-256`. */
  readonly signatureHash?: string;
  readonly isCA: boolean;
  readonly pathLength?: number;
  readonly keyUsage: readonly string[];
  readonly extendedKeyUsage: readonly string[];
  readonly nameConstraints?: { readonly permitted: readonly string[]; readonly excluded: readonly string[] };
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  /** Colon-separated upper-case hex of the DER digest, as `openssl x509 -fingerprint` prints it. */
  readonly sha256: string;
  readonly sha1: string;
  /** Subject equals issuer and the certificate's own key verifies its signature. */
  readonly selfSigned: boolean;
}

export interface CsrInfo {
  readonly subject: string;
  readonly commonName?: string;
  readonly sans: Sans;
  readonly publicKey: PublicKeyInfo;
  readonly signatureAlgorithm: string;
  readonly isCA?: boolean;
  readonly keyUsage: readonly string[];
  readonly extendedKeyUsage: readonly string[];
}

/**
 * What the diagnostics need of every certificate in a bundle, read with Node's X.509 parser (several
 * times faster than a full decode): the full decode is left for the one certificate a user hovers.
 */
export interface CertificateSummary {
  readonly subject: string;
  readonly commonName?: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCA: boolean;
  readonly publicKey: PublicKeyInfo;
  /** OID of the signature algorithm. */
  readonly signatureOid: string;
  /** `SHA-1`, `MD5`, `MD2`, `SHA-256`… when the OID names a digest. */
  readonly signatureHash?: string;
  readonly selfIssued: boolean;
  readonly sha256: string;
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const CACHE_LIMIT = 5000;
const certificates = new Map<string, Decoded<CertificateInfo>>();
const summaries = new Map<string, Decoded<CertificateSummary>>();
const nodeCertificates = new Map<string, NodeCertificate>();

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}

function keyOf(der: Uint8Array): string {
  return Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
}

function hex(bytes: ArrayBuffer | Uint8Array, separator = ':'): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes))
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?=.)/g, `$1${separator}`);
}

/** Node's view of the certificate (cheap; used for chain checks), or undefined if it does not parse. */
export function nodeCertificate(der: Uint8Array): NodeCertificate | undefined {
  const key = keyOf(der);
  let cert = nodeCertificates.get(key);
  if (!cert) {
    try {
      cert = remember(nodeCertificates, key, new NodeCertificate(der));
    } catch {
      return undefined;
    }
  }
  return cert;
}

export function summarizeCertificate(der: Uint8Array): Decoded<CertificateSummary> {
  const key = keyOf(der);
  const cached = summaries.get(key);
  if (cached) return cached;
  let result: Decoded<CertificateSummary>;
  const node = nodeCertificate(der);
  if (!node) {
    result = { ok: false, error: 'not an X.509 certificate' };
  } else {
    const signatureOid = signatureOidOf(der);
    const subject = node.subject.split('\n').join(', ');
    const issuer = node.issuer.split('\n').join(', ');
    result = {
      ok: true,
      value: {
        subject,
        issuer,
        commonName: /(?:^|\n)CN=([^\n]*)/.exec(node.subject)?.[1],
        notBefore: new Date(node.validFrom),
        notAfter: new Date(node.validTo),
        isCA: node.ca || basicConstraintsCA(der),
        publicKey: publicKeyOf(undefined, node),
        signatureOid,
        signatureHash: SIGNATURE_HASHES[signatureOid],
        selfIssued: node.subject === node.issuer,
        sha256: node.fingerprint256,
      },
    };
  }
  return remember(summaries, key, result);
}

/** Whether the issuer's own key verifies the certificate's signature (for self-issued certificates). */
export function verifiesWithOwnKey(der: Uint8Array): boolean {
  const node = nodeCertificate(der);
  try {
    return Boolean(node?.verify(node.publicKey));
  } catch {
    return false;
  }
}

// Digest of common signature algorithm OIDs (RFC 3279, 4055, 5758, 8410).
const SIGNATURE_HASHES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'MD2',
  '1.2.840.113549.1.1.4': 'MD5',
  '1.2.840.113549.1.1.5': 'SHA-1',
  '1.2.840.10045.4.1': 'SHA-1',
  '1.2.840.10040.4.3': 'SHA-1',
  '1.2.840.113549.1.1.14': 'SHA-224',
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
  '1.2.840.10045.4.3.1': 'SHA-224',
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
};

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signature }. */
function signatureOidOf(der: Uint8Array): string {
  try {
    const parsed = asn1js.fromBER(der);
    const certificate = parsed.result as asn1js.Sequence;
    const algorithm = (certificate.valueBlock.value[1] as asn1js.Sequence).valueBlock.value[0] as asn1js.ObjectIdentifier;
    return algorithm.getValue();
  } catch {
    return 'unknown';
  }
}

/**
 * Node reports CA:FALSE when basic constraints say CA:TRUE but key usage lacks keyCertSign; Go (and
 * so Kubernetes and trust-manager) goes by basic constraints alone. Only then is the full decode paid.
 */
function basicConstraintsCA(der: Uint8Array): boolean {
  const decoded = decodeCertificate(der);
  return decoded.ok && decoded.value.isCA;
}

export function decodeCertificate(der: Uint8Array): Decoded<CertificateInfo> {
  const key = keyOf(der);
  const cached = certificates.get(key);
  if (cached) return cached;
  let result: Decoded<CertificateInfo>;
  try {
    result = { ok: true, value: describeCertificate(der) };
  } catch (error) {
    result = { ok: false, error: (error as Error).message || 'not an X.509 certificate' };
  }
  return remember(certificates, key, result);
}

function describeCertificate(der: Uint8Array): CertificateInfo {
  const cert = new x509.X509Certificate(der);
  const node = nodeCertificate(der);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
  const selfIssued = cert.subject === cert.issuer;
  let selfSigned = false;
  if (selfIssued && node) {
    try {
      selfSigned = node.verify(node.publicKey);
    } catch {
      selfSigned = false;
    }
  }
  const signature = signatureName(cert.signatureAlgorithm as unknown as Record<string, unknown>);
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    commonName: firstCommonName(cert.subjectName),
    serialNumber: hex(Buffer.from(cert.serialNumber, 'hex')),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    sans: sansOf(cert.getExtension(x509.SubjectAlternativeNameExtension)),
    publicKey: publicKeyOf(cert.publicKey, node),
    signatureAlgorithm: signature.name,
    signatureHash: signature.hash,
    isCA: Boolean(basic?.ca),
    pathLength: basic?.ca && basic.pathLength !== undefined ? basic.pathLength : undefined,
    keyUsage: keyUsageNames(cert.getExtension(x509.KeyUsagesExtension)),
    extendedKeyUsage: extendedKeyUsageNames(cert.getExtension(x509.ExtendedKeyUsageExtension)),
    nameConstraints: nameConstraintsOf(cert),
    subjectKeyId: ski ? hex(Buffer.from(ski.keyId, 'hex')) : undefined,
    authorityKeyId: aki?.keyId ? hex(Buffer.from(aki.keyId, 'hex')) : undefined,
    sha256: hex(createHash('sha256').update(der).digest()),
    sha1: hex(createHash('sha1').update(der).digest()),
    selfSigned,
  };
}

export function decodeCsr(der: Uint8Array): Decoded<CsrInfo> {
  try {
    const csr = new x509.Pkcs10CertificateRequest(der);
    const find = <T>(type: abstract new (...args: never[]) => T) => (csr.extensions.find((e) => e instanceof type) as T | undefined) ?? null;
    const basic = find(x509.BasicConstraintsExtension);
    return {
      ok: true,
      value: {
        subject: csr.subject,
        commonName: firstCommonName(csr.subjectName),
        sans: sansOf(find(x509.SubjectAlternativeNameExtension)),
        publicKey: publicKeyOf(csr.publicKey, undefined),
        signatureAlgorithm: signatureName(csr.signatureAlgorithm as unknown as Record<string, unknown>).name,
        isCA: basic ? Boolean(basic.ca) : undefined,
        keyUsage: keyUsageNames(find(x509.KeyUsagesExtension)),
        extendedKeyUsage: extendedKeyUsageNames(find(x509.ExtendedKeyUsageExtension)),
      },
    };
  } catch (error) {
    return { ok: false, error: (error as Error).message || 'not a PKCS#10 certificate request' };
  }
}

function firstCommonName(name: x509.Name): string | undefined {
  return name.getField('CN')[0];
}

function sansOf(extension: x509.SubjectAlternativeNameExtension | null): Sans {
  const out = { dns: [] as string[], ip: [] as string[], email: [] as string[], uri: [] as string[] };
  for (const name of extension?.names.items ?? []) {
    if (name.type === 'dns') out.dns.push(name.value);
    else if (name.type === 'ip') out.ip.push(name.value);
    else if (name.type === 'email') out.email.push(name.value);
    else if (name.type === 'url') out.uri.push(name.value);
  }
  return out;
}

const CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function publicKeyOf(key: x509.PublicKey | undefined, node: NodeCertificate | undefined): PublicKeyInfo {
  const details = node?.publicKey.asymmetricKeyDetails;
  const type = node?.publicKey.asymmetricKeyType;
  const algorithm = (key?.algorithm ?? {}) as { name?: string; modulusLength?: number; namedCurve?: string };
  switch (type ?? algorithm.name) {
    case 'rsa':
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS':
    case 'rsa-pss':
      return { algorithm: 'RSA', bits: details?.modulusLength ?? algorithm.modulusLength };
    case 'ec':
    case 'ECDSA':
    case 'ECDH': {
      const curve = details?.namedCurve ? (CURVES[details.namedCurve] ?? details.namedCurve) : algorithm.namedCurve;
      const bits = curve ? Number(/(\d+)$/.exec(curve)?.[1]) || undefined : undefined;
      return { algorithm: 'EC', curve, bits };
    }
    case 'ed25519':
    case 'Ed25519':
      return { algorithm: 'Ed25519', bits: 256 };
    case 'ed448':
    case 'Ed448':
      return { algorithm: 'Ed448', bits: 456 };
    default:
      return { algorithm: algorithm.name ?? type ?? 'unknown' };
  }
}

function signatureName(algorithm: Record<string, unknown>): { name: string; hash?: string } {
  const name = String(algorithm.name ?? 'unknown');
  const hash = (algorithm.hash as { name?: string } | undefined)?.name;
  if (name === 'RSASSA-PKCS1-v1_5') return { name: hash ? `${hash.replace('-', '').toLowerCase()}WithRSAEncryption` : name, hash };
  if (name === 'RSA-PSS') return { name: `rsassaPss (${hash ?? 'unknown hash'})`, hash };
  if (name === 'ECDSA') return { name: hash ? `ecdsa-with-${hash.replace('-', '')}` : name, hash };
  return { name, hash };
}

// RFC 5280 key usage bits, in the order openssl prints them.
const KEY_USAGES: readonly [number, string][] = [
  [x509.KeyUsageFlags.digitalSignature, 'Digital Signature'],
  [x509.KeyUsageFlags.nonRepudiation, 'Non Repudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'Key Encipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'Data Encipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'Key Agreement'],
  [x509.KeyUsageFlags.keyCertSign, 'Certificate Sign'],
  [x509.KeyUsageFlags.cRLSign, 'CRL Sign'],
  [x509.KeyUsageFlags.encipherOnly, 'Encipher Only'],
  [x509.KeyUsageFlags.decipherOnly, 'Decipher Only'],
];

function keyUsageNames(extension: x509.KeyUsagesExtension | null): string[] {
  if (!extension) return [];
  return KEY_USAGES.filter(([flag]) => (extension.usages & flag) !== 0).map(([, name]) => name);
}

const EKU_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'TLS Web Server Authentication',
  '1.3.6.1.5.5.7.3.2': 'TLS Web Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing',
  '1.3.6.1.5.5.7.3.4': 'E-mail Protection',
  '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing',
  '2.5.29.37.0': 'Any Extended Key Usage',
};

/** The name OpenSSL prints for an extended key usage, or the OID itself. */
export function extendedKeyUsageName(oid: string): string {
  return EKU_NAMES[oid] ?? oid;
}

function extendedKeyUsageNames(extension: x509.ExtendedKeyUsageExtension | null): string[] {
  return Array.from(extension?.usages ?? [], (oid) => extendedKeyUsageName(String(oid)));
}

function nameConstraintsOf(cert: x509.X509Certificate): CertificateInfo['nameConstraints'] {
  const extension = cert.extensions.find((e) => e.type === '2.5.29.30');
  if (!extension) return undefined;
  try {
    const parsed = AsnConvert.parse(extension.value, NameConstraints);
    const names = (subtrees: { base: GeneralName }[] | undefined) => (subtrees ?? []).map((s) => generalName(s.base));
    return { permitted: names(parsed.permittedSubtrees), excluded: names(parsed.excludedSubtrees) };
  } catch {
    return { permitted: [], excluded: ['(unreadable)'] };
  }
}

function generalName(name: GeneralName): string {
  if (name.dNSName !== undefined) return `DNS:${name.dNSName}`;
  if (name.rfc822Name !== undefined) return `email:${name.rfc822Name}`;
  if (name.uniformResourceIdentifier !== undefined) return `URI:${name.uniformResourceIdentifier}`;
  if (name.iPAddress !== undefined) {
    const bytes = new Uint8Array(name.iPAddress as unknown as ArrayBuffer);
    if (bytes.length === 8) return `IP:${bytes.slice(0, 4).join('.')}/${bytes.slice(4).join('.')}`;
    return `IP:${hex(bytes)}`;
  }
  if (name.directoryName !== undefined) return 'DirName';
  return 'other';
}
