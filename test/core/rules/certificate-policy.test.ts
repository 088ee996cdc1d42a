import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { analyze } from '../../../server/src/core/engine';
import type { Finding } from '../../../server/src/core/findings';
import type { EngineSettings } from '../../../server/src/core/settings';
import { WorkspaceIndex } from '../../../server/src/core/workspace/index';
import { certificate, expectFinding, ofRule, summary } from '../../helpers';

const base = `  secretName: web-tls
  issuerRef:
    name: internal-ca
    kind: Issuer
  dnsNames:
  - web.apps.svc
`;
const ca = `  secretName: tenant-ca
  isCA: true
  commonName: tenant-ca
  issuerRef:
    name: root
    kind: Issuer
`;

const ISSUERS = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: internal-ca
  namespace: apps
spec:
  ca:
    secretName: tenant-ca
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: letsencrypt
  namespace: apps
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: letsencrypt-account
    solvers:
    - http01:
        ingress:
          ingressClassName: nginx
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: acme-with-duration
  namespace: apps
spec:
  acme:
    server: https://acme.example.com/directory
    enableDurationFeature: true
    privateKeySecretRef:
      name: acme-account
    solvers:
    - http01:
        ingress:
          ingressClassName: nginx
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: selfsigned
  namespace: apps
spec:
  selfSigned: {}
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: selfsigned-cluster
spec:
  selfSigned: {}
