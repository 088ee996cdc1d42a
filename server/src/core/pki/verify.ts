// Chain verification: would a TLS peer that trusts `bundle` accept the certificate chain a server
// (or client) presents? The same question a Go or OpenSSL client answers during the handshake:
// build a path from the leaf through the presented intermediates to a certificate of the bundle,
// checking signatures, validity, the CA flag and path length of every issuer, and the extended key
// usage of the chain. Any certificate of the bundle is a trust anchor (Go's roots pool; OpenSSL with
// -partial_chain), so a bundle holding only an intermediate CA still anchors a chain.
//
// Limitation: name constraints, policy constraints and revocation are not checked (Node's X.509
// parser exposes no name-constraint check); neither is the host name unless `host` is given.
import 'reflect-metadata';
import type { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { decodedPemBlocks } from '../pem/blocks';
import { decodeCertificate, extendedKeyUsageName, nodeCertificate } from '../pem/decode';

export type Purpose = 'server' | 'client' | 'any';

export interface ChainLink {
  readonly subject: string;
  readonly issuer: string;
  readonly sha256: string;
  readonly notAfter: Date;
  /** Where the certificate came from. */
  readonly from: 'leaf' | 'presented' | 'bundle';
}

export interface ChainVerdict {
  readonly ok: boolean;
  /** One sentence: why the peer accepts or rejects. */
  readonly reason: string;
  /** The path found (leaf first, anchor last) when `ok`, or the longest partial path tried. */
  readonly chain: readonly ChainLink[];
  /** Number of certificates read from each input. */
  readonly presented: number;
  readonly anchors: number;
}

export interface VerifyOptions {
  /** Time of the check (ms since the epoch); now by default. */
  readonly now?: number;
  /** The extended key usage the peer asks for: serverAuth for a server (the default), clientAuth for a client. */
  readonly purpose?: Purpose;
  /** A DNS name or IP address the leaf must be valid for. */
  readonly host?: string;
}

const SERVER_AUTH = 'TLS Web Server Authentication';
const CLIENT_AUTH = 'TLS Web Client Authentication';
const ANY_EKU = 'Any Extended Key Usage';
const MAX_DEPTH = 10;

interface Candidate {
  readonly node: X509Certificate;
  readonly der: Uint8Array;
  readonly from: ChainLink['from'];
}

function certificatesIn(pem: string, from: ChainLink['from']): Candidate[] {
  return decodedPemBlocks(pem)
    .filter((b) => b.type === 'CERTIFICATE')
    .flatMap((b) => {
      const node = nodeCertificate(b.bytes!);
      return node ? [{ node, der: b.bytes!, from }] : [];
    });
}

function link(c: Candidate): ChainLink {
  return {
    subject: c.node.subject.split('\n').join(', '),
    issuer: c.node.issuer.split('\n').join(', '),
    sha256: c.node.fingerprint256,
    notAfter: new Date(c.node.validTo),
    from: c.from,
  };
}

/**
 * Names and signature only: whether the parent may sign (CA flag, key usage, path length) is
 * judged by issuerProblem, so the answer can say why a signer is refused. (OpenSSL's check_issued,
 * behind X509Certificate.checkIssued, folds the key usage in and would only say "unknown authority".)
 */
function signedBy(child: Candidate, parent: Candidate): boolean {
  try {
    return child.node.issuer === parent.node.subject && child.node.verify(parent.node.publicKey);
  } catch {
    return false;
  }
}

function name(c: Candidate): string {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(c.node.subject)?.[1];
  return cn ? `CN=${cn}` : c.node.subject.split('\n').join(', ') || '(no subject)';
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function validityProblem(c: Candidate, now: number, role: string): string | undefined {
  const from = new Date(c.node.validFrom).getTime();
  const to = new Date(c.node.validTo).getTime();
  if (to < now) return `the ${role} ${name(c)} expired on ${iso(to)}`;
  if (from > now) return `the ${role} ${name(c)} is not valid before ${iso(from)}`;
  return undefined;
}

function usageProblem(c: Candidate, purpose: Purpose, role: string): string | undefined {
  if (purpose === 'any') return undefined;
  // OpenSSL's reading (X509Certificate.keyUsage lists the extended key usages): a leaf is checked
  // on every verify, and a full decode of it would cost more than the rest of the check.
  const usages = (c.node.keyUsage ?? []).map(extendedKeyUsageName);
  const wanted = purpose === 'server' ? SERVER_AUTH : CLIENT_AUTH;
  if (usages.length === 0 || usages.includes(wanted) || usages.includes(ANY_EKU)) return undefined;
  return `the ${role} ${name(c)} is not valid for ${purpose === 'server' ? 'server' : 'client'} authentication (extended key usage: ${usages.join(', ')})`;
}

/** Problems of `issuer` as the signer of a path in which `below` certificates stand under it. */
function issuerProblem(issuer: Candidate, below: number): string | undefined {
  // OpenSSL's `ca` (X509_check_ca == 1) holds exactly when basic constraints say CA:TRUE and key
  // usage, if present, allows signing certificates. With no intermediate below this signer any
  // path length holds, so nothing is left to check and the full decode is skipped.
  if (issuer.node.ca && below <= 1) return undefined;
  const decoded = decodeCertificate(issuer.der);
  if (!decoded.ok) return `${name(issuer)} does not parse`;
  if (!decoded.value.isCA && !(issuer.from === 'bundle' && legacyAnchor(issuer.der))) return `${name(issuer)} signed the chain but is not a CA (basicConstraints CA:FALSE or missing)`;
  if (decoded.value.keyUsage.length > 0 && !decoded.value.keyUsage.includes('Certificate Sign')) return `${name(issuer)} signed the chain but its key usage does not allow signing certificates`;
  // pathLength counts the intermediates below this CA, not the leaf.
  if (decoded.value.pathLength !== undefined && below - 1 > decoded.value.pathLength) {
    return `${name(issuer)} allows ${decoded.value.pathLength} intermediate CA(s) below it (path length), the chain has ${below - 1}`;
  }
  return undefined;
}

/**
 * A trust anchor without basic constraints that OpenSSL (X509_check_ca 3 and 4) and Go (which does
 * not check a root's CA flag) both accept: a self-signed certificate with no extensions (an old v1
 * root), or one whose key usage allows signing certificates. Key usage is checked after this.
 */
function legacyAnchor(der: Uint8Array): boolean {
  try {
    const certificate = new x509.X509Certificate(der);
    if (certificate.getExtension(x509.BasicConstraintsExtension)) return false;
    if (certificate.extensions.length === 0) return certificate.subject === certificate.issuer;
    const keyUsage = certificate.getExtension(x509.KeyUsagesExtension);
    return keyUsage !== null && (keyUsage.usages & x509.KeyUsageFlags.keyCertSign) !== 0;
  } catch {
    return false;
  }
}

function hostProblem(leaf: Candidate, host: string): string | undefined {
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  const match = isIp ? leaf.node.checkIP(host) : leaf.node.checkHost(host, { subject: 'never' });
  return match ? undefined : `the certificate ${name(leaf)} is not valid for ${host}`;
}

/**
 * Whether a peer trusting the certificates in `bundlePem` accepts `leafPem` (the first certificate;
 * any further ones are the intermediates the server presents, as in a Secret's `tls.crt`).
 */
export function verifyChain(leafPem: string, bundlePem: string, options: VerifyOptions = {}): ChainVerdict {
  const now = options.now ?? Date.now();
  const purpose = options.purpose ?? 'server';
  const presented = certificatesIn(leafPem, 'presented');
  const anchors = certificatesIn(bundlePem, 'bundle');
  const counts = { presented: presented.length, anchors: anchors.length };
  if (presented.length === 0) return { ok: false, reason: 'there is no certificate to verify', chain: [], ...counts };
  const leaf: Candidate = { ...presented[0], from: 'leaf' };
  const intermediates = presented.slice(1);
  if (anchors.length === 0) return { ok: false, reason: 'the bundle holds no certificate, so nothing is trusted', chain: [link(leaf)], ...counts };

  // Checks that do not depend on the path.
  const leafProblem =
    validityProblem(leaf, now, 'certificate') ?? usageProblem(leaf, purpose, 'certificate') ?? (options.host ? hostProblem(leaf, options.host) : undefined);
  if (leafProblem) return { ok: false, reason: leafProblem, chain: [link(leaf)], ...counts };

  const leafFingerprint = leaf.node.fingerprint256;
  if (anchors.some((a) => a.node.fingerprint256 === leafFingerprint)) {
    return { ok: true, reason: `${name(leaf)} is itself in the bundle`, chain: [link({ ...leaf, from: 'bundle' })], ...counts };
  }

  let longest: Candidate[] = [leaf];
  let firstProblem: string | undefined;
  const search = (path: Candidate[]): Candidate[] | undefined => {
    if (path.length > longest.length) longest = path;
    const current = path[path.length - 1];
    if (path.length > MAX_DEPTH) return undefined;
    for (const parent of [...anchors, ...intermediates]) {
      if (path.some((p) => p.node.fingerprint256 === parent.node.fingerprint256)) continue;
      if (!signedBy(current, parent)) continue;
      const problem =
        issuerProblem(parent, path.length) ??
        validityProblem(parent, now, parent.from === 'bundle' ? 'trusted CA' : 'intermediate') ??
        usageProblem(parent, purpose, parent.from === 'bundle' ? 'trusted CA' : 'intermediate');
      if (problem) {
        firstProblem ??= problem;
        continue;
      }
      const next = [...path, parent];
      if (parent.from === 'bundle') return next;
      const found = search(next);
      if (found) return found;
    }
    return undefined;
  };

  const found = search([leaf]);
  if (found) {
    const anchor = found[found.length - 1];
    const via = found.length > 2 ? ` through ${found.slice(1, -1).map(name).join(', ')}` : '';
    return { ok: true, reason: `${name(leaf)} chains${via} to ${name(anchor)}, which the bundle trusts`, chain: found.map(link), ...counts };
  }
  const top = longest[longest.length - 1];
  const reason =
    firstProblem ??
    `no certificate in the bundle issued ${name(top)} (issuer ${top.node.issuer.split('\n').join(', ')}): signed by an unknown authority${
      longest.length === 1 && intermediates.length === 0 && top.node.issuer !== top.node.subject ? '; the Secret holds no intermediate either' : ''
    }`;
  return { ok: false, reason, chain: longest.map(link), ...counts };
}
