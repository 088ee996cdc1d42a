// Rules for Bundle (trust.cert-manager.io/v1alpha1): trust-manager v0.24.0's validating webhook
// (pkg/webhook/validation.go), with its wording, plus two lint checks (JKS deprecation, inLine PEM).
// Since v0.21 the CRD's CEL rules cover "exactly one source type per item" and "name or selector",
// so those webhook messages can never be seen and are not repeated here.
import { X509Certificate } from 'node:crypto';
import type { Anchor } from '../schema/structural';
import type { FieldPath } from '../model/path';
import type { JsonValue } from '../model/value';
import { formatPath } from '../model/path';
import { findPemBlocks, type PemBlock } from '../pem/blocks';
import { asList, asMap, asString, specOf } from './access';
import { fieldError, labelValue, qualifiedName } from './k8s';
import type { ReportOptions, Rule, RuleContext } from './types';

const KIND = ['Bundle'] as const;
const SOURCE_KINDS = ['configMap', 'secret'] as const;
const RESERVED_PREFIXES = ['trust.cert-manager.io/', 'trust-manager.io/'] as const;
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Present after Go's JSON decoding: a pointer field is nil for absent and for null. */
function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

// ---------------------------------------------------------------------------------------------
// Shared checks (also used by the ClusterBundle lint rules)

/** One problem a shared check found; the caller decides the rule, severity and layer. */
export interface Problem {
  readonly path: FieldPath;
  readonly message: string;
  readonly anchor?: Anchor;
}

/**
 * apimachinery's ValidateLabelSelector: matchLabels keys and values, and for each expression the
 * operator, its values, the key and each value.
 */
export function labelSelectorProblems(selectorValue: JsonValue | undefined, base: FieldPath): Problem[] {
  const selector = asMap(selectorValue);
  if (!selector) return [];
  const out: Problem[] = [];
  const at = formatPath(base);

  const matchLabels = asMap(selector.matchLabels);
  if (matchLabels) {
    for (const [key, value] of Object.entries(matchLabels)) {
      const path: FieldPath = [...base, 'matchLabels', { key }];
      for (const problem of qualifiedName(key)) out.push({ path, message: fieldError.invalid(`${at}.matchLabels`, key, problem), anchor: 'key' });
      if (typeof value === 'string') {
        for (const problem of labelValue(value)) out.push({ path, message: fieldError.invalid(`${at}.matchLabels`, value, problem) });
      }
    }
  }

  asList(selector.matchExpressions).forEach((entry, index) => {
    const expression = asMap(entry);
    if (!expression) return;
    const item: FieldPath = [...base, 'matchExpressions', index];
    const itemAt = formatPath(item);
    const operator = asString(expression.operator) ?? '';
    const values = asList(expression.values);
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) {
        out.push({
          path: [...item, 'values'],
          message: fieldError.required(`${itemAt}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
          anchor: 'missing',
        });
      }
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) {
        out.push({
          path: [...item, 'values'],
          message: fieldError.forbidden(`${itemAt}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
          anchor: 'key',
        });
      }
    } else {
      out.push({ path: [...item, 'operator'], message: fieldError.invalid(`${itemAt}.operator`, operator, 'not a valid selector operator') });
    }
    const key = asString(expression.key);
    if (key !== undefined) {
      for (const problem of qualifiedName(key)) out.push({ path: [...item, 'key'], message: fieldError.invalid(`${itemAt}.key`, key, problem) });
    }
    values.forEach((value, valueIndex) => {
      if (typeof value !== 'string') return;
      for (const problem of labelValue(value)) {
        out.push({ path: [...item, 'values', valueIndex], message: fieldError.invalid(`${itemAt}.values[${valueIndex}]`, value, problem) });
      }
    });
  });
  return out;
}

