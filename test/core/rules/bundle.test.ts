import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { expectFinding, lint, summary } from '../../helpers';

/** A Bundle named `trust`; `spec` lines go under `spec:` (indent 2). */
function bundle(specLines: string, name = 'trust'): string {
  return `apiVersion: trust.cert-manager.io/v1alpha1\nkind: Bundle\nmetadata:\n  name: ${name}\nspec:\n${specLines}`;
}

const target = `  target:\n    configMap:\n      key: ca-bundle.crt\n`;
const secretSource = `  sources:\n  - secret:\n      name: root-ca\n      key: ca.crt\n`;

interface Case {
  readonly name: string;
  readonly spec: string;
  readonly bundleName?: string;
  /** `rule@field` of every webhook-layer finding expected. */
  readonly expected: readonly string[];
  readonly message?: string | RegExp;
}

const webhookCases: readonly Case[] = [
  { name: 'a plain Bundle passes', spec: secretSource + target, expected: [] },
  {
    name: 'configMap source with neither key nor includeAllKeys',
    spec: `  sources:\n  - configMap:\n      name: cas\n` + target,
    expected: ['bundle/source-key@spec.sources[0].configMap'],
    message: `spec.sources[0].configMap: Invalid value: "key: ' ', includeAllKeys: false": source configMap key must be defined when includeAllKeys is false`,
  },
  {
    name: 'includeAllKeys: false without a key',
    spec: `  sources:\n  - secret:\n      name: cas\n      includeAllKeys: false\n` + target,
    expected: ['bundle/source-key@spec.sources[0].secret'],
    message: `spec.sources[0].secret: Invalid value: "key: ' ', includeAllKeys: false": source secret key must be defined when includeAllKeys is false`,
  },
  {
    name: 'secret source with both key and includeAllKeys',
    spec: `  sources:\n  - secret:\n      name: cas\n      key: ca.crt\n      includeAllKeys: true\n` + target,
    expected: ['bundle/source-key@spec.sources[0].secret'],
    message: `spec.sources[0].secret: Invalid value: "key: ca.crt, includeAllKeys: true": source secret key cannot be defined when includeAllKeys is true`,
  },
  { name: 'includeAllKeys alone is fine', spec: `  sources:\n  - configMap:\n      name: cas\n      includeAllKeys: true\n` + target, expected: [] },
  {
    name: 'useDefaultCAs: false as the only source (trust-manager#133)',
    spec: `  sources:\n  - useDefaultCAs: false\n` + target,
    expected: ['bundle/sources@spec.sources'],
    message: 'spec.sources: Forbidden: must define at least one source',
  },
  { name: 'useDefaultCAs: false next to a real source is allowed since v0.6', spec: secretSource + `  - useDefaultCAs: false\n` + target, expected: [] },
  {
    name: 'useDefaultCAs asked twice, once true and once false',
    spec: `  sources:\n  - useDefaultCAs: true\n  - useDefaultCAs: false\n` + target,
    expected: ['bundle/sources@spec.sources'],
    message: 'spec.sources: Forbidden: must request default CAs either once or not at all but got 2 requests',
  },
  {
    name: 'an empty source item is left to the CRD rule, not reported as "no source"',
    spec: `  sources:\n  - {}\n` + target,
    expected: [],
  },
  {
    name: 'configMap source reads the Bundle\'s own target key',
    spec: `  sources:\n  - configMap:\n      name: trust\n      key: ca-bundle.crt\n` + target,
    expected: ['bundle/source-is-target@spec.sources[0].configMap.trust.ca-bundle.crt'],
    message: 'spec.sources[0].configMap.trust.ca-bundle.crt: Forbidden: cannot define the same source as target',
  },
  {
    name: 'secret source reads the Bundle\'s own secret target',
    spec: `  sources:\n  - secret:\n      name: trust\n      key: bundle.pem\n  target:\n    secret:\n      key: bundle.pem\n`,
    expected: ['bundle/source-is-target@spec.sources[0].secret.trust.bundle.pem'],
  },
  {
    name: 'a Secret source named like the Bundle with a ConfigMap target is fine (trust-manager#29 layout)',
    spec: `  sources:\n  - secret:\n      name: trust\n      key: ca-bundle.crt\n` + target,
    expected: [],
  },
  {
    name: 'JKS key equal to the configMap key',
    spec: secretSource + target + `    additionalFormats:\n      jks:\n        key: ca-bundle.crt\n`,
    expected: ['bundle/target-keys@spec.target.additionalFormats.jks.key'],
    message: 'spec.target.additionalFormats.jks.key: Invalid value: "ca-bundle.crt": key must be unique across all target output keys',
  },
  {
    name: 'PKCS#12 key equal to the secret key',
    spec: secretSource + target + `    secret:\n      key: bundle.p12\n    additionalFormats:\n      pkcs12:\n        key: bundle.p12\n`,
    expected: ['bundle/target-keys@spec.target.additionalFormats.pkcs12.key'],
  },
  {
    name: 'JKS and PKCS#12 with the same key',
    spec: secretSource + target + `    additionalFormats:\n      jks:\n        key: cacerts\n      pkcs12:\n        key: cacerts\n`,
    expected: ['bundle/target-keys@spec.target.additionalFormats.pkcs12.key'],
    message: 'spec.target.additionalFormats.pkcs12.key: Invalid value: "cacerts": key must be unique across all target output keys',
  },
  {
    name: 'configMap and secret targets may share a key',
    spec: secretSource + target + `    secret:\n      key: ca-bundle.crt\n    additionalFormats:\n      pkcs12:\n        key: bundle.p12\n`,
    expected: [],
  },
  {
    name: 'reserved trust.cert-manager.io annotation on the target',
    spec: secretSource + target + `      metadata:\n        annotations:\n          trust.cert-manager.io/hash: x\n`,
    expected: ['bundle/target-metadata@spec.target.configMap.metadata.annotations[trust.cert-manager.io/hash]'],
    message: 'spec.target.configMap.metadata.annotations: Invalid value: "trust.cert-manager.io/hash": trust.cert-manager.io/* annotations are not allowed',
  },
  {
    name: 'reserved trust-manager.io label on the target',
    spec: secretSource + target + `      metadata:\n        labels:\n          trust-manager.io/bundle: x\n`,
    expected: ['bundle/target-metadata@spec.target.configMap.metadata.labels[trust-manager.io/bundle]'],
    message: 'spec.target.configMap.metadata.labels: Invalid value: "trust-manager.io/bundle": trust-manager.io/* labels are not allowed',
  },
  {
    name: 'a look-alike prefix is not reserved',
    spec: secretSource + target + `      metadata:\n        labels:\n          not-trust-manager.io/bundle: x\n`,
    expected: [],
  },
  {
    name: 'target label value with a space',
    spec: secretSource + target + `      metadata:\n        labels:\n          team: platform team\n`,
    expected: ['bundle/target-metadata@spec.target.configMap.metadata.labels[team]'],
    message: /^spec\.target\.configMap\.metadata\.labels: Invalid value: "platform team": a valid label must be an empty string or consist of alphanumeric characters/,
  },
  {
    name: 'target annotation key with two slashes',
    spec: secretSource + target + `      metadata:\n        annotations:\n          example.com/a/b: x\n`,
    expected: ['bundle/target-metadata@spec.target.configMap.metadata.annotations[example.com/a/b]'],
  },
  {
    name: 'namespaceSelector expression In without values',
    spec: secretSource + target + `    namespaceSelector:\n      matchExpressions:\n      - key: env\n        operator: In\n`,
    expected: ['bundle/label-selector@spec.target.namespaceSelector.matchExpressions[0].values'],
    message: "spec.target.namespaceSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
  },
  {
    name: 'source selector expression Exists with values',
    spec: `  sources:\n  - secret:\n      selector:\n        matchExpressions:\n        - key: ca\n          operator: Exists\n          values: ["true"]\n      key: ca.crt\n` + target,
    expected: ['bundle/label-selector@spec.sources[0].secret.selector.matchExpressions[0].values'],
    message: "spec.sources[0].secret.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
  },
  {
    name: 'selector operator written as Equals',
    spec: secretSource + target + `    namespaceSelector:\n      matchExpressions:\n      - key: env\n        operator: Equals\n        values: [prod]\n`,
    expected: ['bundle/label-selector@spec.target.namespaceSelector.matchExpressions[0].operator'],
    message: 'spec.target.namespaceSelector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
  },
  {
    name: 'matchLabels key with a space',
    spec: secretSource + target + `    namespaceSelector:\n      matchLabels:\n        "linkerd inject": enabled\n`,
    expected: ['bundle/label-selector@spec.target.namespaceSelector.matchLabels[linkerd inject]'],
  },
  { name: 'an empty namespaceSelector selects all namespaces', spec: secretSource + target + `    namespaceSelector: {}\n`, expected: [] },
];

