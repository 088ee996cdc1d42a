import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import type { Finding } from '../../../server/src/core/findings';
import { expectFinding, lint, ofRule, summary } from '../../helpers';

/** A Bundle named `internal-ca`; `spec` lines go under `spec:` (indent 2). */
function bundle(specLines: string, name = 'internal-ca'): string {
  return `apiVersion: trust.cert-manager.io/v1alpha1\nkind: Bundle\nmetadata:\n  name: ${name}\nspec:\n${specLines}`;
}

function clusterBundle(specLines: string): string {
  return `apiVersion: trust-manager.io/v1alpha2\nkind: ClusterBundle\nmetadata:\n  name: internal-ca\nspec:\n${specLines}`;
}

const secretSource = `  sources:\n  - secret:\n      name: root-ca\n      key: ca.crt\n`;
const publicSource = `  - useDefaultCAs: true\n`;
const selected = `  target:\n    configMap:\n      key: ca-bundle.crt\n    namespaceSelector:\n      matchLabels:\n        trust: internal\n`;
const cbTarget = `  target:\n    configMap:\n      data:\n      - key: ca.crt\n    namespaceSelector:\n      matchLabels:\n        trust: internal\n`;

const RULES = ['bundle/public-cas-with-private', 'bundle/public-cas', 'bundle/all-namespaces', 'bundle/selector-source', 'bundle/pkcs12-legacy'];
const ours = (f: Finding) => RULES.includes(f.rule);

/** Applies the edits of a finding's first fix (LSP line/character ranges), last edit first. */
function applyFix(text: string, finding: Finding): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const edits = [...finding.fixes![0].edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const edit of edits) out = out.slice(0, offset(edit.range.start)) + edit.newText + out.slice(offset(edit.range.end));
  return out;
}

function assertValidYaml(text: string): void {
  for (const doc of parseAllDocuments(text.replace(/\r\n/g, '\n'))) assert.deepEqual(doc.errors, [], `YAML errors in:\n${text}`);
}

interface Case {
  readonly name: string;
  readonly yaml: string;
  /** `rule@field` of every finding of this file's rules, or with `:severity` when it matters. */
  readonly expected: readonly string[];
  readonly message?: RegExp;
}