/** Label and annotation syntax of target metadata (apimachinery ValidateLabels/ValidateAnnotations). */
export function metadataSyntaxProblems(metadataValue: JsonValue | undefined, base: FieldPath): Problem[] {
  const metadata = asMap(metadataValue);
  if (!metadata) return [];
  const out: Problem[] = [];
  const at = formatPath(base);

  const annotations = asMap(metadata.annotations);
  if (annotations) {
    let size = 0;
    for (const [key, value] of Object.entries(annotations)) {
      size += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
      // Annotation keys follow the label-key rules, ignoring case.
      for (const problem of qualifiedName(key.toLowerCase())) {
        out.push({ path: [...base, 'annotations', { key }], message: fieldError.invalid(`${at}.annotations`, key, problem), anchor: 'key' });
      }
    }
    if (size > MAX_ANNOTATIONS_BYTES) {
      out.push({ path: [...base, 'annotations'], message: fieldError.tooLong(`${at}.annotations`, MAX_ANNOTATIONS_BYTES), anchor: 'key' });
    }
  }

  const labels = asMap(metadata.labels);
  if (labels) {
    for (const [key, value] of Object.entries(labels)) {
      const path: FieldPath = [...base, 'labels', { key }];
      for (const problem of qualifiedName(key)) out.push({ path, message: fieldError.invalid(`${at}.labels`, key, problem), anchor: 'key' });
      if (typeof value === 'string') {
        for (const problem of labelValue(value)) out.push({ path, message: fieldError.invalid(`${at}.labels`, value, problem) });
      }
    }
  }
  return out;
}

function reportAll(context: RuleContext, problems: readonly Problem[], options: ReportOptions = {}): void {
  for (const p of problems) context.report(p.path, p.message, { ...options, anchor: p.anchor ?? options.anchor });
}

/**
 * What trust-manager's controller will make of PEM text written into the manifest (`inLine` of a
 * Bundle source, `inLineCAs` of a ClusterBundle). It parses every block strictly and fails the whole
 * bundle on a block that is not a certificate, has PEM headers, or does not parse; those are errors.
 * A block Go's decoder cannot read at all (an elided body, a missing END line) leaves undecodable text
 * behind, which fails the source too ("invalid PEM data in source"): an error for a Bundle, which
 * trust-manager v0.24 reconciles, a warning for the unserved ClusterBundle. Text with no PEM block
 * at all is a warning. Reported at `path`.
 */
export function checkInlinePem(context: RuleContext, path: FieldPath, text: string, owner: 'Bundle' | 'ClusterBundle'): void {
  const blocks = findPemBlocks(text);
  const whole = `trust-manager fails the whole ${owner} with this error when it builds the bundle`;
  if (blocks.length === 0) {
    const placeholder = text.trim() === '' ? 'it is empty' : `it has no "-----BEGIN CERTIFICATE-----" line at the start of a line`;
    context.report(path, `${formatPath(path)} holds no PEM certificate (${placeholder}), so this source adds nothing to the bundle`);
    return;
  }

  blocks.forEach((block, index) => {
    const name = `PEM block ${index + 1} (${block.type || 'no type'})`;
    if (!block.decodes) {
      const served = owner === 'Bundle';
      const consequence = served
        ? `; trust-manager cannot read it and fails the whole Bundle ("invalid PEM data in source")`
        : '; trust-manager cannot read this certificate';
      const within = [block.start, block.end] as const;
      context.report(path, `${nearMissMessage(text, block, name)}${consequence}`, served ? { severity: 'error', within } : { within });
      return;
    }
    if (block.type !== 'CERTIFICATE') {
      const key = /PRIVATE KEY/.test(block.type)
        ? '. A private key must never be in a trust bundle: remove it, and treat the key as exposed since it is in this manifest'
        : '';
      context.report(path, `invalid PEM block in bundle: only CERTIFICATE blocks are permitted but found '${block.type}' (PEM block ${index + 1}); ${whole}${key}`, {
        severity: 'error',
        within: [block.start, block.end],
        removeWithin: key ? 'Remove the private key' : `Remove the ${block.type} block`,
      });
      return;
    }
    if (block.hasHeaders) {
      const first = block.headers[0];
      context.report(
        path,
        `invalid PEM block in bundle; blocks are not permitted to have PEM headers (PEM block ${index + 1} has "${first.name}: ${first.value}"); ${whole}. Remove the header lines`,
        { severity: 'error', within: [block.start, block.end] },
      );
      return;
    }
    const parsed = parseCertificate(block.bytes!);
    if (typeof parsed === 'string') {
      context.report(path, `invalid PEM block in bundle; invalid PEM certificate: ${name} is not an X.509 certificate (${parsed}); ${whole}`, {
        severity: 'error',
        within: [block.start, block.end],
      });
    }
  });
}