describe('bundle webhook rules', () => {
  for (const c of webhookCases) {
    it(c.name, () => {
      const findings = lint(bundle(c.spec, c.bundleName));
      assert.deepEqual(summary(findings, (f) => f.layer === 'webhook'), [...c.expected].sort());
      if (c.message) expectFinding(findings, c.expected[0].split('@')[0], c.expected[0].split('@')[1], c.message);
    });
  }

  it('the same-source finding underlines the configMap key of that source', () => {
    const text = bundle(`  sources:\n  - configMap:\n      name: trust\n      key: ca-bundle.crt\n` + target);
    const finding = expectFinding(lint(text), 'bundle/source-is-target', 'spec.sources[0].configMap.trust.ca-bundle.crt');
    const line = text.split('\n')[finding.range.start.line];
    assert.equal(line.slice(finding.range.start.character, finding.range.end.character), 'configMap');
  });
});

describe('bundle/jks-deprecated', () => {
  it('warns on a JKS output', () => {
    const findings = lint(bundle(secretSource + target + `    additionalFormats:\n      jks:\n        key: bundle.jks\n`));
    const finding = expectFinding(findings, 'bundle/jks-deprecated', 'spec.target.additionalFormats.jks', /deprecated since trust-manager v0\.17/);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.layer, 'lint');
  });

  it('says nothing about PKCS#12', () => {
    const findings = lint(bundle(secretSource + target + `    additionalFormats:\n      pkcs12:\n        key: bundle.p12\n`));
    assert.deepEqual(summary(findings, (f) => f.rule === 'bundle/jks-deprecated'), []);
  });
});

