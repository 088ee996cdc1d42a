// pem/* rules on real openssl-made certificates, in every kind of place they are embedded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze, analyzePem } from '../../../server/src/core/engine';
import type { Finding } from '../../../server/src/core/findings';
import { indent, Workshop, type Made } from '../../pki';
import { summary } from '../../helpers';

const bundle = (pem: string) => `apiVersion: trust.cert-manager.io/v1alpha1
kind: Bundle
metadata:
  name: internal
spec:
  sources:
  - inLine: |
${indent(pem, 6)}
  target:
    configMap:
      key: ca.crt
    namespaceSelector:
      matchLabels:
        trust: internal
`;

const DEBIAN = '/etc/ssl/certs/ca-certificates.crt';
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Applies LSP-style edits (line/character ranges) to a text, last first. */
function applyFixes(text: string, finding: Finding): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  const edits = [...finding.fixes![0].edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const edit of edits) out = out.slice(0, offset(edit.range.start)) + edit.newText + out.slice(offset(edit.range.end));
  return out;
}

function linesOf(text: string, finding: Finding): string[] {
  return text.split('\n').slice(finding.range.start.line, finding.range.end.line + 1).map((l) => l.trim());
}

describe('pem rules', () => {
  const w = new Workshop();
  let ca: Made;
  let other: Made;
  let leaf: Made;
  let expired: Made;
  let future: Made;
  let soon: Made;
  let sha1Leaf: Made;
  let sha1Root: Made;
  let weak: Made;
  let key: string;
  before(() => {
    ca = w.ca('root', { cn: 'Example Root CA' });
    other = w.ca('other', { cn: 'Other Root CA' });
    leaf = w.signed('leaf', ca, { cn: 'web.apps.svc' });
    expired = w.signed('expired', ca, { cn: 'Old Intermediate', extensions: 'ca', start: new Date('2020-01-01T00:00:00Z'), end: new Date('2021-06-01T00:00:00Z') });
    future = w.signed('future', ca, { cn: 'Next Intermediate', extensions: 'ca', start: new Date(Date.now() + 90 * 86400_000), end: new Date(Date.now() + 900 * 86400_000) });
    soon = w.signed('soon', ca, { cn: 'Ending Intermediate', extensions: 'ca', end: new Date(Date.now() + 10 * 86400_000) });
    sha1Leaf = w.signed('sha1', ca, { cn: 'Legacy Intermediate', extensions: 'ca', digest: 'sha1' });
    sha1Root = w.ca('sha1root', { cn: 'Legacy Root', digest: 'sha1' });
    weak = w.ca('weak', { cn: 'Weak Root', key: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'] });
    key = w.privateKeyPem('stray');
  });
  after(() => w.dispose());

  const pemFindings = (text: string) => analyze(text).findings.filter((f) => f.rule.startsWith('pem/'));

  it('a clean bundle of two CAs has no certificate findings', () => {
    assert.deepEqual(summary(pemFindings(bundle(ca.pem + other.pem))), []);
  });

  it('an expired CA, on its own lines, with the date openssl reads', () => {
    const text = bundle(ca.pem + expired.pem);
    const [finding] = pemFindings(text);
    assert.equal(finding.rule, 'pem/expired');
    const end = w.facts(expired).notAfter.toISOString().slice(0, 10);
    assert.match(finding.message, new RegExp(`^certificate CN=Old Intermediate \\(PEM block 2\\) expired on ${end}, \\d+ (years|months) ago`));
    const lines = linesOf(text, finding);
    assert.equal(lines[0], '-----BEGIN CERTIFICATE-----');
    assert.equal(lines[lines.length - 1], '-----END CERTIFICATE-----');
    assert.equal(lines.length, expired.pem.trim().split('\n').length);
  });

  it('removing the expired certificate leaves a valid bundle with the other one', () => {
    const text = bundle(ca.pem + expired.pem);
    const [finding] = pemFindings(text);
    const fixed = applyFixes(text, finding);
    const after = analyze(fixed);
    assert.deepEqual(summary(after.findings), []);
    assert.equal(after.sites[0].blocks.length, 1);
    assert.ok(fixed.includes(indent(ca.pem, 6)), 'the remaining certificate keeps its indentation');
  });

  it('a certificate that is not valid yet', () => {
    const [finding] = pemFindings(bundle(ca.pem + future.pem));
    assert.equal(finding.rule, 'pem/not-yet-valid');
    assert.match(finding.message, /is not valid until \d{4}-\d\d-\d\d, in (\d+ days|\d+ months)$/);
  });

  it('a certificate expiring within the window, and not with a shorter window', () => {
    const text = bundle(ca.pem + soon.pem);
    assert.deepEqual(summary(pemFindings(text)), ['pem/expiring-soon@spec.sources[0].inLine']);
    assert.deepEqual(summary(analyze(text, { expiryWarningDays: 5 }).findings), []);
  });

  it('judges expiry against a pinned time', () => {
    const text = bundle(ca.pem);
    const later = w.facts(ca).notAfter.getTime() + 86400_000;
    assert.deepEqual(summary(analyze(text, { now: later }).findings), ['pem/expired@spec.sources[0].inLine']);
  });

  it('a leaf certificate in a trust bundle', () => {
    const [finding] = pemFindings(bundle(ca.pem + leaf.pem));
    assert.equal(finding.rule, 'pem/not-ca');
    assert.equal(w.facts(leaf).isCA, false);
    assert.match(finding.message, /^certificate CN=web\.apps\.svc \(PEM block 2\) is not a CA/);
  });

  it('SHA-1: a warning on an intermediate, information on a self-signed root', () => {
    const findings = pemFindings(bundle(sha1Leaf.pem + sha1Root.pem));
    assert.deepEqual(
      findings.map((f) => `${f.rule}:${f.severity}`),
      ['pem/weak-signature:warning', 'pem/weak-signature:info'],
    );
    assert.equal(w.facts(sha1Root).signature, 'ecdsa-with-SHA1');
  });

  it('an RSA key of 1024 bits', () => {
    const [finding] = pemFindings(bundle(weak.pem));
    assert.equal(finding.rule, 'pem/weak-key');
    assert.equal(w.facts(weak).keyBits, 1024);
    assert.match(finding.message, /has a 1024-bit RSA key/);
  });

  it('the same certificate twice, and the fix removes the second copy', () => {
    const text = bundle(ca.pem + other.pem + ca.pem);
    const findings = pemFindings(text);
    assert.deepEqual(findings.map((f) => f.rule), ['pem/duplicate']);
    assert.match(findings[0].message, /\(PEM block 3\) repeats PEM block 1/);
    const fixed = applyFixes(text, findings[0]);
    assert.deepEqual(summary(pemFindings(fixed)), []);
    assert.equal(analyze(fixed).sites[0].blocks.length, 2);
  });

  it('a private key in a ConfigMap, removed by the fix', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ca\ndata:\n  ca.crt: |\n${indent(ca.pem + key, 4)}\n`;
    const findings = analyze(text).findings;
    assert.deepEqual(summary(findings), ['pem/private-key@data[ca.crt]']);
    assert.match(findings[0].message, /is a PRIVATE KEY in a ConfigMap, which is not secret/);
    const fixed = applyFixes(text, findings[0]);
    assert.ok(!fixed.includes('PRIVATE KEY'));
    assert.deepEqual(analyze(fixed).findings, []);
  });

  it('a TLS Secret: the key in tls.key is expected; a key in ca.crt is not', () => {
    const secret = (caCrt: string) =>
      `apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n  name: web-tls\ndata:\n  tls.crt: ${b64(leaf.pem + ca.pem)}\n  tls.key: ${b64(key)}\n  ca.crt: ${b64(caCrt)}\n`;
    assert.deepEqual(analyze(secret(ca.pem)).findings, []);
    assert.deepEqual(summary(analyze(secret(ca.pem + key)).findings), ['pem/private-key@data[ca.crt]']);
    assert.deepEqual(summary(analyze(secret(leaf.pem)).findings), ['pem/not-ca@data[ca.crt]']);
  });

  it('Secret data that is not base64 is rejected by the API server', () => {
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  ca.crt: "-----BEGIN CERTIFICATE----- not base64"\n`;
    const findings = analyze(text).findings;
    assert.deepEqual(summary(findings), ['pem/malformed@data[ca.crt]']);
  });

  it('a caBundle of an Issuer holding a leaf', () => {
    const text = `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: vault\nspec:\n  vault:\n    server: https://vault.example.com\n    path: pki/sign/web\n    caBundle: ${b64(leaf.pem)}\n    auth:\n      tokenSecretRef:\n        name: vault-token\n        key: token\n`;
    assert.deepEqual(summary(analyze(text).findings), ['pem/not-ca@spec.vault.caBundle']);
  });

  it('a webhook configuration caBundle with an expired CA', () => {
    const text = `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: x\nwebhooks:\n- name: x.example.com\n  clientConfig:\n    caBundle: ${b64(expired.pem)}\n`;
    assert.deepEqual(summary(analyze(text).findings), ['pem/expired@webhooks[0].clientConfig.caBundle']);
  });

  it('a certificate with a line missing, and one with a stray character, in a ConfigMap', () => {
    const configMap = (pem: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ca\ndata:\n  ca.crt: |\n${indent(pem, 4)}\n`;
    const lines = ca.pem.trim().split('\n');
    const missing = [...lines.slice(0, 3), ...lines.slice(4)].join('\n');
    const stray = [lines[0], `${lines[1].slice(0, 10)}!${lines[1].slice(11)}`, ...lines.slice(2)].join('\n');
    const [short] = analyze(configMap(missing)).findings.filter((f) => f.rule === 'pem/malformed');
    assert.match(short.message, /is valid base64 but not an X\.509 certificate/);
    const [bad] = analyze(configMap(stray)).findings.filter((f) => f.rule === 'pem/malformed');
    assert.match(bad.message, /does not decode: its body is not valid base64/);
  });

  it('a PEM file on its own', () => {
    const findings = analyzePem(ca.pem + expired.pem).findings;
    assert.deepEqual(findings.map((f) => f.rule), ['pem/expired']);
    assert.ok(findings[0].range.start.line >= ca.pem.trim().split('\n').length);
    assert.deepEqual(analyzePem('just some text\n').findings.map((f) => f.rule), ['pem/malformed']);
  });

  it('the Debian public bundle has no structural problem and its expired roots are flagged', () => {
    const text = bundle(readFileSync(DEBIAN, 'utf8'));
    const findings = analyze(text).findings;
    assert.equal(findings.filter((f) => f.rule === 'pem/expired').length, countExpiredWithOpenssl(w));
    assert.ok(!findings.some((f) => f.severity === 'error'));
  });
});

/** Counts expired certificates in the Debian bundle from openssl's printout of every notAfter. */
function countExpiredWithOpenssl(w: Workshop): number {
  const p7 = w.openssl(['crl2pkcs7', '-nocrl', '-certfile', DEBIAN]);
  const dump = w.openssl(['pkcs7', '-print_certs', '-text', '-noout'], p7);
  const ends = [...dump.matchAll(/Not After : (.+)$/gm)].map((m) => new Date(m[1]));
  return ends.filter((d) => d.getTime() < Date.now()).length;
}
