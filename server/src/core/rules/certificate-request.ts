// Rules for CertificateRequest: cert-manager v1.21.1's webhook on create (ValidateCertificateRequestSpec):
// issuerRef, a decodable CSR in spec.request, and a CSR whose basic constraints and key usages agree
// with spec.isCA and spec.usages (the webhook builds a certificate template from the CSR and checks it).
//
// Limitation: the rest of the webhook needs more than one manifest, so it is not checked here:
//  - updates: "cannot change spec after creation" and frozen cert-manager.io/* annotations need the old object;
//  - spec.username/uid/groups/extra are overwritten with the requester's identity on create and frozen
//    afterwards ("… identity must be that of the requester"), which needs the request's user;
//  - status.conditions (one Approved/Denied, True only, never both, frozen) and the `approve` verb on
//    the signer concern status updates made by approvers, not manifests.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { isBase64 } from '../schema/structural';
import { decodedPemBlocks, findPemBlocks, isStdBase64 } from '../pem/blocks';
import { asList, asString, specOf } from './access';
import { parseGoDuration } from './duration';
import { checkIssuerRef } from './issuer-ref';
import { fieldError } from './k8s';
import type { Rule, RuleContext } from './types';

x509.cryptoProvider.set(globalThis.crypto);

const KIND = ['CertificateRequest'] as const;

/** pem.SafeDecodeCSR's limit (a large leaf certificate plus room for many names). */
export const MAX_CSR_PEM_BYTES = 36500;

/**
 * The webhook prints spec.request (a []byte) with Go's %#v, which spells out every byte; we keep the
 * shape and leave the bytes out.
 */
const REQUEST_VALUE = '[]byte{…}';

function invalidRequest(detail: string): string {
  return fieldError.invalidRaw('spec.request', REQUEST_VALUE, detail);
}

// ---------------------------------------------------------------------------------------------
// Key usages, as cert-manager maps its usage names to X.509 (pkg/api/util, pkg/util/pki)

/** Key usage bits in Go's numbering (bit i is 1 << i), and cert-manager's name for each. */
const KEY_USAGE_BITS: Readonly<Record<string, number>> = {
  signing: 0,
  'digital signature': 0,
  'content commitment': 1,
  'key encipherment': 2,
  'data encipherment': 3,
  'key agreement': 4,
  'cert sign': 5,
  'crl sign': 6,
  'encipher only': 7,
  'decipher only': 8,
};
const KEY_USAGE_NAMES = [
  'digital signature',
  'content commitment',
  'key encipherment',
  'data encipherment',
  'key agreement',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
];

const EKU = '1.3.6.1.5.5.7.3.';
const EXT_KEY_USAGE_OIDS: Readonly<Record<string, string>> = {
  any: '2.5.29.37.0',
  'server auth': `${EKU}1`,
  'client auth': `${EKU}2`,
  'code signing': `${EKU}3`,
  'email protection': `${EKU}4`,
  's/mime': `${EKU}4`,
  'ipsec end system': `${EKU}5`,
  'ipsec tunnel': `${EKU}6`,
  'ipsec user': `${EKU}7`,
  timestamping: `${EKU}8`,
  'ocsp signing': `${EKU}9`,
  'microsoft sgc': '1.3.6.1.4.1.311.10.3.3',
  'netscape sgc': '2.16.840.1.113730.4.1',
};
/** Extended key usages Go knows but cert-manager has no name for (printed as "unknown"). */
const GO_ONLY_EXT_KEY_USAGES = new Set(['1.3.6.1.4.1.311.2.1.22', '1.3.6.1.4.1.311.61.1.1']);
const EXT_KEY_USAGE_NAME = new Map<string, string>();
for (const [name, oid] of Object.entries(EXT_KEY_USAGE_OIDS)) if (!EXT_KEY_USAGE_NAME.has(oid)) EXT_KEY_USAGE_NAME.set(oid, name);

const DEFAULT_USAGES = ['digital signature', 'key encipherment'];

interface ExpectedUsages {
  readonly keyUsage: number;
  readonly extKeyUsages: readonly string[];
  readonly unknown: readonly { index: number; usage: string }[];
}