function nearMissMessage(text: string, block: PemBlock, name: string): string {
  switch (block.problem) {
    case 'bad-begin-line':
      return `${name} is not PEM: its BEGIN line must be "-----BEGIN ${block.type}-----", with exactly five dashes and nothing after them`;
    case 'unterminated':
      return `${name} is not PEM: no "-----END ${block.type}-----" line follows it`;
    default: {
      const body = text.slice(block.bodyStart, block.bodyEnd);
      const why = /\.\.\.|…/.test(body)
        ? '"...." stands for lines left out of a documentation example; paste the complete certificate'
        : 'look for a stray character or a truncated line';
      return `${name} does not decode: its body is not valid base64 (${why})`;
    }
  }
}

/** The certificate, or why it does not parse. */
export function parseCertificate(der: Uint8Array): X509Certificate | string {
  try {
    return new X509Certificate(der);
  } catch (error) {
    return (error as Error).message || 'malformed certificate';
  }
}

// ---------------------------------------------------------------------------------------------
// Rules

export const bundleRules: readonly Rule[] = [
  {
    id: 'bundle/source-key',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'A configMap or secret source sets both or neither of `key` and `includeAllKeys`.',
      details:
        'A ConfigMap or Secret source reads either one key (`key: ca.crt`) or every key (`includeAllKeys: true`), never both. Without either, trust-manager does not know what to read. Note that `includeAllKeys` on a `kubernetes.io/tls` Secret would also pick up `tls.key`; trust-manager refuses that at reconcile time.',
    },
    check(context) {
      asList(specOf(context).sources).forEach((entry, index) => {
        const source = asMap(entry);
        if (!source) return;
        for (const kind of SOURCE_KINDS) {
          const ref = asMap(source[kind]);
          if (!ref) continue;
          const path: FieldPath = ['spec', 'sources', index, kind];
          const key = asString(ref.key) ?? '';
          const includeAllKeys = ref.includeAllKeys === true;
          if (key === '' && !includeAllKeys) {
            context.report(path, fieldError.invalid(formatPath(path), `key: ' ', includeAllKeys: false`, `source ${kind} key must be defined when includeAllKeys is false`), {
              anchor: 'key',
            });
          } else if (key !== '' && includeAllKeys) {
            context.report(path, fieldError.invalid(formatPath(path), `key: ${key}, includeAllKeys: true`, `source ${kind} key cannot be defined when includeAllKeys is true`), {
              anchor: 'key',
            });
          }
        }
      });
    },
  },
  {
    id: 'bundle/sources',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'The Bundle has no real source, or asks for the default CAs more than once.',
      details:
        '`useDefaultCAs: false` is allowed next to other sources (since v0.6) but is not a source itself, so a Bundle whose only source is `useDefaultCAs: false` has nothing to distribute (trust-manager#133). `useDefaultCAs` may appear at most once, whether true or false.',
    },
    check(context) {
      const sources = asList(specOf(context).sources);
      if (sources.length === 0) return; // the schema requires at least one item
      let real = 0;
      let defaultCAs = 0;
      let unionBroken = false;
      for (const entry of sources) {
        const source = asMap(entry);
        if (!source) {
          unionBroken = true;
          continue;
        }
        const kinds = ['configMap', 'secret', 'inLine', 'useDefaultCAs'].filter((k) => present(source[k]));
        if (kinds.length !== 1) unionBroken = true; // the CRD's CEL rule reports the item
        if (present(source.configMap)) real++;
        if (present(source.secret)) real++;
        if (present(source.inLine)) real++;
        if (present(source.useDefaultCAs)) {
          defaultCAs++;
          if (source.useDefaultCAs === true) real++;
        }
      }
      if (real === 0 && !unionBroken) {
        context.report(['spec', 'sources'], fieldError.forbidden('spec.sources', 'must define at least one source'), { anchor: 'key' });
      }
      if (defaultCAs > 1) {
        context.report(['spec', 'sources'], fieldError.forbidden('spec.sources', `must request default CAs either once or not at all but got ${defaultCAs} requests`), {
          anchor: 'key',
        });
      }
    },
  },
  {
    id: 'bundle/source-is-target',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'A source reads the very ConfigMap or Secret key the Bundle writes.',
      details:
        'Targets are named after the Bundle, so a source of the same kind whose `name` is the Bundle name and whose `key` is the target key would read the Bundle\'s own output. The webhook reports it at the unusual path `spec.sources[i].configMap.<name>.<key>`.',
    },
    check(context) {
      const bundleName = context.object.name ?? '';
      const target = asMap(specOf(context).target);
      if (!target) return;
      for (const kind of SOURCE_KINDS) {
        const targetKey = asString(asMap(target[kind])?.key);
        if (targetKey === undefined || !asMap(target[kind])) continue;
        asList(specOf(context).sources).forEach((entry, index) => {
          const ref = asMap(asMap(entry)?.[kind]);
          if (!ref) return;
          const name = asString(ref.name) ?? '';
          const key = asString(ref.key) ?? '';
          if (name === bundleName && key === targetKey) {
            const path: FieldPath = ['spec', 'sources', index, kind, name, key];
            context.report(path, fieldError.forbidden(formatPath(path), 'cannot define the same source as target'));
          }
        });
      }
    },
  },
  {
    id: 'bundle/target-keys',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'A JKS or PKCS#12 output key repeats another target output key.',
      details:
        'The binary formats are written into the same target object as the PEM bundle, so `additionalFormats.jks.key` and `additionalFormats.pkcs12.key` must differ from the configMap and secret keys and from each other. The configMap key and the secret key may be equal (they are different objects). Two Bundles with the same target key never collide: each writes an object named after itself (trust-manager#29).',
    },
    check(context) {
      const target = asMap(specOf(context).target);
      const formats = asMap(target?.additionalFormats);
      if (!target || !formats) return;
      const keys = new Set<string>();
      for (const kind of SOURCE_KINDS) {
        const key = asString(asMap(target[kind])?.key);
        if (asMap(target[kind]) && key !== undefined) keys.add(key);
      }
      for (const format of ['jks', 'pkcs12'] as const) {
        const key = asString(asMap(formats[format])?.key);
        if (key === undefined) continue;
        const path: FieldPath = ['spec', 'target', 'additionalFormats', format, 'key'];
        if (keys.has(key)) context.report(path, fieldError.invalid(formatPath(path), key, 'key must be unique across all target output keys'));
        keys.add(key);
      }
    },
  },
  {
    id: 'bundle/target-metadata',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'Target labels or annotations use a reserved prefix or invalid syntax.',
      details:
        'trust-manager manages `trust.cert-manager.io/` and `trust-manager.io/` labels and annotations on the objects it writes (for example `trust.cert-manager.io/bundle`), so `target.configMap.metadata` and `target.secret.metadata` may not set them. Other keys and values must be valid Kubernetes label and annotation syntax.',
    },
    check(context) {
      const target = asMap(specOf(context).target);
      if (!target) return;
      for (const kind of SOURCE_KINDS) {
        const base: FieldPath = ['spec', 'target', kind, 'metadata'];
        const metadata = asMap(asMap(target[kind])?.metadata);
        if (!metadata) continue;
        for (const field of ['annotations', 'labels'] as const) {
          for (const key of Object.keys(asMap(metadata[field]) ?? {})) {
            for (const prefix of RESERVED_PREFIXES) {
              if (key.startsWith(prefix)) {
                context.report([...base, field, { key }], fieldError.invalid(`${formatPath(base)}.${field}`, key, `${prefix}* ${field} are not allowed`), { anchor: 'key' });
              }
            }
          }
        }
        reportAll(context, metadataSyntaxProblems(metadata, base));
      }
    },
  },
  {
    id: 'bundle/label-selector',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'A source selector or the namespaceSelector is not a valid label selector.',
      details:
        'In `matchExpressions`, `In` and `NotIn` need `values`, while `Exists` and `DoesNotExist` must not have any; other operators (`Equals`, `in`) do not exist. Keys and values follow label syntax. An empty `namespaceSelector: {}` (or none) selects every namespace.',
    },
    check(context) {
      const s = specOf(context);
      asList(s.sources).forEach((entry, index) => {
        const source = asMap(entry);
        for (const kind of SOURCE_KINDS) {
          const ref = asMap(source?.[kind]);
          if (ref) reportAll(context, labelSelectorProblems(ref.selector, ['spec', 'sources', index, kind, 'selector']));
        }
      });
      reportAll(context, labelSelectorProblems(asMap(s.target)?.namespaceSelector, ['spec', 'target', 'namespaceSelector']));
    },
  },
  {
    id: 'bundle/jks-deprecated',
    severity: 'warning',
    layer: 'lint',
    kinds: KIND,
    doc: {
      summary: 'The target asks for a JKS truststore, a format deprecated since trust-manager v0.17.',
      details:
        'The Bundle CRD marks `additionalFormats.jks` as deprecated and subject to removal, and ClusterBundle (trust-manager.io/v1alpha2) has no JKS format at all. Java reads PKCS#12 truststores, so switch to `additionalFormats.pkcs12` (give it a `profile`: `LegacyDES` for the widest compatibility or `Modern2023`; the default `LegacyRC2` is not readable by OpenSSL 3 or Java 20 without legacy settings).',
    },
    check(context) {
      const jks = asMap(asMap(asMap(specOf(context).target)?.additionalFormats)?.jks);
      if (!jks) return;
      context.report(
        ['spec', 'target', 'additionalFormats', 'jks'],
        'additionalFormats.jks is deprecated since trust-manager v0.17 and subject to removal; migrate to additionalFormats.pkcs12 (Java reads PKCS#12 truststores)',
        { anchor: 'key' },
      );
    },
  },
  {
    id: 'bundle/inline-pem',
    severity: 'warning',
    layer: 'lint',
    kinds: KIND,
    doc: {
      summary: 'An `inLine` source holds something other than complete, parseable PEM certificates.',
      details:
        'The webhook accepts any text in `inLine`; trust-manager parses it when it builds the bundle, strictly. A block that is not a CERTIFICATE (such as an `RSA PRIVATE KEY`, trust-manager#335), a block with PEM headers, a certificate that does not parse, and a block it cannot decode at all (a body elided as `....` in documentation, a missing END line) fail the whole Bundle, so no target is updated: these are errors. Text without any PEM block is a warning: the source contributes nothing.',
    },
    check(context) {
      asList(specOf(context).sources).forEach((entry, index) => {
        const text = asString(asMap(entry)?.inLine);
        if (text === undefined || text === '') return; // the schema requires at least one character
        checkInlinePem(context, ['spec', 'sources', index, 'inLine'], text, 'Bundle');
      });
    },
  },
];