`;

const RULES = [
  'certificate/ca-lifetime',
  'certificate/leaf-lifetime',
  'certificate/wildcard',
  'certificate/ca-with-leaf-usages',
  'certificate/missing-usage',
  'certificate/rotation-policy-never',
  'certificate/weak-key',
  'certificate/renew-before-ratio',
  'certificate/acme-duration',
  'certificate/acme-common-name',
  'certificate/self-signed-leaf',
];

/** Pinned so the RSA-2048-past-2030 check does not depend on the day the tests run. */
const NOW = Date.UTC(2026, 0, 1);

function workspace(): WorkspaceIndex {
  const index = new WorkspaceIndex();
  index.setText('file:///work/issuers.yaml', ISSUERS);
  return index;
}

function run(text: string, settings: Partial<EngineSettings> = {}, withIssuers = true): Finding[] {
  const where = withIssuers ? { uri: 'file:///work/certificate.yaml', workspace: workspace() } : {};
  return [...analyze(text, { now: NOW, ...settings }, where).findings];
}

const withIssuer = (name: string, kind = 'Issuer') => base.replace('name: internal-ca\n    kind: Issuer', `name: ${name}\n    kind: ${kind}`);

interface Case {
  readonly name: string;
  readonly yaml: string;
  /** Every finding of this file's rules, as `rule@field:severity`. */
  readonly expected: readonly string[];
  readonly message?: RegExp;
  readonly settings?: Partial<EngineSettings>;
  /** Lint the text on its own, without the issuers of the workspace. */
  readonly alone?: boolean;
}

const cases: readonly Case[] = [
  { name: 'a 90-day leaf from a CA issuer is quiet', yaml: certificate(base + `  duration: 2160h\n`), expected: [] },

  // certificate/ca-lifetime
  {
    name: 'a ten-year CA (corpus 07, 43)',
    yaml: certificate(ca + `  duration: 87600h\n  privateKey:\n    algorithm: ECDSA\n`),
    expected: ['certificate/ca-lifetime@spec.duration:warning'],
    message: /^spec\.duration 87600h \(about 10 years\) is longer than the 43800h \(about 5 years\) allowed for a CA/,
  },
  { name: 'a CA of exactly five years is within the limit (corpus 36)', yaml: certificate(ca + `  duration: 43800h\n  privateKey:\n    algorithm: ECDSA\n`), expected: [] },
  {
    name: 'maxCaLifetime comes from the settings',
    yaml: certificate(ca + `  duration: 17520h\n  privateKey:\n    algorithm: ECDSA\n`),
    settings: { maxCaLifetime: '8760h' },
    expected: ['certificate/ca-lifetime@spec.duration:warning'],
  },
  {
    name: 'a CertificateRequest for a ten-year CA',
    yaml: `apiVersion: cert-manager.io/v1\nkind: CertificateRequest\nmetadata:\n  name: ca\n  namespace: apps\nspec:\n  request: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K\n  isCA: true\n  duration: 87600h\n  issuerRef:\n    name: root\n`,
    expected: ['certificate/ca-lifetime@spec.duration:warning'],
  },

  // certificate/leaf-lifetime
  { name: 'a leaf of 180 days is a hint', yaml: certificate(base + `  duration: 4320h\n`), expected: ['certificate/leaf-lifetime@spec.duration:info'], message: /^spec\.duration 4320h \(180 days\) is longer than 2160h \(90 days\)/ },
  { name: 'a two-year leaf is a warning', yaml: certificate(base + `  duration: 17520h\n`), expected: ['certificate/leaf-lifetime@spec.duration:warning'], message: /longer than 9528h \(397 days\)/ },
  { name: 'a leaf without duration gets the 90-day default', yaml: certificate(base), expected: [] },
  { name: 'leaf thresholds come from the settings', yaml: certificate(base + `  duration: 720h\n`), settings: { leafLifetimeInfo: '168h', leafLifetimeWarning: '8760h' }, expected: ['certificate/leaf-lifetime@spec.duration:info'] },
  { name: 'an invalid duration is left to certificate/duration-format', yaml: certificate(base + `  duration: 365d\n`), expected: [] },

  // certificate/wildcard
  {
    name: 'a wildcard dnsName (corpus 32)',
    yaml: certificate(base + `  - "*.apps.svc"\n`),
    expected: ['certificate/wildcard@spec.dnsNames[1]:warning'],
    message: /^spec\.dnsNames\[1\] "\*\.apps\.svc" lets whoever holds this key impersonate every host under apps\.svc/,
  },
  { name: 'a quoted bare "*" matches nothing', yaml: certificate(base + `  - "*"\n`), expected: ['certificate/wildcard@spec.dnsNames[1]:error'], message: /is a bare "\*"/ },
  { name: 'a wildcard inside a label', yaml: certificate(base + `  - "web*.apps.svc"\n`), expected: ['certificate/wildcard@spec.dnsNames[1]:warning'], message: /somewhere other than the whole leftmost label/ },

  // certificate/ca-with-leaf-usages
  {
    name: 'a CA that is also a TLS server',
    yaml: certificate(ca + `  privateKey:\n    algorithm: ECDSA\n  usages:\n  - cert sign\n  - server auth\n`),
    expected: ['certificate/ca-with-leaf-usages@spec.usages[1]:warning'],
    message: /^spec\.usages\[1\] "server auth" makes this CA a TLS identity too/,
  },
  { name: 'a CA with signing usages only', yaml: certificate(ca + `  privateKey:\n    algorithm: ECDSA\n  usages:\n  - cert sign\n  - crl sign\n  - digital signature\n`), expected: [] },
  { name: 'a leaf with client auth is not a CA', yaml: certificate(base + `  usages:\n  - digital signature\n  - client auth\n`), expected: [] },

  // certificate/missing-usage
  {
    name: 'a TLS name with only code signing allowed',
    yaml: certificate(base + `  usages:\n  - digital signature\n  - code signing\n`),
    expected: ['certificate/missing-usage@spec.usages:warning'],
    message: /^spec\.usages allows only code signing, so TLS peers reject this certificate/,
  },
  {
    name: 'an S/MIME certificate with only e-mail names needs no TLS usage',
    yaml: certificate(`  secretName: mail\n  issuerRef:\n    name: internal-ca\n  emailAddresses:\n  - user@example.com\n  usages:\n  - digital signature\n  - email protection\n`),
    expected: [],
  },
  {
    name: 'server auth with key encipherment but no digital signature',
    yaml: certificate(base + `  usages:\n  - key encipherment\n  - server auth\n`),
    expected: ['certificate/missing-usage@spec.usages:warning'],
    message: /has key encipherment but not digital signature/,
  },
  { name: 'server auth alone has no key-usage extension to restrict it', yaml: certificate(base + `  usages:\n  - server auth\n`), expected: [] },
  { name: '"signing" counts as digital signature', yaml: certificate(base + `  usages:\n  - signing\n  - key encipherment\n  - server auth\n`), expected: [] },
  {
    name: 'key encipherment on an ECDSA key (corpus 11)',
    yaml: certificate(base + `  privateKey:\n    algorithm: ECDSA\n  usages:\n  - digital signature\n  - key encipherment\n  - client auth\n`),
    expected: ['certificate/missing-usage@spec.usages[1]:info'],
  },
  { name: 'key encipherment on an RSA key is meaningful', yaml: certificate(base + `  usages:\n  - digital signature\n  - key encipherment\n  - server auth\n  - client auth\n`), expected: [] },

  // certificate/rotation-policy-never
  {
    name: 'rotationPolicy Never',
    yaml: certificate(base + `  privateKey:\n    rotationPolicy: Never\n`),
    expected: ['certificate/rotation-policy-never@spec.privateKey.rotationPolicy:warning'],
    message: /^spec\.privateKey\.rotationPolicy Never reuses the same private key/,
  },
  { name: 'rotationPolicy Always', yaml: certificate(base + `  privateKey:\n    rotationPolicy: Always\n`), expected: [] },

  // certificate/weak-key
  {
    name: 'a ten-year CA on the default RSA 2048 key outlives 2030',
    yaml: certificate(ca + `  duration: 87600h\n`),
    expected: ['certificate/ca-lifetime@spec.duration:warning', 'certificate/weak-key@spec.isCA:warning'],
    message: /^spec\.duration/,
  },
  {
    name: 'an explicit RSA 2048 CA for five years and a day reaches 2031',
    yaml: certificate(ca + `  duration: 43824h\n  privateKey:\n    algorithm: RSA\n    size: 2048\n`),
    expected: ['certificate/ca-lifetime@spec.duration:warning', 'certificate/weak-key@spec.privateKey.size:warning'],
    message: /^spec\.duration/,
  },
  { name: 'a one-year RSA 2048 CA ends before 2031', yaml: certificate(ca + `  duration: 8760h\n`), expected: [] },
  { name: 'an RSA 4096 CA', yaml: certificate(ca + `  duration: 43800h\n  privateKey:\n    size: 4096\n`), expected: [] },
  { name: 'a leaf on RSA 2048 is fine', yaml: certificate(base), expected: [] },
  {
    name: 'PKCS1 key encoding written out (corpus 14, 32)',
    yaml: certificate(base + `  privateKey:\n    encoding: PKCS1\n`),
    expected: ['certificate/weak-key@spec.privateKey.encoding:info'],
  },
  { name: 'PKCS8 key encoding', yaml: certificate(base + `  privateKey:\n    encoding: PKCS8\n`), expected: [] },

  // certificate/renew-before-ratio
  {
    name: 'renewBefore of 20h on a 24h certificate',
    yaml: certificate(base + `  duration: 24h\n  renewBefore: 20h\n`),
    expected: ['certificate/renew-before-ratio@spec.renewBefore:warning'],
    message: /^spec\.renewBefore 20h is 83% of the 24h lifetime, so the certificate is renewed before a third of its life has passed/,
  },
  {
    name: 'renewBefore of two weeks on a ten-year CA (corpus 07)',
    yaml: certificate(ca + `  duration: 87600h\n  renewBefore: 336h\n  privateKey:\n    algorithm: ECDSA\n`),
    expected: ['certificate/ca-lifetime@spec.duration:warning', 'certificate/renew-before-ratio@spec.renewBefore:info'],
  },
  { name: 'renewBefore of 15 days on 90 (corpus 32)', yaml: certificate(base + `  duration: 2160h\n  renewBefore: 360h\n`), expected: [] },
  {
    name: 'renewBefore without duration is measured against the assumed 2160h',
    yaml: certificate(base + `  renewBefore: 1800h\n`),
    expected: ['certificate/renew-before-ratio@spec.renewBefore:warning'],
    message: /\(duration is not set, so 2160h is assumed\)/,
  },
  { name: 'renewBefore longer than duration is the webhook\'s error only', yaml: certificate(base + `  duration: 24h\n  renewBefore: 48h\n`), expected: [] },
  {
    name: 'renewBeforePercentage 80 keeps its documented meaning',
    yaml: certificate(base + `  duration: 24h\n  renewBeforePercentage: 80\n`),
    expected: ['certificate/renew-before-ratio@spec.renewBeforePercentage:warning'],
    message: /^spec\.renewBeforePercentage 80 renews with 80% of the 24h lifetime left/,
  },
  { name: 'renewBeforePercentage 5', yaml: certificate(base + `  duration: 2160h\n  renewBeforePercentage: 5\n`), expected: ['certificate/renew-before-ratio@spec.renewBeforePercentage:info'] },
  { name: 'renewBeforePercentage 30', yaml: certificate(base + `  renewBeforePercentage: 30\n`), expected: [] },
  { name: 'both renewal fields are the webhook\'s error only', yaml: certificate(base + `  duration: 24h\n  renewBefore: 20h\n  renewBeforePercentage: 90\n`), expected: [] },

  // certificate/acme-duration, certificate/acme-common-name
  {
    name: 'duration on a Certificate from an ACME issuer',
    yaml: certificate(withIssuer('letsencrypt') + `  duration: 4320h\n`),
    expected: ['certificate/acme-duration@spec.duration:info'],
    message: /^spec\.duration is not sent to the ACME server of Issuer letsencrypt/,
  },
  { name: 'duration with enableDurationFeature on the issuer', yaml: certificate(withIssuer('acme-with-duration') + `  duration: 24h\n`), expected: [] },
  { name: 'duration when the issuer is not in the workspace', yaml: certificate(withIssuer('letsencrypt') + `  duration: 24h\n`), alone: true, expected: [] },
  {
    name: 'ACME commonName missing from dnsNames (cert-manager#7889)',
    yaml: certificate(withIssuer('letsencrypt') + `  commonName: k8s.lab\n`),
    expected: ['certificate/acme-common-name@spec.commonName:error'],
    message: /"k8s\.lab" is not in spec\.dnsNames or spec\.ipAddresses, so the ACME issuer Issuer letsencrypt fails the order with "The CSR PEM requests a commonName that is not present in the list of dnsNames or ipAddresses": "k8s\.lab" does not exist in \[web\.apps\.svc\] or \[\]/,
  },
  { name: 'ACME commonName that is also a dnsName', yaml: certificate(withIssuer('letsencrypt') + `  commonName: web.apps.svc\n`), expected: [] },
  { name: 'ACME commonName that is an IP SAN', yaml: certificate(withIssuer('letsencrypt') + `  commonName: 10.0.0.1\n  ipAddresses:\n  - 10.0.0.1\n`), expected: [] },
  {
    name: 'ACME CN inside literalSubject',
    yaml: certificate(withIssuer('letsencrypt') + `  literalSubject: "CN=k8s.lab,O=Example"\n`),
    expected: ['certificate/acme-common-name@spec.literalSubject:error'],
  },
  { name: 'a commonName outside dnsNames is fine for a CA issuer', yaml: certificate(base + `  commonName: k8s.lab\n`), expected: [] },

  // certificate/self-signed-leaf
  {
    name: 'a leaf signed by a selfSigned issuer',
    yaml: certificate(withIssuer('selfsigned')),
    expected: ['certificate/self-signed-leaf@spec.issuerRef.name:warning'],
    message: /^spec\.issuerRef\.name points at the selfSigned Issuer selfsigned, so this leaf certificate signs itself/,
  },
  { name: 'a leaf signed by a selfSigned ClusterIssuer', yaml: certificate(withIssuer('selfsigned-cluster', 'ClusterIssuer')), expected: ['certificate/self-signed-leaf@spec.issuerRef.name:warning'] },
  { name: 'a CA bootstrapped by selfSigned (corpus 15)', yaml: certificate(ca.replace('name: root', 'name: selfsigned') + `  privateKey:\n    algorithm: ECDSA\n`), expected: [] },
  { name: 'a selfSigned issuer of the same name in another namespace does not count', yaml: certificate(withIssuer('selfsigned'), 'name: web\n  namespace: other'), expected: [] },
];

describe('certificate policy rules', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = run(c.yaml, c.settings, !c.alone);
      const got = findings.filter((f) => RULES.includes(f.rule)).map((f) => `${f.rule}@${f.field}:${f.severity}`).sort();
      assert.deepEqual(got, [...c.expected].sort(), findings.map((f) => `${f.rule}@${f.field}: ${f.message}`).join('\n'));
      if (c.message) {
        const [rule, field] = c.expected[0].replace(/:[a-z]+$/, '').split('@');
        expectFinding(findings, rule, field, c.message);
      }
    });
  }

  it('finds the issuer in the same file without a workspace (corpus 34 layout)', () => {
    const text = `${ISSUERS}---\n${certificate(withIssuer('selfsigned'))}`;
    expectFinding(run(text, {}, false), 'certificate/self-signed-leaf', 'spec.issuerRef.name');
  });

  it('a webhook serving certificate injected by cainjector is not a self-signed leaf finding', () => {
    const index = workspace();
    index.setText(
      'file:///work/webhook.yaml',
      'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: hooks\n  annotations:\n    cert-manager.io/inject-ca-from: apps/web\nwebhooks: []\n',
    );
    const findings = analyze(certificate(withIssuer('selfsigned')), { now: NOW }, { uri: 'file:///work/certificate.yaml', workspace: index }).findings;
    assert.deepEqual(ofRule(findings, 'certificate/self-signed-leaf'), []);
  });

  it('the unquoted bare * is a YAML alias, reported by the YAML layer and not here', () => {
    const findings = run(certificate(base + `  - *\n`));
    assert.deepEqual(ofRule(findings, 'certificate/wildcard'), []);
    assert.ok(findings.some((f) => f.rule === 'yaml/syntax'));
  });

  it('underlines the duration value', () => {
    const text = certificate(base + `  duration: 17520h\n`);
    const finding = expectFinding(run(text), 'certificate/leaf-lifetime', 'spec.duration');
    assert.equal(text.split('\n')[finding.range.start.line].slice(finding.range.start.character, finding.range.end.character), '17520h');
  });
});

/** Applies the edits of a finding's first fix (LSP line/character ranges), last edit first. */
function applyFix(text: string, finding: Finding): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const edits = [...finding.fixes![0].edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const edit of edits) out = out.slice(0, offset(edit.range.start)) + edit.newText + out.slice(offset(edit.range.end));
  return out;
}

function fixAndRelint(text: string, rule: string): { fixed: string; spec: Record<string, unknown> } {
  const [finding] = ofRule(run(text), rule);
  assert.ok(finding?.fixes?.length, `expected a fix for ${rule}`);
  const fixed = applyFix(text, finding);
  const docs = parseAllDocuments(fixed);
  for (const doc of docs) assert.deepEqual(doc.errors, [], `YAML errors in:\n${fixed}`);
  const after = run(fixed);
  assert.deepEqual(ofRule(after, rule), [], `still reported after the fix:\n${fixed}`);
  assert.deepEqual(summary(after, (f) => f.severity === 'error'), [], `errors after the fix:\n${fixed}`);
  return { fixed, spec: (docs[0].toJS() as { spec: Record<string, unknown> }).spec };
}

describe('certificate policy quick fixes', () => {
  it('sets rotationPolicy: Always', () => {
    const { spec } = fixAndRelint(certificate(base + `  privateKey:\n    rotationPolicy: Never # reuse\n`), 'certificate/rotation-policy-never');
    assert.deepEqual(spec.privateKey, { rotationPolicy: 'Always' });
  });

  it('adds the ACME commonName to a block dnsNames list', () => {
    const { spec } = fixAndRelint(certificate(withIssuer('letsencrypt') + `  commonName: k8s.lab\n`), 'certificate/acme-common-name');
    assert.deepEqual(spec.dnsNames, ['web.apps.svc', 'k8s.lab']);
  });

  it('adds it to a flow dnsNames list', () => {
    const text = certificate(`  secretName: web-tls\n  issuerRef:\n    name: letsencrypt\n  dnsNames: [web.apps.svc]\n  commonName: k8s.lab\n`);
    const { spec } = fixAndRelint(text, 'certificate/acme-common-name');
    assert.deepEqual(spec.dnsNames, ['web.apps.svc', 'k8s.lab']);
  });

  it('adds it to an indented block list with a comment after the last item', () => {
    const text = certificate(`  secretName: web-tls\n  issuerRef:\n    name: letsencrypt\n  dnsNames:\n    - web.apps.svc # main\n  # more later\n  commonName: k8s.lab\n`);
    const { fixed, spec } = fixAndRelint(text, 'certificate/acme-common-name');
    assert.match(fixed, /\n {4}- web\.apps\.svc # main\n {4}- k8s\.lab\n/);
    assert.deepEqual(spec.dnsNames, ['web.apps.svc', 'k8s.lab']);
  });

  it('creates dnsNames when there is none, quoting a wildcard', () => {
    const text = certificate(`  secretName: web-tls\n  issuerRef:\n    name: letsencrypt\n  commonName: "*.k8s.lab"\n  ipAddresses:\n  - 10.0.0.1\n`);
    const { spec } = fixAndRelint(text, 'certificate/acme-common-name');
    assert.deepEqual(spec.dnsNames, ['*.k8s.lab']);
  });

  it('adds an IP common name to ipAddresses', () => {
    const { spec } = fixAndRelint(certificate(withIssuer('letsencrypt') + `  commonName: 10.0.0.1\n`), 'certificate/acme-common-name');
    assert.deepEqual(spec.ipAddresses, ['10.0.0.1']);
  });
});
