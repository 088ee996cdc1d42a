// Lint rule for placeholders left in names, namespaces, DNS names, e-mail addresses, hosts and URLs:
// kustomize `$(VAR)`, envsubst/Flux `${VAR}`, documentation stand-ins (`<NAMESPACE>`, `...`,
// `your-domain-here`, `REPLACE_ME`). Most of these fields are free text to the cluster, so the
// object is accepted and fails later, or quietly issues a certificate for the placeholder.
import { isIP } from 'node:net';
import type { FieldPath } from '../model/path';
import { formatPath, segmentName } from '../model/path';
import type { JsonValue } from '../model/value';
import { asMap, asString } from './access';
import { clusterTrustBundleNameProblems } from './cluster-trust-bundle';
import { dns1123Label, dns1123Subdomain } from './k8s';
import type { Rule, RuleContext } from './types';

const ALL_KINDS = ['Certificate', 'CertificateRequest', 'Issuer', 'ClusterIssuer', 'Bundle', 'ClusterBundle', 'ClusterTrustBundle'] as const;
const NAMESPACED = new Set(['Certificate', 'CertificateRequest', 'Issuer']);

/** Keys under spec whose string value is a name, an address, a host or a URL. */
const SCALAR_FIELDS = new Set([
  'name',
  'namespace',
  'secretName',
  'commonName',
  'email',
  'server',
  'url',
  'host',
  'tokenEndpoint',
  'path',
  'role',
  'keyID',
  'project',
  'hostedZoneID',
  'hostedZoneName',
]);
/** Keys under spec whose items are names or addresses. */
const LIST_FIELDS = new Set(['dnsNames', 'ipAddresses', 'emailAddresses', 'uris', 'dnsZones']);
/** Free-form maps whose keys are not field names. */
const SKIPPED_MAPS = new Set(['labels', 'annotations', 'matchLabels', 'nodeSelector']);

type PlaceholderKind = 'kustomize' | 'envsubst' | 'ellipsis' | 'example';

interface Placeholder {
  readonly kind: PlaceholderKind;
  /** Every match of that kind in the value, as written. */
  readonly found: readonly string[];
}

const KUSTOMIZE = /\$\([A-Za-z_][A-Za-z0-9_.]*\)/g;
const ENVSUBST = /\$\{[A-Za-z_][A-Za-z0-9_.:=-]*\}/g;
/** What the engine treats as a template span (model/templates.ts): errors on those values are dropped. */
const ENGINE_MASKED = /\$\([A-Za-z_][A-Za-z0-9_.]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}/;
/** `<NAMESPACE>`, `<your email>`; an `<address@host>` is an address, not a placeholder. */
const ANGLE = /<(?![^<>\s@]+@[^<>\s]+>)[^<>\n]*[A-Za-z][^<>\n]*>/;
const ELLIPSIS = /\.\.\.|…/;
/** Whole-value stand-ins from documentation and examples. */
const EXAMPLE = [
  /(^|[^A-Za-z0-9])your([-_.]|domain|email|e-mail|company|org|name|host|server|app|service|namespace|secret|key|token|zone|project|cluster|ip)/i,
  /[-_]here($|[^A-Za-z0-9])/i,
  /(^|[^A-Za-z0-9])(replace|change)[-_ ]?me($|[^A-Za-z0-9])/i,
  /(^|[^A-Za-z0-9])x{4,}($|[^A-Za-z0-9])/i,
];

function findPlaceholder(value: string): Placeholder | undefined {
  const kustomize = value.match(KUSTOMIZE);
  if (kustomize) return { kind: 'kustomize', found: [...new Set(kustomize)] };
  const envsubst = value.match(ENVSUBST);
  if (envsubst) return { kind: 'envsubst', found: [...new Set(envsubst)] };
  const angle = ANGLE.exec(value);
  if (angle) return { kind: 'example', found: [angle[0]] };
  const ellipsis = ELLIPSIS.exec(value);
  if (ellipsis) return { kind: 'ellipsis', found: [ellipsis[0]] };
  return EXAMPLE.some((pattern) => pattern.test(value)) ? { kind: 'example', found: [value] } : undefined;
}

interface Candidate {
  readonly path: FieldPath;
  /** The key the value sits under (the list name for list items). */
  readonly field: string;
  readonly value: string;
}

function* candidates(value: JsonValue | undefined, path: FieldPath): Generator<Candidate> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* candidates(value[i], [...path, i]);
    return;
  }
  const map = asMap(value);
  if (!map) return;
  for (const [key, child] of Object.entries(map)) {
    if (SKIPPED_MAPS.has(key)) continue;
    if (typeof child === 'string' && SCALAR_FIELDS.has(key)) {
      yield { path: [...path, key], field: key, value: child };
    } else if (Array.isArray(child) && LIST_FIELDS.has(key)) {
      for (let i = 0; i < child.length; i++) {
        const item = child[i];
        if (typeof item === 'string') yield { path: [...path, key, i], field: key, value: item };
      }
    } else {
      yield* candidates(child, [...path, key]);
    }
  }
}