// ---------------------------------------------------------------------------------------------
// inLine PEM, with certificates and keys generated by openssl for this run only.

let dir = '';
const pem: Record<string, string> = {};

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'trustwright-bundle-'));
  writeFileSync(join(dir, 'req.cnf'), '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = Test Root\n[ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n');
  openssl('req', '-x509', '-config', 'req.cnf', '-extensions', 'ca', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '365');
  openssl('genrsa', '-traditional', '-out', 'rsa.key', '2048');
  pem.ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  pem.rsaKey = readFileSync(join(dir, 'rsa.key'), 'utf8');
  assert.match(pem.rsaKey, /^-----BEGIN RSA PRIVATE KEY-----/);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function inLine(text: string): string {
  const body = text
    .trimEnd()
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
  return bundle(`  sources:\n  - inLine: |\n${body}\n` + target);
}

describe('bundle/inline-pem', () => {
  const cases: readonly { name: string; text: () => string; expected: readonly string[]; message?: string | RegExp }[] = [
    { name: 'a generated CA certificate passes', text: () => pem.ca, expected: [] },
    {
      name: 'the real GlobalSign R3 cross certificate (corpus 02) passes',
      text: () => /inLine: \|\n([\s\S]*?-----END CERTIFICATE-----)/.exec(readFileSync('test/fixtures/corpus/02-bundle-inline-globalsign-r3-cross.yaml', 'utf8'))![1].replace(/^ {6}/gm, ''),
      expected: [],
    },
    {
      name: 'an RSA private key next to the certificate (trust-manager#335)',
      text: () => pem.ca + pem.rsaKey,
      expected: ['error'],
      message: /^invalid PEM block in bundle: only CERTIFICATE blocks are permitted but found 'RSA PRIVATE KEY' \(PEM block 2\); trust-manager fails the whole Bundle/,
    },
    {
      name: 'a certificate with PEM headers',
      text: () => pem.ca.replace('-----BEGIN CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\nComment: our root\n'),
      expected: ['error'],
      message: /^invalid PEM block in bundle; blocks are not permitted to have PEM headers \(PEM block 1 has "Comment: our root"\)/,
    },
    {
      name: 'a CERTIFICATE block holding something else',
      text: () => `-----BEGIN CERTIFICATE-----\n${Buffer.from('not a certificate at all').toString('base64')}\n-----END CERTIFICATE-----\n`,
      expected: ['error'],
      message: /^invalid PEM block in bundle; invalid PEM certificate: PEM block 1 \(CERTIFICATE\) is not an X\.509 certificate/,
    },
    {
      name: 'a body elided with .... as in the trust-manager docs (corpus 01)',
      text: () => '-----BEGIN CERTIFICATE-----\nMIIC5zCCAc+gAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\n....\n0V3NCaQrXoh+3xrXgX/vMdijYLUSo/YPEWmo\n-----END CERTIFICATE-----\n',
      expected: ['error'],
      message:
        'PEM block 1 (CERTIFICATE) does not decode: its body is not valid base64 ("...." stands for lines left out of a documentation example; paste the complete certificate); trust-manager cannot read it and fails the whole Bundle ("invalid PEM data in source")',
    },
    {
      name: 'a certificate missing its END line',
      text: () => pem.ca.replace('-----END CERTIFICATE-----', ''),
      expected: ['error'],
      message: /^PEM block 1 \(CERTIFICATE\) is not PEM: no "-----END CERTIFICATE-----" line follows it; trust-manager cannot read it/,
    },
    {
      name: 'a placeholder instead of PEM',
      text: () => 'cert-placeholder',
      expected: ['warning'],
      message: /^spec\.sources\[0\]\.inLine holds no PEM certificate/,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const findings = lint(inLine(c.text())).filter((f) => f.rule === 'bundle/inline-pem');
      assert.deepEqual(
        findings.map((f) => f.severity),
        c.expected,
        findings.map((f) => f.message).join('\n'),
      );
      for (const f of findings) {
        assert.equal(f.field, 'spec.sources[0].inLine');
        assert.equal(f.layer, 'lint');
      }
      if (c.message) {
        if (typeof c.message === 'string') assert.equal(findings[0].message, c.message);
        else assert.match(findings[0].message, c.message);
      }
    });
  }

  it('underlines the inLine value', () => {
    const text = inLine('cert-placeholder');
    const [finding] = lint(text).filter((f) => f.rule === 'bundle/inline-pem');
    assert.equal(text.split('\n')[finding.range.start.line].trim(), '- inLine: |');
    assert.ok(finding.range.end.line > finding.range.start.line);
  });

  it('offers to remove a private key from inLine: the key lines go, the certificate and the rest stay', () => {
    const text = inLine(pem.ca + pem.rsaKey);
    const [finding] = lint(text).filter((f) => f.rule === 'bundle/inline-pem');
    assert.equal(finding.fixes?.[0]?.title, 'Remove the private key');
    const lines = text.split('\n');
    const edit = finding.fixes![0].edits[0];
    assert.equal(edit.newText, '');
    const fixed = [...lines.slice(0, edit.range.start.line), ...lines.slice(edit.range.end.line)].join('\n');
    assert.equal(edit.range.start.character, 0);
    assert.equal(edit.range.end.character, 0);
    assert.ok(!fixed.includes('PRIVATE KEY'), fixed);
    // Exactly the key's lines were removed: what is left is the Bundle with the certificate alone.
    assert.equal(fixed, inLine(pem.ca));
    assert.deepEqual(lint(fixed).filter((f) => f.rule === 'bundle/inline-pem'), []);
  });
});

