// An analysis that reuses the previous one's chunks must report exactly what a fresh one does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type Analysis } from '../../server/src/core/engine';
import { generateManifests } from '../../bench/generate';

function comparable(analysis: Analysis) {
  return analysis.findings.map((f) => ({ ...f, object: f.object && { ...f.object } }));
}

describe('incremental analysis', () => {
  const base = generateManifests(600).replace('duration: 24h', 'duration: 30m');

  const edits: [string, (text: string) => string][] = [
    ['an edit inside one document', (t) => t.replace('service-4.team-4.svc\n', 'service-4x.team-4.svc\n')],
    ['an edit that breaks a value', (t) => t.replace('renewBefore: 8h', 'renewBefore: 1m')],
    ['a line inserted at the top (every chunk moves)', (t) => `# comment\n${t}`],
    ['a document removed', (t) => t.replace(/---\napiVersion: apps\/v1[\s\S]*?(?=---)/, '')],
    ['a document duplicated', (t) => t + '---\n' + t.split('---\n')[8]],
    ['a syntax error introduced', (t) => t.replace('  secretName: service-2-tls', '  secretName: service-2-tls\n   broken: indent')],
    ['an issuer renamed (cross-object rules change elsewhere)', (t) => t.replace('name: team-3-ca\nspec', 'name: team-3-renamed\nspec')],
  ];

  for (const [name, edit] of edits) {
    it(`matches a fresh analysis after ${name}`, () => {
      const previous = analyze(base, {}, { uri: 'file:///a.yaml' });
      const edited = edit(base);
      assert.notEqual(edited, base);
      const reused = analyze(edited, {}, { uri: 'file:///a.yaml', previous });
      const fresh = analyze(edited, {}, { uri: 'file:///a.yaml' });
      assert.deepEqual(comparable(reused), comparable(fresh));
      // Objects' nodes were moved, not re-parsed, where the text did not change.
      const shared = reused.chunks.filter((c) => previous.chunks.includes(c)).length;
      assert.ok(shared > 0);
    });
  }

  it('a chain of edits keeps matching', () => {
    let text = base;
    let previous = analyze(text, {}, { uri: 'file:///b.yaml' });
    for (let i = 0; i < 5; i++) {
      text = text.replace(`service-${i * 2}.team`, `svc-${i * 2}.team`).replace('rotationPolicy: Always', 'rotationPolicy: Never');
      const reused = analyze(text, {}, { uri: 'file:///b.yaml', previous });
      assert.deepEqual(comparable(reused), comparable(analyze(text, {}, { uri: 'file:///b.yaml' })));
      previous = reused;
    }
  });

  it('settings changes are not served from the cache', () => {
    const previous = analyze(base, {}, { uri: 'file:///c.yaml' });
    const off = analyze(base, { rules: { 'certificate/duration': 'off' } }, { uri: 'file:///c.yaml', previous });
    assert.ok(previous.findings.some((f) => f.rule === 'certificate/duration'));
    assert.ok(!off.findings.some((f) => f.rule === 'certificate/duration'));
  });
});

describe('objects nothing checks are outlined, not parsed', () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  template: {{ broken: yaml that no one parses
---
apiVersion: v1
kind: Service
metadata:
  labels:
    name: not-this-one
  name: "web-svc"
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: apps
spec:
  secretName: web-tls
  duration: 30m
  dnsNames: [web.apps.svc]
  issuerRef: {name: ca, kind: ClusterIssuer}
`;

  it('lists every object in order, with the name where it is written', () => {
    const plain = text.replace('{{ broken', 'broken');
    const analysis = analyze(plain);
    assert.deepEqual(
      analysis.outline.map((o) => `${o.kind} ${o.namespace ?? ''}/${o.name}`),
      ['Deployment apps/web', 'Service /web-svc', 'Certificate apps/web'],
    );
    const service = analysis.outline[1];
    assert.equal(plain.slice(service.nameRange[0], service.nameRange[1]), 'web-svc');
    assert.equal(analysis.resources.length, 1, 'only the Certificate was parsed');
  });

  it('reports the same findings as before for the objects it checks', () => {
    const rules = analyze(text.replace('{{ broken', 'broken')).findings.map((f) => f.rule);
    assert.deepEqual(rules, ['certificate/duration']);
  });
});
