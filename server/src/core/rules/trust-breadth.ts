// Lint rules for overly broad trust in Bundle and ClusterBundle: public CAs mixed into private trust,
// bundles copied into every namespace, sources that trust whatever later matches a selector, and
// PKCS#12 truststores that modern readers cannot open. Each reads one object on its own.
import { isMap, isPair, isScalar, type Node } from 'yaml';
import type { Fix } from '../findings';
import type { FieldPath } from '../model/path';
import { formatPath } from '../model/path';
import { locate } from '../model/value';
import { asList, asMap, asString, type JsonMap, specOf } from './access';
import type { Rule, RuleContext } from './types';

const BUNDLE_KINDS = ['Bundle', 'ClusterBundle'] as const;
const SOURCE_KINDS = ['configMap', 'secret'] as const;

/** Where a bundle asks for the public CAs, and whether it also holds private ones. */
interface TrustSources {
  readonly publicAt?: FieldPath;
  readonly hasPrivate: boolean;
}

function trustSources(context: RuleContext): TrustSources {
  const s = specOf(context);
  if (context.object.kind === 'ClusterBundle') {
    const provider = asString(asMap(s.defaultCAs)?.provider);
    return {
      publicAt: provider === 'System' ? ['spec', 'defaultCAs', 'provider'] : undefined,
      hasPrivate: asList(s.sourceRefs).length > 0 || (asString(s.inLineCAs) ?? '') !== '',
    };
  }
  let publicAt: FieldPath | undefined;
  let hasPrivate = false;
  asList(s.sources).forEach((entry, index) => {
    const source = asMap(entry);
    if (!source) return;
    if (source.useDefaultCAs === true) publicAt ??= ['spec', 'sources', index, 'useDefaultCAs'];
    if (asMap(source.configMap) || asMap(source.secret) || (asString(source.inLine) ?? '') !== '') hasPrivate = true;
  });
  return { publicAt, hasPrivate };
}

/** A selector that constrains nothing: no matchLabels entry and no matchExpressions item. */
function selectsEverything(selector: JsonMap): boolean {
  return Object.keys(asMap(selector.matchLabels) ?? {}).length === 0 && asList(selector.matchExpressions).length === 0;
}

/** The label key the quick fix proposes: a placeholder domain and the bundle name, within label limits. */
function selectorLabelKey(bundleName: string | undefined): string {
  const name = (bundleName ?? '').slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
  return `trust.example.com/${/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name) ? name : 'bundle'}`;
}

/**
 * Inserts `namespaceSelector: {matchLabels: {<key>: "true"}}` in block style under spec.target, or
 * fills an empty `namespaceSelector:` / `namespaceSelector: {}`. Flow-style targets and selectors
 * that already hold something get no fix.
 */
function namespaceSelectorFix(context: RuleContext): Fix[] | undefined {
  const { lines } = context;
  const doc = context.object.document.doc;
  const target = locate(context.object.node, ['spec', 'target'], doc);
  if (target.depth !== 2 || !isMap(target.value) || target.value.flow || !target.value.range) return undefined;
  const firstKey = target.value.items.find(isPair)?.key as Node | undefined;
  if (!firstKey?.range) return undefined;

  const pad = ' '.repeat(lines.positionAt(firstKey.range[0]).character);
  const eol = lines.text.includes('\r\n') ? '\r\n' : '\n';
  const labelKey = selectorLabelKey(context.object.name);
  const body = `${pad}  matchLabels:${eol}${pad}    ${labelKey}: "true"`;
  const title = `Select only namespaces labelled ${labelKey}: "true"`;

  const selector = locate(context.object.node, ['spec', 'target', 'namespaceSelector'], doc);
  if (selector.depth === 3) {
    const value = selector.value;
    const empty = !value || (isScalar(value) && value.value === null) || (isMap(value) && value.items.length === 0);
    if (!empty || !selector.key?.range) return undefined;
    const keyEnd = selector.key.range[1];
    const end = Math.max(keyEnd, value?.range?.[1] ?? keyEnd);
    return [{ title, edits: [{ range: lines.range(keyEnd, end), newText: `:${eol}${body}` }] }];
  }

  // After the last line holding content of spec.target (not a comment or blank line below it).
  let last = target.value.range[1] - 1;
  while (last > target.value.range[0] && /\s/.test(lines.text[last])) last--;
  const at = lines.lineEnd(lines.positionAt(last).line);
  return [{ title, edits: [{ range: lines.range(at, at), newText: `${eol}${pad}namespaceSelector:${eol}${body}` }] }];
}

