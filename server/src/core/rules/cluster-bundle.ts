// Rules for ClusterBundle (trust-manager.io/v1alpha2, preview). No webhook serves this API: the CRD's
// schema and CEL rules (evaluated by the engine) are all the API server checks. These lint rules
// add what it would only discover at run time, and say that the API itself is not served yet.
import type { FieldPath } from '../model/path';
import { asList, asMap, asString, specOf } from './access';
import { checkInlinePem, labelSelectorProblems, metadataSyntaxProblems, type Problem } from './bundle';
import type { Rule, RuleContext } from './types';

const KIND = ['ClusterBundle'] as const;
const TARGET_KINDS = ['configMap', 'secret'] as const;

const NO_WEBHOOK = 'nothing checks this at admission for ClusterBundle, so trust-manager would only fail when it writes the targets';

function reportLint(context: RuleContext, problems: readonly Problem[]): void {
  for (const p of problems) context.report(p.path, `${p.message} (${NO_WEBHOOK})`, { anchor: p.anchor });
}

export const clusterBundleRules: readonly Rule[] = [
  {
    id: 'cluster-bundle/preview-api',
    severity: 'warning',
    layer: 'lint',
    kinds: KIND,
    doc: {
      summary: 'ClusterBundle is a preview API that trust-manager v0.24 does not install or serve.',
      details:
        'The `trust-manager.io/v1alpha2` ClusterBundle CRD exists in the trust-manager repository, but the v0.24 Helm chart does not install it and no controller reconciles it, so most clusters answer "no matches for kind ClusterBundle". Its fields have changed between drafts (`includeDefaultCAs` and `sources` became `defaultCAs.provider` and `sourceRefs`). Use a `trust.cert-manager.io/v1alpha1` Bundle for now, or silence this rule if you installed the CRD on purpose.',
    },
    check(context) {
      context.report(
        ['apiVersion'],
        'ClusterBundle (trust-manager.io/v1alpha2) is a preview API: trust-manager v0.24 neither installs its CRD with the Helm chart nor serves it, so most clusters answer "no matches for kind ClusterBundle"; use a trust.cert-manager.io/v1alpha1 Bundle unless you installed the CRD yourself',
      );
    },
  },
  {
    id: 'cluster-bundle/no-sources',
    severity: 'warning',
    layer: 'lint',
    kinds: KIND,
    doc: {
      summary: 'The ClusterBundle has no source of certificates at all.',
      details:
        'Unlike Bundle, no rule requires a ClusterBundle to have a source: with no `sourceRefs`, no `inLineCAs` and `defaultCAs` absent or `Disabled`, every target would receive an empty bundle. Fields from older drafts (`includeDefaultCAs`, `sources`) are dropped by the API server and do not count.',
    },
    check(context) {
      if (!context.spec) return;
      const s = specOf(context);
      const hasRefs = asList(s.sourceRefs).length > 0;
      const hasInline = (asString(s.inLineCAs) ?? '') !== '';
      const provider = asString(asMap(s.defaultCAs)?.provider);
      if (hasRefs || hasInline || provider === 'System') return;
      context.report(
        ['spec'],
        'spec defines no source (no sourceRefs, no inLineCAs, and defaultCAs.provider is not System), so every target would receive an empty bundle',
        { anchor: 'key' },
      );
    },
  },
  {
    id: 'cluster-bundle/inline-pem',
    severity: 'warning',
    layer: 'lint',
    kinds: KIND,
    doc: {
      summary: '`spec.inLineCAs` holds something other than complete, parseable PEM certificates.',
      details:
        'The same strict parsing as for a Bundle `inLine` source: a non-CERTIFICATE block (such as a private key), PEM headers or a certificate that does not parse fail the whole ClusterBundle (errors). A body elided as `....`, a block without its END line, or text without PEM are warnings here, because no released trust-manager reconciles ClusterBundle yet.',
    },
    check(context) {
      const text = asString(specOf(context).inLineCAs);
      if (text === undefined || text === '') return;
      checkInlinePem(context, ['spec', 'inLineCAs'], text, 'ClusterBundle');
    },
  },
  {
    id: 'cluster-bundle/label-selector',
    severity: 'warning',
    layer: 'lint',
    kinds: KIND,
    doc: {
      summary: 'A sourceRefs selector or the namespaceSelector is not a valid label selector.',
      details:
        'The CRD does not validate selectors and ClusterBundle has no webhook, so an expression such as `operator: In` without `values` is accepted and only fails when trust-manager turns it into a selector. `In`/`NotIn` need values, `Exists`/`DoesNotExist` must have none, and keys and values follow label syntax.',
    },
    check(context) {
      const s = specOf(context);
      asList(s.sourceRefs).forEach((entry, index) => {
        const ref = asMap(entry);
        if (ref) reportLint(context, labelSelectorProblems(ref.selector, ['spec', 'sourceRefs', index, 'selector']));
      });
      reportLint(context, labelSelectorProblems(asMap(s.target)?.namespaceSelector, ['spec', 'target', 'namespaceSelector']));
    },
  },
  {
    id: 'cluster-bundle/target-metadata',
    severity: 'warning',
    layer: 'lint',
    kinds: KIND,
    doc: {
      summary: 'Target labels or annotations are not valid Kubernetes syntax.',
      details:
        'The CRD only forbids the `trust-manager.io/` prefix. Keys and values copied onto the target ConfigMaps and Secrets must still be valid label and annotation syntax, or the API server rejects every target trust-manager writes.',
    },
    check(context) {
      const target = asMap(specOf(context).target);
      if (!target) return;
      for (const kind of TARGET_KINDS) {
        const base: FieldPath = ['spec', 'target', kind, 'metadata'];
        reportLint(context, metadataSyntaxProblems(asMap(target[kind])?.metadata, base));
      }
    },
  },
];
