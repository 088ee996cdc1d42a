// Rules for ClusterTrustBundle (certificates.k8s.io/v1beta1 and v1alpha1). There is no webhook: the
// API server validates the object itself (pkg/apis/certificates/validation ValidateClusterTrustBundle
// and the shared ValidateSignerName / ValidateClusterTrustBundleName). These run after the schema, so
// they use the 'webhook' layer to get the same shadowing; the wording is the API server's.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate } from 'node:crypto';
import { formatPath, type FieldPath } from '../model/path';
import { decodedPemBlocks, findPemBlocks } from '../pem/blocks';
import { asMap, asString } from './access';
import { dns1123Label, dns1123Subdomain, fieldError } from './k8s';
import type { Rule, RuleContext } from './types';

x509.cryptoProvider.set(globalThis.crypto);

const KIND = ['ClusterTrustBundle'] as const;

/** certificates.MaxTrustBundleSize: 1 MiB, counted in bytes. */
export const MAX_TRUST_BUNDLE_BYTES = 1024 * 1024;
const MAX_DOMAIN = 253;
const MAX_SIGNER_NAME = MAX_DOMAIN + (253 + 63 + 1) + 1;
const OMITTED = '<value omitted>';
const BASIC_CONSTRAINTS = '2.5.29.19';

function metadataOf(context: RuleContext) {
  return asMap(context.object.value.metadata);
}

function signerNameOf(context: RuleContext): string {
  return asString(context.spec?.signerName) ?? '';
}

/** apimachinery MaskTrailingDash: a generateName may end in '-' because a suffix follows. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
}

/** ValidateClusterTrustBundleName: the problems with a name (or a generateName, as a prefix). */
export function clusterTrustBundleNameProblems(name: string, signerName: string, isPrefix = false): string[] {
  const subdomain = (value: string) => dns1123Subdomain(isPrefix ? maskTrailingDash(value) : value);
  if (signerName === '') {
    if (name.includes(':')) return ['ClusterTrustBundle without signer name must not have ":" in its name'];
    return subdomain(name);
  }
  const prefix = `${signerName.replaceAll('/', ':')}:`;
  if (!name.startsWith(prefix)) return [`ClusterTrustBundle for signerName ${signerName} must be named with prefix ${prefix}`];
  return subdomain(name.slice(prefix.length));
}

/** apimachinery path.IsValidPathSegmentName, which every object name must also pass. */
function pathSegmentProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

/** ValidateSignerName: `<fully qualified domain>/<path>`, both parts DNS-shaped. */
export function signerNameProblems(signerName: string): string[] {
  const at = 'spec.signerName';
  const segments = signerName.split('/');
  if (segments.length !== 2) {
    return [fieldError.invalid(at, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  }
  const [domain, path] = segments;
  const out: string[] = [];
  if (domain.length > MAX_DOMAIN) out.push(fieldError.tooLong(at, MAX_DOMAIN));
  const domainLabels = domain.split('.');
  for (const label of domainLabels) {
    const errors = dns1123Label(label);
    if (errors.length === 0) continue;
    for (const error of errors) out.push(fieldError.invalid(at, domain, `validating label ${JSON.stringify(label)}: ${error}`));
    break; // later labels would only repeat the same message
  }
  if (domainLabels.length < 2) out.push(fieldError.invalid(at, domain, 'should be a domain with at least two segments separated by dots'));
  for (const label of path.split('.')) {
    const errors = dns1123Subdomain(label);
    if (errors.length === 0) continue;
    for (const error of errors) out.push(fieldError.invalid(at, path, `validating label ${JSON.stringify(label)}: ${error}`));
    break;
  }
  if (signerName.length > MAX_SIGNER_NAME) out.push(fieldError.tooLong(at, MAX_SIGNER_NAME));
  return out;
}

/** Go's x509.Certificate.IsCA: a basicConstraints extension with cA TRUE, whatever the key usage says. */
export function hasCAFlag(certificate: X509Certificate, der: Uint8Array): boolean {
  // OpenSSL (behind node:crypto) also answers false when a key usage extension lacks keyCertSign;
  // only then do we need to read basicConstraints ourselves.
  if (certificate.ca) return true;
  try {
    const parsed = new x509.X509Certificate(der);
    const extension = parsed.getExtension(BASIC_CONSTRAINTS);
    return extension ? new x509.BasicConstraintsExtension(extension.rawData).ca === true : false;
  } catch {
    return false;
  }
}

/** validateTrustBundle: every problem the API server reports for spec.trustBundle. */
export interface TrustBundleProblem {
  readonly message: string;
  /** The offending block, as offsets into the trust bundle text. */
  readonly within?: readonly [number, number];
}

export function trustBundleProblems(text: string): TrustBundleProblem[] {
  const at = 'spec.trustBundle';
  if (Buffer.byteLength(text, 'utf8') > MAX_TRUST_BUNDLE_BYTES) return [{ message: fieldError.tooLong(at, MAX_TRUST_BUNDLE_BYTES) }];

  const out: TrustBundleProblem[] = [];
  const seen = new Map<string, { entry: number; within: readonly [number, number] }[]>();
  decodedPemBlocks(text).forEach((block, entry) => {
    const within = [block.start, block.end] as const;
    const invalid = (detail: string) => out.push({ message: fieldError.invalid(at, OMITTED, detail), within });
    if (block.type !== 'CERTIFICATE') return invalid(`entry ${entry} has bad block type: ${block.type}`);
    if (block.hasHeaders) return invalid(`entry ${entry} has PEM block headers`);
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block.bytes!);
    } catch {
      return invalid(`entry ${entry} does not parse as X.509`);
    }
    if (!hasCAFlag(certificate, block.bytes!)) return invalid(`entry ${entry} does not have the CA bit set`);
    const key = certificate.fingerprint256;
    seen.set(key, [...(seen.get(key) ?? []), { entry, within }]);
  });

  // A malformed entry hides the "missing" and "duplicate" checks, as in the API server.
  if (out.length > 0) return out;
  if (seen.size === 0) return [{ message: fieldError.invalid(at, OMITTED, 'at least one trust anchor must be provided') }];
  for (const copies of seen.values()) {
    if (copies.length > 1) {
      const message = fieldError.invalid(at, OMITTED, `duplicate trust anchor (indices [${copies.map((c) => c.entry).join(' ')}])`);
      out.push({ message, within: copies[copies.length - 1].within });
    }
  }
  return out;
}

