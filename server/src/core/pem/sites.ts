// Where certificates sit inside manifests: PEM text (Bundle inLine, ClusterBundle inLineCAs,
// ClusterTrustBundle trustBundle, ConfigMap data, Secret stringData) and base64 of PEM (caBundle
// fields, Secret data, CertificateRequest request). Each site knows how to map a PEM block back to
// the document, so findings and hovers land on the certificate's own lines.
import { isScalar, Scalar } from 'yaml';
import type { ParsedFile } from '../model/parse';
import type { ManifestObject } from '../model/objects';
import type { FieldPath } from '../model/path';
import { formatPath } from '../model/path';
import { locate } from '../model/value';
import { base64OffsetMap, scalarOffsetMap, type OffsetMap } from '../model/scalar-map';
import type { JsonValue } from '../model/value';
import { findPemBlocks, isStdBase64, type PemBlock } from './blocks';

/**
 * What the data is for, which decides what is wrong with it: a private key is expected in a TLS
 * Secret's `tls.key`, an error in a trust bundle.
 */
export type SiteRole =
  /** CA certificates that workloads trust (Bundle, ClusterBundle, ClusterTrustBundle). */
  | 'trust-bundle'
  /** CA certificates one client trusts to reach one server (caBundle fields, ca.crt). */
  | 'ca-bundle'
  /** A certificate (chain) that identifies a workload (tls.crt). */
  | 'certificate'
  /** A private key (tls.key). */
  | 'private-key'
  /** A PKCS#10 request (CertificateRequest spec.request). */
  | 'csr'
  /** PEM in a ConfigMap or Secret key with no conventional name. */
  | 'data';

export interface SiteBlock {
  readonly block: PemBlock;
  readonly index: number;
  /** Document offsets of the block (its lines, for PEM text; the base64 that encodes it otherwise). */
  readonly start: number;
  readonly end: number;
}

export interface PemSite {
  /** The object holding the value; absent for a PEM file opened on its own. */
  readonly object?: ManifestObject;
  readonly path: FieldPath;
  readonly field: string;
  readonly encoding: 'pem' | 'base64';
  readonly role: SiteRole;
  /** The PEM text (decoded from base64 where needed); empty when base64 did not decode. */
  readonly text: string;
  readonly keyRange?: readonly [number, number];
  readonly valueRange: readonly [number, number];
  readonly blocks: readonly SiteBlock[];
  /** Set when a base64 value is not valid base64. */
  readonly base64Error?: string;
  /** Maps an offset in `text` to a document offset. */
  readonly toDocument: OffsetMap;
  /**
   * True when every block's `start`/`end` are its own lines in the document: PEM in a literal block
   * scalar (`inLine: |`) or a PEM file. In a quoted or plain scalar every block maps to the value's
   * start, and in base64 only to the characters that encode it, so nothing may edit or pick blocks
   * there by line.
   */
  readonly linesExact: boolean;
}

interface SiteSpec {
  readonly path: FieldPath;
  readonly encoding: 'pem' | 'base64';
  readonly role: SiteRole;
}

type Finder = (object: ManifestObject) => SiteSpec[];

const asMap = (v: JsonValue | undefined) => (v && typeof v === 'object' && !Array.isArray(v) ? v : undefined);
const asList = (v: JsonValue | undefined) => (Array.isArray(v) ? v : []);

function dataKeyRole(key: string): SiteRole {
  if (key === 'tls.key' || /(^|[._-])key(\.pem)?$/i.test(key)) return 'private-key';
  if (key === 'ca.crt' || /ca[-_.]?(bundle|certificates)?(\.crt|\.pem)?$/i.test(key)) return 'ca-bundle';
  if (key === 'tls.crt' || /\.(crt|pem|cer)$/i.test(key)) return 'certificate';
  return 'data';
}

const FINDERS: Readonly<Record<string, Finder>> = {
  'trust.cert-manager.io/Bundle': (o) =>
    asList(asMap(o.value.spec)?.sources).flatMap((source, i) =>
      typeof asMap(source)?.inLine === 'string' ? [{ path: ['spec', 'sources', i, 'inLine'], encoding: 'pem', role: 'trust-bundle' } as const] : [],
    ),
  'trust-manager.io/ClusterBundle': () => [{ path: ['spec', 'inLineCAs'], encoding: 'pem', role: 'trust-bundle' }],
  'certificates.k8s.io/ClusterTrustBundle': () => [{ path: ['spec', 'trustBundle'], encoding: 'pem', role: 'trust-bundle' }],
  'cert-manager.io/Issuer': issuerSites,
  'cert-manager.io/ClusterIssuer': issuerSites,
  'cert-manager.io/CertificateRequest': () => [{ path: ['spec', 'request'], encoding: 'base64', role: 'csr' }],
  '/Secret': (o) => [
    ...Object.keys(asMap(o.value.data) ?? {}).map((key): SiteSpec => ({ path: ['data', { key }], encoding: 'base64', role: dataKeyRole(key) })),
    ...Object.keys(asMap(o.value.stringData) ?? {}).map((key): SiteSpec => ({ path: ['stringData', { key }], encoding: 'pem', role: dataKeyRole(key) })),
  ],
  '/ConfigMap': (o) =>
    Object.keys(asMap(o.value.data) ?? {}).map((key): SiteSpec => {
      const role = dataKeyRole(key);
      return { path: ['data', { key }], encoding: 'pem', role: role === 'certificate' ? 'data' : role };
    }),
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': webhookSites,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': webhookSites,
  'apiregistration.k8s.io/APIService': () => [{ path: ['spec', 'caBundle'], encoding: 'base64', role: 'ca-bundle' }],
  'apiextensions.k8s.io/CustomResourceDefinition': () => [
    { path: ['spec', 'conversion', 'webhook', 'clientConfig', 'caBundle'], encoding: 'base64', role: 'ca-bundle' },
  ],
};