const cases: readonly Case[] = [
  { name: 'a private CA to selected namespaces is quiet', yaml: bundle(secretSource + selected), expected: [] },
  {
    name: 'public CAs next to a private CA Secret',
    yaml: bundle(secretSource + publicSource + selected),
    expected: ['bundle/public-cas-with-private@spec.sources[1].useDefaultCAs:warning'],
    message: /^spec\.sources\[1\]\.useDefaultCAs adds the public CAs to a bundle that also holds private CAs/,
  },
  {
    name: 'public CAs next to an inLine CA',
    yaml: bundle(`  sources:\n${publicSource}  - inLine: |\n      -----BEGIN CERTIFICATE-----\n      -----END CERTIFICATE-----\n` + selected),
    expected: ['bundle/public-cas-with-private@spec.sources[0].useDefaultCAs:warning'],
  },
  {
    name: 'public CAs only (corpus 03) is a hint, not a warning',
    yaml: bundle(`  sources:\n${publicSource}` + selected),
    expected: ['bundle/public-cas@spec.sources[0].useDefaultCAs:info'],
    message: /never use it to verify internal peers/,
  },
  {
    name: 'useDefaultCAs: false next to a private CA adds nothing public',
    yaml: bundle(secretSource + `  - useDefaultCAs: false\n` + selected),
    expected: [],
  },
  {
    name: 'ClusterBundle: defaultCAs System with inLineCAs',
    yaml: clusterBundle(`  defaultCAs:\n    provider: System\n  inLineCAs: |\n    x\n` + cbTarget),
    expected: ['bundle/public-cas-with-private@spec.defaultCAs.provider:warning'],
  },
  {
    name: 'ClusterBundle: defaultCAs System alone',
    yaml: clusterBundle(`  defaultCAs:\n    provider: System\n` + cbTarget),
    expected: ['bundle/public-cas@spec.defaultCAs.provider:info'],
  },
  {
    name: 'ClusterBundle: defaultCAs Disabled with sourceRefs',
    yaml: clusterBundle(`  defaultCAs:\n    provider: Disabled\n  sourceRefs:\n  - kind: Secret\n    name: root-ca\n    key: ca.crt\n` + cbTarget),
    expected: [],
  },
  {
    name: 'no namespaceSelector sends the bundle everywhere (corpus 04)',
    yaml: bundle(secretSource + `  target:\n    configMap:\n      key: ca-bundle.crt\n`),
    expected: ['bundle/all-namespaces@spec.target:warning'],
    message: /^spec\.target has no namespaceSelector, so trust-manager copies this bundle into every namespace/,
  },
  {
    name: 'an empty namespaceSelector {} selects everything too (corpus 61)',
    yaml: bundle(secretSource + `  target:\n    configMap:\n      key: ca-bundle.crt\n    namespaceSelector: {}\n`),
    expected: ['bundle/all-namespaces@spec.target.namespaceSelector:warning'],
  },
  {
    name: 'a selector with empty matchLabels and matchExpressions selects everything (corpus 12)',
    yaml: clusterBundle(`  sourceRefs:\n  - kind: Secret\n    name: root-ca\n    key: ca.crt\n  target:\n    configMap:\n      data:\n      - key: ca.crt\n    namespaceSelector:\n      matchLabels: {}\n      matchExpressions: []\n`),
    expected: ['bundle/all-namespaces@spec.target.namespaceSelector:warning'],
  },
  {
    name: 'a matchExpressions selector narrows the bundle',
    yaml: bundle(secretSource + `  target:\n    configMap:\n      key: ca-bundle.crt\n    namespaceSelector:\n      matchExpressions:\n      - key: tenant\n        operator: In\n        values: [a]\n`),
    expected: [],
  },
  {
    name: 'a Bundle without a target writes nothing anywhere',
    yaml: bundle(secretSource),
    expected: [],
  },
  {
    name: 'a ClusterBundle without namespaceSelector is left to the schema',
    yaml: clusterBundle(`  sourceRefs:\n  - kind: Secret\n    name: root-ca\n    key: ca.crt\n  target:\n    configMap:\n      data:\n      - key: ca.crt\n`),
    expected: [],
  },
  {
    name: 'a Secret source chosen by label selector',
    yaml: bundle(`  sources:\n  - secret:\n      selector:\n        matchLabels:\n          fruit: apple\n      key: ca.crt\n` + selected),
    expected: ['bundle/selector-source@spec.sources[0].secret.selector:info'],
    message: /trusts every Secret in the trust namespace \(cert-manager\) that carries these labels/,
  },
  {
    name: 'a ConfigMap source with includeAllKeys',
    yaml: bundle(`  sources:\n  - configMap:\n      name: regional-cas\n      includeAllKeys: true\n` + selected),
    expected: ['bundle/selector-source@spec.sources[0].configMap.includeAllKeys:info'],
  },
  {
    name: 'ClusterBundle sourceRefs by selector and with key "*"',
    yaml: clusterBundle(
      `  sourceRefs:\n  - kind: ConfigMap\n    selector:\n      matchLabels:\n        fruit: apple\n    key: ca.crt\n  - kind: Secret\n    name: regional-cas\n    key: "*"\n` + cbTarget,
    ),
    expected: ['bundle/selector-source@spec.sourceRefs[0].selector:info', 'bundle/selector-source@spec.sourceRefs[1].key:info'],
  },
  {
    name: 'PKCS#12 with a password but no profile gets LegacyRC2 (corpus 61)',
    yaml: bundle(secretSource + selected + `    additionalFormats:\n      pkcs12:\n        key: bundle.p12\n        password: "123"\n`),
    expected: ['bundle/pkcs12-legacy@spec.target.additionalFormats.pkcs12:warning'],
    message: /has no profile, so trust-manager encrypts it with LegacyRC2, which OpenSSL 3 and Java 20\+ do not read by default/,
  },
  {
    name: 'PKCS#12 with a password and an explicit LegacyRC2 profile',
    yaml: bundle(secretSource + selected + `    additionalFormats:\n      pkcs12:\n        key: bundle.p12\n        password: changeit\n        profile: LegacyRC2\n`),
    expected: ['bundle/pkcs12-legacy@spec.target.additionalFormats.pkcs12.profile:warning'],
  },
  {
    name: 'PKCS#12 with a password and Modern2023 is fine',
    yaml: bundle(secretSource + selected + `    additionalFormats:\n      pkcs12:\n        key: bundle.p12\n        password: changeit\n        profile: Modern2023\n`),
    expected: [],
  },
  {
    name: 'PKCS#12 with password "" ignores its profile',
    yaml: bundle(secretSource + selected + `    additionalFormats:\n      pkcs12:\n        key: bundle.p12\n        password: ""\n        profile: Modern2023\n`),
    expected: ['bundle/pkcs12-legacy@spec.target.additionalFormats.pkcs12.profile:warning'],
    message: /profile is ignored because the password is empty/,
  },
  {
    name: 'PKCS#12 with password "" and no profile is password-less (a hint)',
    yaml: bundle(secretSource + selected + `    additionalFormats:\n      pkcs12:\n        key: bundle.p12\n        password: ""\n`),
    expected: ['bundle/pkcs12-legacy@spec.target.additionalFormats.pkcs12.password:info'],
  },
  {
    name: 'ClusterBundle PKCS12 data with LegacyRC2',
    yaml: clusterBundle(
      `  sourceRefs:\n  - kind: Secret\n    name: root-ca\n    key: ca.crt\n  target:\n    secret:\n      data:\n      - key: bundle.p12\n        format: PKCS12\n        password: changeit\n        profile: LegacyRC2\n    namespaceSelector:\n      matchLabels:\n        trust: internal\n`,
    ),
    expected: ['bundle/pkcs12-legacy@spec.target.secret.data[0].profile:warning'],
  },
  {
    name: 'ClusterBundle PKCS12 data with a password and no profile defaults to LegacyDES',
    yaml: clusterBundle(
      `  sourceRefs:\n  - kind: Secret\n    name: root-ca\n    key: ca.crt\n  target:\n    configMap:\n      data:\n      - key: bundle.p12\n        format: PKCS12\n        password: changeit\n    namespaceSelector:\n      matchLabels:\n        trust: internal\n`,
    ),
    expected: [],
  },
];