export const clusterTrustBundleRules: readonly Rule[] = [
  {
    id: 'cluster-trust-bundle/name',
    severity: 'error',
    layer: 'metadata',
    kinds: KIND,
    doc: {
      summary: 'metadata.name does not fit the ClusterTrustBundle naming rule.',
      details:
        'With `spec.signerName`, the name must start with the signer name with `/` replaced by `:`, followed by `:` (signer `example.com/my-signer` gives names like `example.com:my-signer:roots`), and the rest must be a lowercase RFC 1123 subdomain. Without a signer name, the name must not contain `:` and must be a subdomain itself.',
    },
    check(context) {
      const metadata = metadataOf(context);
      const signerName = signerNameOf(context);
      const generateName = asString(metadata?.generateName) ?? '';
      if (generateName !== '') {
        for (const problem of clusterTrustBundleNameProblems(generateName, signerName, true)) {
          context.report(['metadata', 'generateName'], fieldError.invalid('metadata.generateName', generateName, problem));
        }
      }
      const name = metadata?.name;
      if (name === undefined || name === null || name === '') {
        if (generateName !== '') return;
        context.report(['metadata', 'name'], fieldError.required('metadata.name', 'name or generateName is required'), { anchor: 'missing' });
        return;
      }
      if (typeof name !== 'string') return;
      const problems = clusterTrustBundleNameProblems(name, signerName);
      for (const problem of problems) context.report(['metadata', 'name'], fieldError.invalid('metadata.name', name, problem));
      // The generic object-name check runs only once the type's own validation passed.
      if (problems.length === 0) {
        for (const problem of pathSegmentProblems(name)) context.report(['metadata', 'name'], fieldError.invalid('metadata.name', name, problem));
      }
    },
  },
  {
    id: 'cluster-trust-bundle/signer-name',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.signerName is not of the form `<domain>/<path>`.',
      details:
        'A signer name is a fully qualified domain with at least two labels, a single `/`, and a path made of DNS-subdomain parts separated by dots, such as `example.com/my-signer` (at most 571 characters). Leave it out for a bundle not tied to a signer; names under `kubernetes.io` are reserved for Kubernetes\' own signers.',
    },
    check(context) {
      const signerName = signerNameOf(context);
      if (signerName === '') return;
      for (const problem of signerNameProblems(signerName)) context.report(['spec', 'signerName'], problem);
    },
  },
  {
    id: 'cluster-trust-bundle/trust-bundle',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.trustBundle is not a set of distinct, parseable CA certificates.',
      details:
        'The API server reads the PEM blocks and requires each to be a CERTIFICATE without PEM headers that parses as X.509 and has basic constraints CA:TRUE; it rejects duplicates and an empty bundle, and the field may hold at most 1 MiB. Entries are numbered from 0 among the blocks it could read. Leaf (server) certificates do not belong in a trust bundle: use the CA that issued them.',
    },
    check(context) {
      const text = asString(context.spec?.trustBundle);
      if (text === undefined) return; // required by the schema
      for (const problem of trustBundleProblems(text)) context.report(['spec', 'trustBundle'], problem.message, { within: problem.within });
    },
  },
  {
    id: 'cluster-trust-bundle/unreadable-pem',
    severity: 'warning',
    layer: 'lint',
    kinds: KIND,
    doc: {
      summary: 'spec.trustBundle contains a PEM block that the API server silently skips.',
      details:
        'Go\'s PEM decoder skips a block whose body is not base64 (for example `....` elided in documentation) or that has no END line, without an error. The certificate it was meant to hold is simply not in the bundle, and entry numbers in API server messages do not count it.',
    },
    check(context) {
      const text = asString(context.spec?.trustBundle);
      if (!text) return;
      const path: FieldPath = ['spec', 'trustBundle'];
      findPemBlocks(text).forEach((block, index) => {
        if (block.decodes) return;
        const why =
          block.problem === 'bad-base64'
            ? 'its body is not valid base64'
            : block.problem === 'unterminated'
              ? `no "-----END ${block.type}-----" line follows it`
              : 'its BEGIN line does not end in exactly five dashes';
        context.report(path, `${formatPath(path)}: PEM block ${index + 1} (${block.type || 'no type'}) is skipped without an error: ${why}`, {
          within: [block.start, block.end],
        });
      });
    },
  },
];
