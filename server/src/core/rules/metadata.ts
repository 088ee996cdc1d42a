// metadata: names, namespaces, labels and annotations, as the API server validates ObjectMeta.
import { formatPath } from '../model/path';
import type { JsonValue } from '../model/value';
import { dns1123Label, dns1123Subdomain, fieldError, labelValue, qualifiedName } from './k8s';
import type { Rule, RuleContext } from './types';

const ALL_KINDS = ['Certificate', 'CertificateRequest', 'Issuer', 'ClusterIssuer', 'Bundle', 'ClusterBundle', 'ClusterTrustBundle'] as const;
const NAMESPACED = new Set(['Certificate', 'CertificateRequest', 'Issuer']);

function metadataOf(context: RuleContext): { readonly [key: string]: JsonValue } | undefined {
  const metadata = context.object.value.metadata;
  return metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : undefined;
}

export const metadataRules: readonly Rule[] = [
  {
    id: 'metadata/name',
    severity: 'error',
    layer: 'metadata',
    // ClusterTrustBundle names follow their own rule (signer-name prefix), in its rule family.
    kinds: ALL_KINDS.filter((k) => k !== 'ClusterTrustBundle'),
    doc: {
      summary: 'metadata.name is missing or is not a valid object name.',
      details:
        'Object names of these kinds must be lowercase RFC 1123 subdomains: lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit, at most 253 characters. Placeholders copied from documentation (`...`, `<NAME>`) fail this check.',
    },
    check(context) {
      const metadata = metadataOf(context);
      const name = metadata?.name;
      if (name === undefined || name === null || name === '') {
        if (typeof metadata?.generateName === 'string' && metadata.generateName) return;
        context.report(['metadata', 'name'], fieldError.required('metadata.name', 'name or generateName is required'), { anchor: 'missing' });
        return;
      }
      if (typeof name !== 'string') return; // the schema reports the type
      for (const problem of dns1123Subdomain(name)) {
        context.report(['metadata', 'name'], fieldError.invalid('metadata.name', name, problem));
      }
    },
  },
  {
    id: 'metadata/namespace',
    severity: 'error',
    layer: 'metadata',
    kinds: [...NAMESPACED] as Rule['kinds'],
    doc: {
      summary: 'metadata.namespace is not a valid namespace name.',
      details:
        'Namespace names are lowercase RFC 1123 labels: lowercase letters, digits and `-`, at most 63 characters. A documentation placeholder such as `<NAMESPACE>` left in place fails here.',
    },
    check(context) {
      const namespace = metadataOf(context)?.namespace;
      if (typeof namespace !== 'string' || namespace === '') return;
      for (const problem of dns1123Label(namespace)) {
        context.report(['metadata', 'namespace'], fieldError.invalid('metadata.namespace', namespace, problem));
      }
    },
  },
  {
    id: 'metadata/namespace-on-cluster-scoped',
    severity: 'warning',
    layer: 'metadata',
    kinds: ALL_KINDS.filter((k) => !NAMESPACED.has(k)),
    doc: {
      summary: 'metadata.namespace is set on a cluster-scoped object and is ignored.',
      details:
        'ClusterIssuer, Bundle, ClusterBundle and ClusterTrustBundle live outside namespaces; the API server drops the namespace. It often signals a misunderstanding: a Bundle reads its sources from the trust namespace (cert-manager by default), not from this one. Remove the field.',
    },
    check(context) {
      const namespace = metadataOf(context)?.namespace;
      if (typeof namespace !== 'string' || namespace === '') return;
      const kind = context.object.kind;
      const extra =
        kind === 'Bundle' || kind === 'ClusterBundle'
          ? ' (sources are read from the trust namespace, cert-manager by default, whatever this says)'
          : '';
      context.report(['metadata', 'namespace'], `metadata.namespace is ignored: ${kind} is cluster-scoped${extra}; remove it`, { anchor: 'key' });
    },
  },
  {
    id: 'metadata/labels',
    severity: 'error',
    layer: 'metadata',
    kinds: ALL_KINDS,
    doc: {
      summary: 'A label key or value is not valid.',
      details:
        'Label keys are an optional DNS-subdomain prefix and `/` followed by a name of at most 63 characters; values are at most 63 characters of letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit. Quote values YAML would read as numbers or booleans.',
    },
    check(context) {
      const labels = metadataOf(context)?.labels;
      if (!labels || typeof labels !== 'object' || Array.isArray(labels)) return;
      for (const [key, value] of Object.entries(labels)) {
        const path = ['metadata', 'labels', { key }] as const;
        for (const problem of qualifiedName(key)) {
          context.report(path, fieldError.invalid('metadata.labels', key, problem), { anchor: 'key' });
        }
        if (typeof value === 'string') {
          for (const problem of labelValue(value)) context.report(path, fieldError.invalid(formatPath(path), value, problem));
        }
      }
    },
  },
  {
    id: 'metadata/annotations',
    severity: 'error',
    layer: 'metadata',
    kinds: ALL_KINDS,
    doc: {
      summary: 'An annotation key is not valid, or the annotations are too large.',
      details:
        'Annotation keys follow the label-key syntax (optional DNS-subdomain prefix, `/`, a name of at most 63 characters); all annotations together may hold at most 256 KiB.',
    },
    check(context) {
      const annotations = metadataOf(context)?.annotations;
      if (!annotations || typeof annotations !== 'object' || Array.isArray(annotations)) return;
      let size = 0;
      for (const [key, value] of Object.entries(annotations)) {
        size += key.length + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
        for (const problem of qualifiedName(key.toLowerCase())) {
          context.report(['metadata', 'annotations', { key }], fieldError.invalid('metadata.annotations', key, problem), { anchor: 'key' });
        }
      }
      if (size > 256 * 1024) {
        context.report(['metadata', 'annotations'], `metadata.annotations: Too long: must have at most 262144 bytes`, { anchor: 'key' });
      }
    },
  },
];