export const trustBreadthRules: readonly Rule[] = [
  {
    id: 'bundle/public-cas-with-private',
    severity: 'warning',
    layer: 'lint',
    kinds: BUNDLE_KINDS,
    doc: {
      summary: 'The bundle mixes the public CAs (useDefaultCAs, defaultCAs System) with private CA sources.',
      details:
        'A bundle meant for internal mTLS should hold only the CAs that issue your workloads\' identities. Adding the public roots (Debian\'s ca-certificates package, Mozilla\'s list, about 150 CAs) means any certificate any of those CAs issues, for any name, is accepted by services that trust this bundle; for client authentication that lets anyone with a publicly trusted certificate in. The set also changes with trust-manager upgrades. Keep two bundles: one of private CAs for internal peers, and one of public CAs for clients that call public endpoints.',
    },
    check(context) {
      const { publicAt, hasPrivate } = trustSources(context);
      if (!publicAt || !hasPrivate) return;
      context.report(
        publicAt,
        `${formatPath(publicAt)} adds the public CAs to a bundle that also holds private CAs, so services trusting it accept any certificate any public CA issues; move the public CAs to a separate bundle for clients of public endpoints`,
      );
    },
  },
  {
    id: 'bundle/public-cas',
    severity: 'info',
    layer: 'lint',
    kinds: BUNDLE_KINDS,
    doc: {
      summary: 'The bundle holds only the public CAs.',
      details:
        'A bundle of only public CAs is right for workloads that call public endpoints, but it must never be used to authenticate internal peers: any public CA can issue a certificate for any name to anyone who controls a domain. Make sure no server uses this bundle to verify client certificates, and note that its contents follow the trust-manager release (the default CA package is not pinned).',
    },
    check(context) {
      const { publicAt, hasPrivate } = trustSources(context);
      if (!publicAt || hasPrivate) return;
      context.report(
        publicAt,
        `${formatPath(publicAt)} makes this a bundle of public CAs only, fit for calling public endpoints; never use it to verify internal peers or client certificates, since any public CA can issue for any name`,
      );
    },
  },
  {
    id: 'bundle/all-namespaces',
    severity: 'warning',
    layer: 'lint',
    kinds: BUNDLE_KINDS,
    doc: {
      summary: 'The bundle is written into every namespace (no or empty namespaceSelector).',
      details:
        'Without `target.namespaceSelector` (Bundle), or with one that has no `matchLabels` or `matchExpressions` (`{}`), trust-manager copies the bundle into every namespace, including ones created later. Every workload in the cluster then trusts these CAs, which is rarely what a per-tenant or per-service CA is for. Label the namespaces that need the bundle and select them; the quick fix inserts a `matchLabels` selector to adapt.',
    },
    check(context) {
      const target = asMap(specOf(context).target);
      if (!target) return; // a Bundle without target writes nothing; ClusterBundle requires one
      const selector = target.namespaceSelector;
      const fixes = namespaceSelectorFix(context);
      if (selector === undefined || selector === null) {
        if (context.object.kind === 'ClusterBundle') return; // the schema requires it
        context.report(
          ['spec', 'target'],
          'spec.target has no namespaceSelector, so trust-manager copies this bundle into every namespace, including future ones; add a namespaceSelector that matches only the namespaces whose workloads need these CAs',
          { anchor: 'key', fixes },
        );
        return;
      }
      const map = asMap(selector);
      if (!map || !selectsEverything(map)) return;
      context.report(
        ['spec', 'target', 'namespaceSelector'],
        'spec.target.namespaceSelector is empty and selects every namespace, including future ones; add matchLabels or matchExpressions that match only the namespaces whose workloads need these CAs',
        { anchor: 'key', fixes },
      );
    },
  },
  {
    id: 'bundle/selector-source',
    severity: 'info',
    layer: 'lint',
    kinds: BUNDLE_KINDS,
    doc: {
      summary: 'A source is chosen by label selector or takes every key, so what it trusts can grow unseen.',
      details:
        'A source with a `selector` reads every ConfigMap or Secret in the trust namespace that carries the labels, and `includeAllKeys: true` (ClusterBundle: `key: "*"`) reads every key of the object; both include whatever is added later. Anyone allowed to create or label such objects in the trust namespace can then add a CA that every target namespace trusts. Prefer sources by `name` and `key`, or restrict who may write to the trust namespace.',
    },
    check(context) {
      const trustNamespace = context.settings.trustNamespace;
      const s = specOf(context);
      if (context.object.kind === 'ClusterBundle') {
        asList(s.sourceRefs).forEach((entry, index) => {
          const ref = asMap(entry);
          if (!ref) return;
          const kind = asString(ref.kind) ?? 'object';
          const base: FieldPath = ['spec', 'sourceRefs', index];
          if (asMap(ref.selector)) {
            context.report([...base, 'selector'], selectorMessage([...base, 'selector'], kind, trustNamespace), { anchor: 'key' });
          }
          if (ref.key === '*') {
            context.report([...base, 'key'], `${formatPath([...base, 'key'])} "*" adds every key of the ${kind}, including keys added later; name the one key that holds the CA`);
          }
        });
        return;
      }
      asList(s.sources).forEach((entry, index) => {
        const source = asMap(entry);
        for (const kind of SOURCE_KINDS) {
          const ref = asMap(source?.[kind]);
          if (!ref) continue;
          const base: FieldPath = ['spec', 'sources', index, kind];
          const objectKind = kind === 'configMap' ? 'ConfigMap' : 'Secret';
          if (asMap(ref.selector)) {
            context.report([...base, 'selector'], selectorMessage([...base, 'selector'], objectKind, trustNamespace), { anchor: 'key' });
          }
          if (ref.includeAllKeys === true) {
            context.report(
              [...base, 'includeAllKeys'],
              `${formatPath([...base, 'includeAllKeys'])} adds every key of the ${objectKind}, including keys added later; read the one key that holds the CA (key: ca.crt, say)`,
            );
          }
        }
      });
    },
  },
  {
    id: 'bundle/pkcs12-legacy',
    severity: 'warning',
    layer: 'lint',
    kinds: BUNDLE_KINDS,
    doc: {
      summary: 'A PKCS#12 truststore uses the deprecated LegacyRC2 encryption, or sets a profile that an empty password overrides.',
      details:
        'With a password and no `profile`, a Bundle\'s PKCS#12 output uses `LegacyRC2`, which OpenSSL 3 and Java 20+ do not read by default; set `profile: LegacyDES` for the widest compatibility or `Modern2023` where policy requires modern algorithms. trust-manager writes a password-less store (no encryption and no integrity MAC) when the password is empty, which is the default: it then ignores `profile` (a warning when one is set), and a store without a MAC is readable by Java but by few other tools (an info). ClusterBundle entries with `format: PKCS12` default to LegacyDES; only an explicit LegacyRC2 and the password-less default are reported there.',
    },
    check(context) {
      const s = specOf(context);
      if (context.object.kind === 'ClusterBundle') {
        const target = asMap(s.target);
        for (const kind of SOURCE_KINDS) {
          asList(asMap(target?.[kind])?.data).forEach((entry, index) => {
            const data = asMap(entry);
            if (!data || data.format !== 'PKCS12') return;
            checkPkcs12(context, ['spec', 'target', kind, 'data', index], data, 'ClusterBundle');
          });
        }
        return;
      }
      const pkcs12 = asMap(asMap(asMap(s.target)?.additionalFormats)?.pkcs12);
      if (pkcs12) checkPkcs12(context, ['spec', 'target', 'additionalFormats', 'pkcs12'], pkcs12, 'Bundle');
    },
  },
];

