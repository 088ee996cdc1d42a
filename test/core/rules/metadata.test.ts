import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, lint, summary } from '../../helpers';

const issuer = (metadata: string, kind = 'Issuer') => `apiVersion: cert-manager.io/v1
kind: ${kind}
metadata:
${metadata}
spec:
  selfSigned: {}
`;

const cases: { name: string; text: string; expected: string[]; message?: string | RegExp }[] = [
  { name: 'a valid name and namespace', text: issuer('  name: selfsigned\n  namespace: sandbox'), expected: [] },
  {
    name: 'a documentation ellipsis as the name',
    text: issuer('  name: ...'),
    expected: ['metadata/name@metadata.name'],
    message: /^metadata\.name: Invalid value: "\.\.\.": a lowercase RFC 1123 subdomain must consist of/,
  },
  { name: 'an upper-case name', text: issuer('  name: SelfSigned'), expected: ['metadata/name@metadata.name'] },
  { name: 'no name and no generateName', text: issuer('  labels: {a: b}'), expected: ['metadata/name@metadata.name'], message: 'metadata.name: Required value: name or generateName is required' },
  { name: 'generateName instead of a name', text: issuer('  generateName: selfsigned-'), expected: [] },
  {
    name: 'a placeholder left as the namespace',
    text: issuer('  name: x\n  namespace: <NAMESPACE>'),
    expected: ['metadata/namespace@metadata.namespace'],
    message: /^metadata\.namespace: Invalid value: "<NAMESPACE>": a lowercase RFC 1123 label/,
  },
  {
    name: 'a namespace on a cluster-scoped ClusterIssuer is ignored',
    text: issuer('  name: x\n  namespace: cert-manager', 'ClusterIssuer'),
    expected: ['metadata/namespace-on-cluster-scoped@metadata.namespace'],
    message: 'metadata.namespace is ignored: ClusterIssuer is cluster-scoped; remove it',
  },
  { name: 'a label value with a space', text: issuer('  name: x\n  labels:\n    team: platform team'), expected: ['metadata/labels@metadata.labels[team]'] },
  { name: 'a label key with two slashes', text: issuer('  name: x\n  labels:\n    a/b/c: x'), expected: ['metadata/labels@metadata.labels[a/b/c]'] },
  { name: 'a 64-character label value', text: issuer(`  name: x\n  labels:\n    team: ${'a'.repeat(64)}`), expected: ['metadata/labels@metadata.labels[team]'], message: /must be no more than 63 characters/ },
  { name: 'an annotation key with an invalid prefix', text: issuer('  name: x\n  annotations:\n    Example_Corp/owner: me'), expected: ['metadata/annotations@metadata.annotations[Example_Corp/owner]'] },
  { name: 'valid labels and annotations', text: issuer('  name: x\n  labels:\n    app.kubernetes.io/name: web\n  annotations:\n    example.com/owner: "Platform Team"'), expected: [] },
];

describe('metadata rules', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = lint(c.text);
      assert.deepEqual(summary(findings, (f) => f.layer === 'metadata'), [...c.expected].sort());
      if (c.message) expectFinding(findings, c.expected[0].split('@')[0], c.expected[0].split('@')[1], c.message);
    });
  }
});