function issuerSites(): SiteSpec[] {
  return [
    { path: ['spec', 'acme', 'caBundle'], encoding: 'base64', role: 'ca-bundle' },
    { path: ['spec', 'vault', 'caBundle'], encoding: 'base64', role: 'ca-bundle' },
    { path: ['spec', 'venafi', 'tpp', 'caBundle'], encoding: 'base64', role: 'ca-bundle' },
  ];
}

function webhookSites(o: ManifestObject): SiteSpec[] {
  return asList(o.value.webhooks).map((_, i) => ({ path: ['webhooks', i, 'clientConfig', 'caBundle'], encoding: 'base64', role: 'ca-bundle' }));
}

function finderFor(object: ManifestObject): Finder | undefined {
  if (!object.apiVersion || !object.kind) return undefined;
  const slash = object.apiVersion.lastIndexOf('/');
  const group = slash === -1 ? '' : object.apiVersion.slice(0, slash);
  return FINDERS[`${group}/${object.kind}`];
}

/**
 * The names of standalone PEM files: the extensions of the `pem` language in package.json, which the
 * editor checks on their own and the CLI lints alike.
 */
export const PEM_FILE = /\.(pem|crt|cer)$/i;

/** A PEM file (`.pem`, `.crt`, `.cer`) is one site: the whole text. */
export function fileSite(text: string, role: SiteRole = 'data'): PemSite {
  const toDocument: OffsetMap = (offset) => offset;
  return {
    path: [],
    field: 'file',
    encoding: 'pem',
    role,
    text,
    valueRange: [0, text.length],
    blocks: findPemBlocks(text).map((block, index) => ({ block, index, start: block.start, end: block.end })),
    toDocument,
    linesExact: true,
  };
}

/** Every certificate site of one object; empty for kinds that hold none. */
export function findSites(file: ParsedFile, object: ManifestObject): PemSite[] {
  const finder = finderFor(object);
  if (!finder) return [];
  const sites: PemSite[] = [];
  for (const spec of finder(object)) {
    const site = makeSite(file, object, spec);
    if (site) sites.push(site);
  }
  return sites;
}

function makeSite(file: ParsedFile, object: ManifestObject, spec: SiteSpec): PemSite | undefined {
  const location = locate(object.node, spec.path, object.document.doc);
  const node = location.value;
  if (!node || !isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const scalar = node as Scalar<string>;
  const raw = scalar.value;
  const valueRange = [node.range[0], node.range[1]] as const;
  const keyRange = location.key?.range ? ([location.key.range[0], location.key.range[1]] as const) : undefined;

  let text = raw;
  let toDocument: OffsetMap;
  let base64Error: string | undefined;
  if (spec.encoding === 'base64') {
    const compact = raw.replace(/\s+/g, '');
    if (!isStdBase64(compact)) {
      base64Error = 'not valid base64';
      text = '';
    } else {
      text = Buffer.from(compact, 'base64').toString('latin1');
    }
    toDocument = base64OffsetMap(file.text, scalar);
  } else {
    toDocument = scalarOffsetMap(file.text, scalar);
  }

  // Secrets and ConfigMaps hold all sorts of data; only PEM-looking values are sites.
  const generic = spec.path[0] === 'data' || spec.path[0] === 'stringData';
  // PEM pasted into `data` instead of `stringData` is a site too: the API server rejects it.
  if (generic && !text.includes('-----BEGIN') && !(base64Error && raw.includes('-----BEGIN'))) return undefined;

  const blocks = findPemBlocks(text).map((block, index): SiteBlock => {
    const start = toDocument(block.start);
    // The end maps through the last character of the block, then past it.
    const end = Math.max(start + 1, toDocument(Math.max(block.start, block.end - 1)) + 1);
    return { block, index, start, end: Math.min(end, valueRange[1]) };
  });

  return {
    object,
    path: spec.path,
    field: formatPath(spec.path),
    encoding: spec.encoding,
    role: spec.role,
    text,
    keyRange,
    valueRange,
    blocks,
    base64Error,
    toDocument,
    linesExact: spec.encoding === 'pem' && scalar.type === Scalar.BLOCK_LITERAL,
  };
}