function selectorMessage(path: FieldPath, kind: string, trustNamespace: string): string {
  return `${formatPath(path)} trusts every ${kind} in the trust namespace (${trustNamespace}) that carries these labels, now or later, so whoever can label a ${kind} there can add a CA; name the source instead, or restrict who may write to ${trustNamespace}`;
}

function checkPkcs12(context: RuleContext, path: FieldPath, entry: JsonMap, owner: 'Bundle' | 'ClusterBundle'): void {
  const at = formatPath(path);
  const password = asString(entry.password) ?? '';
  const profile = asString(entry.profile);
  if (password !== '') {
    if (profile === 'LegacyRC2') {
      context.report([...path, 'profile'], `${at}.profile LegacyRC2 is deprecated and not readable by default in OpenSSL 3 or Java 20+; use LegacyDES for the widest compatibility or Modern2023`);
    } else if (profile === undefined && owner === 'Bundle') {
      context.report(
        path,
        `${at} has no profile, so trust-manager encrypts it with LegacyRC2, which OpenSSL 3 and Java 20+ do not read by default; set profile: LegacyDES for the widest compatibility or Modern2023`,
        { anchor: 'key' },
      );
    }
    return;
  }
  if (profile !== undefined && owner === 'Bundle') {
    context.report(
      [...path, 'profile'],
      `${at}.profile is ignored because the password is empty: trust-manager writes a password-less store without encryption or MAC; set a password if you need the ${profile} algorithms`,
    );
    return;
  }
  context.report(
    'password' in entry ? [...path, 'password'] : path,
    `${at} has an empty password, so trust-manager writes a password-less store without an integrity MAC, which Java reads but many other tools refuse; set a password (any value, such as changeit) if non-Java clients read it`,
    { severity: 'info', anchor: 'password' in entry ? 'value' : 'key' },
  );
}