describe('trust breadth rules (Bundle, ClusterBundle)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = lint(c.yaml);
      const got = findings.filter(ours).map((f) => `${f.rule}@${f.field}`).sort();
      const wanted = c.expected.map((e) => e.replace(/:[a-z]+$/, '')).sort();
      assert.deepEqual(got, wanted);
      for (const e of c.expected.filter((x) => /:[a-z]+$/.test(x))) {
        const [key, severity] = e.split(/:(?=[a-z]+$)/);
        const [rule, field] = key.split('@');
        assert.equal(expectFinding(findings, rule, field).severity, severity, e);
      }
      if (c.message) {
        const [rule, field] = c.expected[0].replace(/:[a-z]+$/, '').split('@');
        expectFinding(findings, rule, field, c.message);
      }
    });
  }

  it('the trust namespace in messages follows the setting', () => {
    const text = bundle(`  sources:\n  - secret:\n      selector:\n        matchLabels:\n          fruit: apple\n      key: ca.crt\n` + selected);
    expectFinding(lint(text, { trustNamespace: 'trust' }), 'bundle/selector-source', 'spec.sources[0].secret.selector', /trust namespace \(trust\)/);
  });
});

describe('bundle/all-namespaces quick fix', () => {
  function fixAndRelint(text: string): string {
    const [finding] = ofRule(lint(text), 'bundle/all-namespaces');
    assert.ok(finding?.fixes?.length, 'expected a quick fix');
    const fixed = applyFix(text, finding);
    assertValidYaml(fixed);
    const after = lint(fixed);
    assert.deepEqual(ofRule(after, 'bundle/all-namespaces'), [], `still reported after the fix:\n${fixed}`);
    assert.deepEqual(summary(after, (f) => f.severity === 'error'), [], `the fix introduced errors:\n${fixed}`);
    return fixed;
  }

  it('inserts a namespaceSelector under spec.target when there is none', () => {
    const fixed = fixAndRelint(bundle(secretSource + `  target:\n    configMap:\n      key: ca-bundle.crt\n`));
    assert.match(fixed, /\n {2}target:\n {4}configMap:\n {6}key: ca-bundle.crt\n {4}namespaceSelector:\n {6}matchLabels:\n {8}trust\.example\.com\/internal-ca: "true"\n$/);
  });

  it('keeps the file\'s indentation when spec.target is indented by four', () => {
    const text = `apiVersion: trust.cert-manager.io/v1alpha1\nkind: Bundle\nmetadata:\n    name: wide\nspec:\n    sources:\n    -   secret:\n            name: root-ca\n            key: ca.crt\n    target:\n        configMap:\n            key: ca.crt\n        # trailing comment\n`;
    const fixed = fixAndRelint(text);
    assert.match(fixed, /\n {12}key: ca.crt\n {8}namespaceSelector:\n {10}matchLabels:\n {12}trust\.example\.com\/wide: "true"\n {8}# trailing comment\n$/);
  });

  it('fills an empty namespaceSelector: {} in place, keeping its comment', () => {
    const fixed = fixAndRelint(bundle(secretSource + `  target:\n    namespaceSelector: {} # everywhere\n    configMap:\n      key: ca-bundle.crt\n`));
    assert.match(fixed, /\n {4}namespaceSelector:\n {6}matchLabels:\n {8}trust\.example\.com\/internal-ca: "true" # everywhere\n {4}configMap:\n/);
  });

  it('fills a namespaceSelector key without a value', () => {
    fixAndRelint(bundle(secretSource + `  target:\n    namespaceSelector:\n    configMap:\n      key: ca-bundle.crt\n`));
  });

  it('works in a CRLF file and keeps its line endings', () => {
    const text = bundle(secretSource + `  target:\n    configMap:\n      key: ca-bundle.crt\n`).replace(/\n/g, '\r\n');
    const fixed = fixAndRelint(text);
    assert.doesNotMatch(fixed, /[^\r]\n/, 'every line break is still CRLF');
    assert.match(fixed, /\r\n {4}namespaceSelector:\r\n {6}matchLabels:\r\n/);
  });

  it('fixes the empty selector of a ClusterBundle', () => {
    fixAndRelint(clusterBundle(`  sourceRefs:\n  - kind: Secret\n    name: root-ca\n    key: ca.crt\n  target:\n    configMap:\n      data:\n      - key: ca.crt\n    namespaceSelector: {}\n`));
  });

  it('offers no fix for a flow-style target', () => {
    const [finding] = ofRule(lint(bundle(secretSource + `  target: {configMap: {key: ca.crt}}\n`)), 'bundle/all-namespaces');
    assert.ok(finding);
    assert.equal(finding.fixes, undefined);
  });

  it('a long bundle name is cut to a valid label key', () => {
    const name = `${'a'.repeat(62)}-b.example.com`;
    const fixed = fixAndRelint(bundle(secretSource + `  target:\n    configMap:\n      key: ca-bundle.crt\n`, name));
    assert.match(fixed, new RegExp(`trust\\.example\\.com/${'a'.repeat(62)}: "true"`));
  });
});