/** KeyUsagesForCertificateOrCertificateRequest: empty usages mean the defaults; isCA adds cert sign. */
export function expectedUsages(usages: readonly string[], isCA: boolean): ExpectedUsages {
  let keyUsage = isCA ? 1 << KEY_USAGE_BITS['cert sign'] : 0;
  const extKeyUsages: string[] = [];
  const unknown: { index: number; usage: string }[] = [];
  (usages.length === 0 ? DEFAULT_USAGES : usages).forEach((usage, index) => {
    if (usage in KEY_USAGE_BITS) keyUsage |= 1 << KEY_USAGE_BITS[usage];
    else if (usage in EXT_KEY_USAGE_OIDS) extKeyUsages.push(EXT_KEY_USAGE_OIDS[usage]);
    else unknown.push({ index, usage });
  });
  return { keyUsage, extKeyUsages, unknown };
}

/** cert-manager's printKeyUsage: `[ 'a', 'b' ]`, or `[]` when empty. */
function printUsages(names: readonly string[]): string {
  return names.length === 0 ? '[]' : `[ ${names.map((n) => `'${n}'`).join(', ')} ]`;
}

function keyUsageNames(bits: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < 32; i++) if (bits & (1 << i)) out.push(KEY_USAGE_NAMES[i] ?? 'unknown');
  return out;
}

function extKeyUsageNames(oids: readonly string[]): string[] {
  return oids.map((oid) => EXT_KEY_USAGE_NAME.get(oid) ?? 'unknown');
}

// ---------------------------------------------------------------------------------------------
// Decoding spec.request

export interface CsrFacts {
  /** Set when the CSR has a basicConstraints extension. */
  readonly isCA?: boolean;
  readonly hasKeyUsage: boolean;
  readonly hasExtKeyUsage: boolean;
  /** Key usage bits, Go numbering; 0 without the extension. */
  readonly keyUsage: number;
  /** Extended key usage OIDs Go recognises, in CSR order. */
  readonly extKeyUsages: readonly string[];
}

export type DecodedRequest = { readonly ok: true; readonly csr: CsrFacts } | { readonly ok: false; readonly detail: string };

let cache: { key: string; value: DecodedRequest } | undefined;

/** What the webhook makes of spec.request (base64 text as written in the manifest). */
export function decodeRequest(request: string): DecodedRequest {
  if (cache?.key === request) return cache.value;
  const value = decodeUncached(request);
  cache = { key: request, value };
  return value;
}

function decodeUncached(request: string): DecodedRequest {
  const bytes = Buffer.from(request.replace(/[\r\n]/g, ''), 'base64');
  if (bytes.length > MAX_CSR_PEM_BYTES) {
    return { ok: false, detail: `error decoding certificate request PEM block: provided PEM data was larger than the maximum ${MAX_CSR_PEM_BYTES}B` };
  }
  const text = bytes.toString('latin1');
  const block = decodedPemBlocks(text)[0];
  if (!block) {
    return { ok: false, detail: `error decoding certificate request PEM block: no PEM data was found in given input; ${noPemHint(text, bytes)}` };
  }

  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(block.bytes!);
  } catch {
    const hint =
      block.type === 'CERTIFICATE REQUEST' || block.type === 'NEW CERTIFICATE REQUEST'
        ? 'the CSR is damaged (truncated, or edited by hand)'
        : `the first PEM block is a ${block.type}, but spec.request needs a CERTIFICATE REQUEST (PKCS#10)`;
    return { ok: false, detail: `failed to parse the certificate request: ${hint}` };
  }

  const signature = checkSignature(block.bytes!);
  if (signature) return { ok: false, detail: `${signature}: the CSR signature does not verify against its public key (was it edited after signing?)` };

  let isCA: boolean | undefined;
  let keyUsage = 0;
  let hasKeyUsage = false;
  let hasExtKeyUsage = false;
  let extKeyUsages: string[] = [];
  try {
    for (const extension of csr.extensions) {
      if (extension.type === '2.5.29.19') {
        isCA = new x509.BasicConstraintsExtension(extension.rawData).ca === true;
      } else if (extension.type === '2.5.29.15') {
        hasKeyUsage = true;
        keyUsage = new x509.KeyUsagesExtension(extension.rawData).usages & 0x1ff;
      } else if (extension.type === '2.5.29.37') {
        hasExtKeyUsage = true;
        extKeyUsages = new x509.ExtendedKeyUsageExtension(extension.rawData).usages
          .map(String)
          .filter((oid) => EXT_KEY_USAGE_NAME.has(oid) || GO_ONLY_EXT_KEY_USAGES.has(oid));
      }
    }
  } catch (error) {
    return { ok: false, detail: `failed to decode an extension of the CSR: ${(error as Error).message}` };
  }
  return { ok: true, csr: { isCA, hasKeyUsage, hasExtKeyUsage, keyUsage, extKeyUsages } };
}

