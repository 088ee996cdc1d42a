// Structural schema and CEL, through the engine, with the API server's wording.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { certificate, expectFinding, lint, summary } from '../../helpers';

const issuer = (acme: string) => `apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: le
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: le-key
${acme}`;

const bundle = (sources: string, extra = '') => `apiVersion: trust.cert-manager.io/v1alpha1
kind: Bundle
metadata:
  name: internal
spec:
  sources:
${sources}
  target:
    configMap:
      key: ca.crt
    namespaceSelector:
      matchLabels:
        trust: internal
${extra}`;

const base = '  secretName: web-tls\n  issuerRef:\n    name: ca\n  dnsNames: [web.example.com]\n';

describe('structural schema', () => {
  it('suggests the right case for a misspelt field (ingressclassName)', () => {
    const text = issuer('    solvers:\n    - http01:\n        ingress:\n          ingressclassName: nginx\n');
    const finding = expectFinding(
      lint(text),
      'schema/unknown-field',
      'spec.acme.solvers[0].http01.ingress.ingressclassName',
      'unknown field "spec.acme.solvers[0].http01.ingress.ingressclassName"; did you mean "ingressClassName"?',
    );
    assert.equal(finding.fixes?.[0].edits[0].newText, 'ingressClassName');
  });

  it('lists the supported values of an enum, case-sensitively', () => {
    expectFinding(
      lint(certificate(base + '  privateKey:\n    algorithm: ecdsa\n')),
      'schema/enum',
      'spec.privateKey.algorithm',
      'spec.privateKey.algorithm: Unsupported value: "ecdsa": supported values: "RSA", "ECDSA", "Ed25519"',
    );
  });

  it('reads YAML 1.1 booleans as Kubernetes does (the Norway problem)', () => {
    expectFinding(
      lint(certificate(base + '  subject:\n    countries: [NO]\n')),
      'schema/type',
      'spec.subject.countries[0]',
      'spec.subject.countries[0]: Invalid value: "boolean": spec.subject.countries[0] in body must be of type string: "boolean"',
    );
  });

  it('reports a number where a string is required', () => {
    expectFinding(lint(certificate(base + '  duration: 2160\n')), 'schema/type', 'spec.duration', /must be of type string: "integer"$/);
  });

  it('checks patterns (renewal window duration)', () => {
    const text = certificate(base + '  renewal:\n    policy: RenewBefore\n    windows:\n    - cron: "@daily"\n      windowDuration: 2d\n');
    expectFinding(lint(text), 'schema/pattern', 'spec.renewal.windows[0].windowDuration', /in body should match '\^\(\[0-9\]\+/);
  });

  it('checks format: byte (a caBundle must be base64, not PEM)', () => {
    const text = issuer('    caBundle: "-----BEGIN CERTIFICATE-----"\n    solvers: []\n');
    expectFinding(lint(text), 'schema/format', 'spec.acme.caBundle', /in body must be of type byte/);
  });

  it('treats a null field as missing, as the API server prunes it', () => {
    const findings = lint(certificate('  secretName:\n  issuerRef:\n    name: ca\n  dnsNames: [a.example.com]\n'));
    assert.deepEqual(summary(findings), ['schema/required@spec.secretName']);
  });

  it('underlines the parent key of a missing required field', () => {
    const text = certificate('  secretName: x\n  issuerRef:\n    kind: Issuer\n  dnsNames: [a.example.com]\n');
    const finding = expectFinding(lint(text), 'schema/required', 'spec.issuerRef.name', 'spec.issuerRef.name: Required value');
    assert.equal(text.split('\n')[finding.range.start.line].trim(), 'issuerRef:');
  });

  it('reports string and list lengths', () => {
    expectFinding(lint(bundle('  - configMap:\n      name: ""\n      key: ca.crt')), 'schema/length', 'spec.sources[0].configMap.name', /should be at least 1 chars long/);
    expectFinding(lint(bundle('  - inLine: x').replace('  sources:\n  - inLine: x', '  sources: []')), 'schema/length', 'spec.sources', /should have at least 1 items/);
  });
});

describe('CEL rules from the CRDs', () => {
  it('a Bundle source with two source types', () => {
    expectFinding(
      lint(bundle('  - inLine: "x"\n    useDefaultCAs: true')),
      'cel/validation',
      'spec.sources[0]',
      'spec.sources[0]: Invalid value: exactly one of the fields in [configMap secret inLine useDefaultCAs] must be set',
    );
  });

  it('a Bundle configMap source with both name and selector', () => {
    expectFinding(
      lint(bundle('  - configMap:\n      name: a\n      selector:\n        matchLabels: {a: b}\n      key: ca.crt')),
      'cel/validation',
      'spec.sources[0].configMap',
      /exactly one of the fields in \[name selector\] must be set/,
    );
  });

  it('useDefaultCAs: false counts as set for the CRD (trust-manager#133)', () => {
    const findings = lint(bundle('  - useDefaultCAs: false'));
    assert.ok(!findings.some((f) => f.rule === 'cel/validation'));
  });

  it('a Bundle target with neither configMap nor secret', () => {
    const text = bundle('  - inLine: x').replace('    configMap:\n      key: ca.crt\n', '');
    expectFinding(lint(text), 'cel/validation', 'spec.target', /at least one of the fields in \[configMap secret\] must be set/);
  });

  it('a ClusterBundle PEM entry with a password (fieldPath points at the field)', () => {
    const text = `apiVersion: trust-manager.io/v1alpha2
kind: ClusterBundle
metadata:
  name: internal
spec:
  defaultCAs:
    provider: Disabled
  target:
    namespaceSelector:
      matchLabels: {trust: internal}
    configMap:
      data:
      - key: ca.crt
        password: secret
`;
    expectFinding(lint(text), 'cel/validation', 'spec.target.configMap.data[0].password', "spec.target.configMap.data[0].password: Forbidden: may only be set when format is 'PKCS12'");
  });

  it('a ClusterBundle with the same target key twice (keyed list)', () => {
    const text = `apiVersion: trust-manager.io/v1alpha2
kind: ClusterBundle
metadata:
  name: internal
spec:
  defaultCAs:
    provider: Disabled
  target:
    namespaceSelector:
      matchLabels: {trust: internal}
    configMap:
      data:
      - key: foo
      - key: foo
`;
    expectFinding(lint(text), 'schema/duplicate', 'spec.target.configMap.data[1]', 'spec.target.configMap.data[1]: Duplicate value: {"key":"foo"}');
  });
});