describe('expired certificates in inLine (pem/expired, trust-manager#276)', () => {
  let expired = '';
  before(async () => {
    // Made in memory for this run: a CA whose validity ended on 2020-01-01.
    x509.cryptoProvider.set(globalThis.crypto);
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await globalThis.crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=Expired Root',
      notBefore: new Date('2019-01-01T00:00:00Z'),
      notAfter: new Date('2020-01-01T00:00:00Z'),
      signingAlgorithm: algorithm,
      keys,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    });
    expired = certificate.toString('pem');
  });

  it('warns on an expired certificate, on that certificate\'s own lines', () => {
    const text = inLine(pem.ca + expired);
    const findings = lint(text).filter((f) => f.rule === 'pem/expired');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'warning');
    assert.equal(findings[0].field, 'spec.sources[0].inLine');
    assert.match(findings[0].message, /^certificate CN=Expired Root \(PEM block 2\) expired on 2020-01-01, \d+ years ago; replace or remove it$/);
    const lines = text.split('\n');
    assert.equal(lines[findings[0].range.start.line].trim(), '-----BEGIN CERTIFICATE-----');
    assert.equal(lines[findings[0].range.end.line].trim(), '-----END CERTIFICATE-----');
    assert.ok(findings[0].range.start.line > lines.findIndex((l) => l.includes('-----END CERTIFICATE-----')), 'not the first block');
  });

  it('says nothing about a current certificate', () => {
    assert.deepEqual(summary(lint(inLine(pem.ca)), (f) => f.rule.startsWith('pem/') || f.rule === 'bundle/inline-pem'), []);
  });
});