/**
 * Whether an error rule already rejects this value, so a placeholder warning would only repeat it.
 * Not asked for values the engine treats as templates (`$(VAR)`, `${VAR}`): it drops errors there.
 * Limitation: this knows the validated fields of the releases we emulate (object names and
 * namespaces, Certificate secretName, e-mail and IP SANs, Gateway parentRef namespaces); a field that gains a
 * pattern upstream may be reported twice until it is added.
 */
function alreadyRejected(context: RuleContext, candidate: Candidate): boolean {
  const { path, field, value } = candidate;
  const kind = context.object.kind ?? '';
  const top = path.map(segmentName).join('.');
  if (top === 'metadata.name') {
    return kind === 'ClusterTrustBundle'
      ? clusterTrustBundleNameProblems(value, asString(context.spec?.signerName) ?? '').length > 0
      : dns1123Subdomain(value).length > 0;
  }
  if (top === 'metadata.namespace') return !NAMESPACED.has(kind) || dns1123Label(value).length > 0;
  if (top === 'spec.secretName' && kind === 'Certificate') return dns1123Subdomain(value).length > 0;
  if (field === 'ipAddresses') return isIP(value) === 0;
  if (field === 'emailAddresses' && kind === 'Certificate') return !/^[^\s<>@]+@[^\s<>@]+$/.test(value);
  if (field === 'namespace' && path.some((s) => segmentName(s) === 'parentRefs')) return dns1123Label(value).length > 0;
  return false;
}

function message(at: string, placeholder: Placeholder): string {
  const { kind, found } = placeholder;
  const list = found.length === 1 ? found[0] : `${found.slice(0, -1).join(', ')} and ${found[found.length - 1]}`;
  const many = found.length > 1;
  if (kind === 'kustomize') {
    return `${at} still holds the kustomize variable${many ? 's' : ''} ${list}, which stay${many ? '' : 's'} literal unless kustomize vars or replacements substitute ${many ? 'them' : 'it'}; apply the output of kustomize build, or write the real value`;
  }
  if (kind === 'envsubst') {
    return `${at} still holds ${list}, which stay${many ? '' : 's'} literal unless envsubst, Flux post-build substitution or a similar step replaces ${many ? 'them' : 'it'}; apply the substituted output, or write the real value`;
  }
  if (kind === 'ellipsis') return `${at} holds "${found[0]}" where an example left the real value out; write the real value`;
  return `${at} holds the placeholder "${found[0]}" from an example; replace it with the real value`;
}

export const placeholderRules: readonly Rule[] = [
  {
    id: 'placeholder/unresolved',
    severity: 'warning',
    layer: 'lint',
    kinds: ALL_KINDS,
    doc: {
      summary: 'A name, namespace, DNS name, e-mail address, host or URL still holds a placeholder.',
      details:
        'Checked: `metadata.name` and `metadata.namespace`, and under `spec` every name, namespace, secretName, commonName, email, server, url, host, path, role, keyID and DNS-zone field, and the items of dnsNames, ipAddresses, emailAddresses, uris and dnsZones. Reported: kustomize variables `$(VAR)` (corpus: kubebuilder\'s `$(SERVICE_NAME).$(SERVICE_NAMESPACE).svc`), envsubst or Flux `${VAR}`, and stand-ins copied from documentation: `<NAMESPACE>`, `...`, `your-…`, `…-here`, `REPLACE_ME`, `changeme`, `XXXX`. Most of these fields are free text to the API server, so the object is accepted and then issues a certificate for the placeholder, or fails at run time. Apply the rendered output of kustomize or envsubst, or write the real value. Where an error already rejects the value (an invalid object name, say), that error is reported instead. Unlike other findings, this one is kept on `$(VAR)` and `${VAR}` values: it is the point of the rule.',
    },
    check(context) {
      const metadata = asMap(context.object.value.metadata);
      const found = [
        ...['name', 'namespace'].flatMap((key): Candidate[] => {
          const value = asString(metadata?.[key]);
          return value ? [{ path: ['metadata', key], field: key, value }] : [];
        }),
        ...candidates(context.spec, ['spec']),
      ];
      for (const candidate of found) {
        const placeholder = findPlaceholder(candidate.value);
        if (!placeholder) continue;
        if (!ENGINE_MASKED.test(candidate.value) && alreadyRejected(context, candidate)) continue;
        context.report(candidate.path, message(formatPath(candidate.path), placeholder));
      }
    },
  },
];