function noPemHint(text: string, bytes: Buffer): string {
  if (bytes.length > 0 && bytes[0] === 0x30) {
    return 'spec.request holds base64 of a DER CSR, but it must be base64 of the PEM text including the BEGIN and END lines (base64 -w0 < request.csr)';
  }
  const compact = text.replace(/\s/g, '');
  if (compact.length > 0 && isStdBase64(compact) && /-----BEGIN/.test(Buffer.from(compact, 'base64').toString('latin1'))) {
    return 'spec.request is base64-encoded twice; encode the PEM text once';
  }
  if (findPemBlocks(text).length > 0) return 'the PEM block in it is damaged (its body is not base64, or the END line is missing)';
  return 'spec.request must be the base64 encoding of a PEM CSR ("-----BEGIN CERTIFICATE REQUEST-----" … "-----END CERTIFICATE REQUEST-----")';
}

// Just enough DER to verify the CSR's signature synchronously with node:crypto.

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

function readTlv(der: Uint8Array, offset: number): Tlv {
  const tag = der[offset];
  let length = der[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[offset + 2 + i];
    contentStart += count;
  }
  const end = contentStart + length;
  if (tag === undefined || end > der.length) throw new Error('truncated DER');
  return { tag, start: offset, contentStart, end };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readTlv(der, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

function oidString(der: Uint8Array, tlv: Tlv): string {
  const arcs: number[] = [];
  let value = 0;
  for (let i = tlv.contentStart; i < tlv.end; i++) {
    value = value * 128 + (der[i] & 0x7f);
    if (!(der[i] & 0x80)) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** Digest (or null for Ed25519) by signature algorithm OID; algorithms not listed are not verified. */
const SIGNATURE_DIGESTS: Readonly<Record<string, string | null>> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

/** Go's wording for a failed verification, or undefined when it verifies (or cannot be checked). */
function checkSignature(der: Uint8Array): string | undefined {
  try {
    const root = readTlv(der, 0);
    const [info, algorithm, signature] = children(der, root);
    const oid = oidString(der, children(der, algorithm)[0]);
    if (!(oid in SIGNATURE_DIGESTS)) return undefined;
    const spki = children(der, info)[2];
    const key = createPublicKey({ key: Buffer.from(der.subarray(spki.start, spki.end)), format: 'der', type: 'spki' });
    const signed = der.subarray(info.start, info.end);
    const value = der.subarray(signature.contentStart + 1, signature.end); // skip the unused-bits byte
    if (verifySignature(SIGNATURE_DIGESTS[oid], signed, key, value)) return undefined;
    if (oid === '1.3.101.112') return 'x509: Ed25519 verification failure';
    return oid.startsWith('1.2.840.10045') ? 'x509: ECDSA verification failure' : 'crypto/rsa: verification error';
  } catch {
    return undefined; // parsing already succeeded; leave exotic encodings to the cluster
  }
}

// ---------------------------------------------------------------------------------------------
// Rules

function requestText(context: RuleContext): string | undefined {
  const request = specOf(context).request;
  if (typeof request !== 'string' || request === '' || !isBase64(request)) return undefined; // the schema reports non-base64
  return request;
}

export const certificateRequestRules: readonly Rule[] = [
  {
    id: 'certificate-request/issuer-ref',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.issuerRef names no issuer, or a kind cert-manager does not have.',
      details:
        'The same rule as for Certificate: with the cert-manager.io group (or no group) the kind must be Issuer or ClusterIssuer. External issuers (another group, such as `certmanager.step.sm`) define their own kinds, which the webhook does not check.',
    },
    check: (context) => checkIssuerRef(context),
  },
  {
    id: 'certificate-request/request',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.request is empty or is not a base64-encoded PEM certificate signing request.',
      details:
        '`request` holds the base64 encoding of the PEM text of a PKCS#10 CSR, BEGIN and END lines included (`base64 -w0 < request.csr`). Common mistakes: pasting the PEM text itself (the schema rejects it as not base64), encoding the DER file or encoding twice, putting a certificate instead of a CSR, and editing a CSR after it was signed (its signature no longer verifies). cert-manager also refuses CSR PEM larger than 36,500 bytes.',
    },
    check(context) {
      const request = specOf(context).request;
      if (request === '') {
        context.report(['spec', 'request'], fieldError.required('spec.request', 'must be specified'));
        return;
      }
      const text = requestText(context);
      if (text === undefined) return;
      const decoded = decodeRequest(text);
      if (!decoded.ok) context.report(['spec', 'request'], invalidRequest(decoded.detail));
    },
  },
  {
    id: 'certificate-request/usages',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.usages names a usage cert-manager does not know.',
      details:
        'Usages are lowercase names such as `digital signature`, `key encipherment`, `server auth` and `client auth`. The CRD schema lists the same names, so the schema error is the one you see; this rule exists so the webhook\'s behaviour is complete.',
    },
    check(context) {
      const s = specOf(context);
      const usages = asList(s.usages).filter((u): u is string => typeof u === 'string');
      const { unknown } = expectedUsages(usages, s.isCA === true);
      if (unknown.length === 0) return;
      const message = fieldError.invalidRaw(
        'spec.usages',
        `[]certmanager.KeyUsage{${usages.map((u) => JSON.stringify(u)).join(', ')}}`,
        `unknown key usages: [${unknown.map((u) => u.usage).join(' ')}]`,
      );
      // Reported on the item, where the schema's enum error sits, so that one wins.
      for (const { index } of unknown) context.report(['spec', 'usages', index], message);
    },
  },
  {
    id: 'certificate-request/csr-matches-spec',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'The CSR asks for a CA flag or key usages that spec.isCA and spec.usages do not.',
      details:
        'When the CSR carries a basicConstraints extension, its CA flag must equal `spec.isCA`. When it carries key usage or extended key usage extensions, they must equal what `spec.usages` asks for exactly: empty usages mean `digital signature` and `key encipherment`, `isCA: true` adds `cert sign`, and extended key usages are compared in order. CSRs without these extensions (most hand-made ones) are not compared. Regenerate the CSR or change the spec so they agree.',
    },
    check(context) {
      const s = specOf(context);
      const text = requestText(context);
      if (text === undefined) return;
      const usages = asList(s.usages).filter((u): u is string => typeof u === 'string');
      const isCA = s.isCA === true;
      const expected = expectedUsages(usages, isCA);
      if (expected.unknown.length > 0) return; // the webhook stops at the unknown usage
      const decoded = decodeRequest(text);
      if (!decoded.ok) return; // certificate-request/request
      const csr = decoded.csr;

      if (csr.isCA !== undefined && csr.isCA !== isCA) {
        const fix = csr.isCA ? 'set spec.isCA: true, or remove CA:TRUE from the CSR' : 'remove spec.isCA, or add CA:TRUE to the CSR';
        context.report(['spec', 'request'], invalidRequest(`encoded CSR error: IsCA ${csr.isCA} does not match expected value ${isCA}; ${fix}`));
        return;
      }
      if (!csr.hasKeyUsage && !csr.hasExtKeyUsage) return;
      if (csr.keyUsage !== expected.keyUsage) {
        const defaults = usages.length === 0 ? ' (spec.usages is empty, so the webhook expects the defaults)' : '';
        context.report(
          ['spec', 'request'],
          invalidRequest(
            `encoded CSR error: the KeyUsages ${printUsages(keyUsageNames(csr.keyUsage))} do not match the expected KeyUsages ${printUsages(keyUsageNames(expected.keyUsage))}${defaults}`,
          ),
        );
        return;
      }
      const same = csr.extKeyUsages.length === expected.extKeyUsages.length && csr.extKeyUsages.every((oid, i) => oid === expected.extKeyUsages[i]);
      if (!same) {
        const reordered =
          csr.extKeyUsages.length === expected.extKeyUsages.length &&
          [...csr.extKeyUsages].sort().join() === [...expected.extKeyUsages].sort().join()
            ? ' (the same usages in a different order; list spec.usages in the order the CSR has them)'
            : '';
        context.report(
          ['spec', 'request'],
          invalidRequest(
            `encoded CSR error: the ExtKeyUsages ${printUsages(extKeyUsageNames(csr.extKeyUsages))} do not match the expected ExtKeyUsages ${printUsages(extKeyUsageNames(expected.extKeyUsages))}${reordered}`,
          ),
        );
      }
    },
  },
  {
    id: 'certificate-request/duration-format',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.duration is not a Go duration.',
      details: 'The webhook decodes `duration` as a Go duration: a number and a unit of h, m, s, ms, us or ns, such as `2160h` or `1h30m`. There is no day unit: write `90d` as `2160h`.',
    },
    check(context) {
      const raw = asString(specOf(context).duration);
      if (raw === undefined) return;
      const parsed = parseGoDuration(raw);
      if (parsed.ok) return;
      const days = /^(\d+)d$/.exec(raw);
      const hint = days ? `; write ${Number(days[1]) * 24}h` : '';
      context.report(['spec', 'duration'], fieldError.invalid('spec.duration', raw, `${parsed.error}${hint}`));
    },
  },
];
