import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { certificate, expectFinding, lint, summary } from '../../helpers';

const base = `  secretName: web-tls
  issuerRef:
    name: ca
    kind: Issuer
  dnsNames:
  - web.apps.svc
`;

interface Case {
  readonly name: string;
  readonly spec: string;
  /** `rule@field` of every webhook-layer finding expected. */
  readonly expected: readonly string[];
  readonly message?: string | RegExp;
}

const cases: readonly Case[] = [
  { name: 'a plain valid Certificate passes', spec: base, expected: [] },
  {
    name: 'issuerRef kind typo "Issue" without a group',
    spec: base.replace('kind: Issuer', 'kind: Issue'),
    expected: ['certificate/issuer-ref@spec.issuerRef.kind'],
    message: 'spec.issuerRef.kind: Invalid value: "Issue": must be one of Issuer or ClusterIssuer (did you forget to set spec.issuerRef.group?)',
  },
  {
    name: 'external issuer kinds are not checked when a group is set',
    spec: base.replace('kind: Issuer', 'kind: AWSPCAClusterIssuer\n    group: awspca.cert-manager.io'),
    expected: [],
  },
  {
    name: 'issuerRef kind typo with the cert-manager group has no group hint',
    spec: base.replace('kind: Issuer', 'kind: Isuer\n    group: cert-manager.io'),
    expected: ['certificate/issuer-ref@spec.issuerRef.kind'],
    message: 'spec.issuerRef.kind: Invalid value: "Isuer": must be one of Issuer or ClusterIssuer',
  },
  {
    name: 'secretName with capitals is not a Secret name',
    spec: base.replace('web-tls', 'Web_TLS'),
    expected: ['certificate/secret-name@spec.secretName'],
    message: /^spec\.secretName: Invalid value: "Web_TLS": a lowercase RFC 1123 subdomain/,
  },
  {
    name: 'no identity at all',
    spec: `  secretName: x\n  issuerRef:\n    name: ca\n`,
    expected: ['certificate/identity@spec'],
    message:
      'spec: Invalid value: "": at least one of commonName (from the commonName field or from a literalSubject), dnsNames, emailSANs, ipAddresses, otherNames, or uriSANs must be set',
  },
  {
    name: 'a CN inside literalSubject counts as identity',
    spec: `  secretName: x\n  issuerRef:\n    name: ca\n  literalSubject: "CN=web,O=Example"\n`,
    expected: [],
  },
  {
    name: 'commonName of 72 bytes is too long',
    spec: base + `  commonName: ${'a'.repeat(72)}\n`,
    expected: ['certificate/common-name-length@spec.commonName'],
    message: 'spec.commonName: Too long: may not be more than 64 bytes',
  },
  {
    name: 'commonName of exactly 64 bytes is fine',
    spec: base + `  commonName: ${'a'.repeat(64)}\n`,
    expected: [],
  },
  {
    name: 'a 70-character dnsName is fine (no 64-character limit since cert-manager 0.10)',
    spec: base + `  - ${'a'.repeat(60)}.example.com\n`,
    expected: [],
  },
  {
    name: 'CIDR range in ipAddresses',
    spec: base + `  ipAddresses:\n  - 10.0.0.0/8\n  - "::1"\n`,
    expected: ['certificate/ip-addresses@spec.ipAddresses[0]'],
    message: 'spec.ipAddresses[0]: Invalid value: "10.0.0.0/8": invalid IP address',
  },
  {
    name: 'email with a display name',
    spec: base + `  emailAddresses:\n  - "Jane <jane@example.com>"\n`,
    expected: ['certificate/email-addresses@spec.emailAddresses[0]'],
    message:
      'spec.emailAddresses[0]: Invalid value: "Jane <jane@example.com>": invalid email address: make sure the supplied value only contains the email address itself',
  },
  {
    name: 'RSA key of 1024 bits',
    spec: base + `  privateKey:\n    algorithm: RSA\n    size: 1024\n`,
    expected: ['certificate/private-key-size@spec.privateKey.size'],
    message: 'spec.privateKey.size: Invalid value: 1024: must be between 2048 and 8192 for rsa keyAlgorithm',
  },
  {
    name: 'RSA 3072 passes although older docs listed only powers of two',
    spec: base + `  privateKey:\n    size: 3072\n`,
    expected: [],
  },
  {
    name: 'ECDSA key of 2048 bits (size copied from an RSA example)',
    spec: base + `  privateKey:\n    algorithm: ECDSA\n    size: 2048\n`,
    expected: ['certificate/private-key-size@spec.privateKey.size'],
    message: 'spec.privateKey.size: Unsupported value: 2048: supported values: "256", "384", "521"',
  },
  {
    name: 'ECDSA signature algorithm with the default RSA key',
    spec: base + `  signatureAlgorithm: ECDSAWithSHA256\n`,
    expected: ['certificate/signature-algorithm@spec.signatureAlgorithm'],
    message:
      'spec.signatureAlgorithm: Invalid value: "ECDSAWithSHA256": for key algorithm RSA the allowed signature algorithms are [SHA256WithRSA SHA384WithRSA SHA512WithRSA]',
  },
  {
    name: 'duration under one hour',
    spec: base + `  duration: 30m\n`,
    expected: ['certificate/duration@spec.duration'],
    message: 'spec.duration: Invalid value: 30m0s: certificate duration must be greater than 1h0m0s',
  },
  {
    name: 'renewBefore longer than the assumed 2160h default duration (Venafi, cert-manager#4122)',
    spec: base + `  renewBefore: 8720h\n`,
    expected: ['certificate/duration@spec.renewBefore'],
    message: /^spec\.renewBefore: Invalid value: 8720h0m0s: certificate duration 2160h0m0s must be greater than renewBefore 8720h0m0s \(duration is not set/,
  },
  {
    name: 'renewBefore under five minutes',
    spec: base + `  duration: 24h\n  renewBefore: 1m\n`,
    expected: ['certificate/duration@spec.renewBefore'],
    message: 'spec.renewBefore: Invalid value: 1m0s: certificate renewBefore must be greater than 5m0s',
  },
  {
    name: 'renewBefore and renewBeforePercentage together',
    spec: base + `  duration: 24h\n  renewBefore: 8h\n  renewBeforePercentage: 30\n`,
    expected: ['certificate/duration@spec.renewBefore', 'certificate/duration@spec.renewBeforePercentage'],
  },
  {
    name: 'ten-year duration with 50% renewal is accepted since v1.21 (cert-manager#8937)',
    spec: base + `  duration: 87600h0m0s\n  renewBeforePercentage: 50\n`,
    expected: [],
  },
  {
    name: 'renewBeforePercentage 100 leaves a zero complement (v1.21.1 formula)',
    spec: base + `  duration: 24h\n  renewBeforePercentage: 100\n`,
    expected: ['certificate/duration@spec.renewBeforePercentage'],
    message: 'spec.renewBeforePercentage: Invalid value: 100: certificate renewBeforePercentage must result in a renewBefore greater than 5m0s',
  },
  {
    name: 'a lone renewBeforePercentage is not checked by the webhook',
    spec: base + `  renewBeforePercentage: 100\n`,
    expected: [],
  },
  {
    name: 'duration in days',
    spec: base + `  duration: 90d\n`,
    expected: ['certificate/duration-format@spec.duration'],
    message: 'spec.duration: Invalid value: "90d": time: unknown unit "d" in duration "90d"; write 2160h',
  },
  {
    name: 'revisionHistoryLimit of zero',
    spec: base + `  revisionHistoryLimit: 0\n`,
    expected: ['certificate/revision-history-limit@spec.revisionHistoryLimit'],
  },
  {
    name: 'cert-manager.io annotation in secretTemplate (cert-manager#4621 used a different one)',
    spec: base + `  secretTemplate:\n    annotations:\n      cert-manager.io/issuer-name: x\n      cert-manager.io/allow-direct-injection: "true"\n`,
    expected: ['certificate/secret-template@spec.secretTemplate.annotations[cert-manager.io/issuer-name]'],
    message: 'spec.secretTemplate.annotations: Invalid value: "cert-manager.io/issuer-name": cert-manager.io/* annotations are not allowed',
  },
  {
    name: 'nameConstraints on a leaf certificate',
    spec: base + `  nameConstraints:\n    permitted:\n      dnsDomains: [example.com]\n`,
    expected: ['certificate/name-constraints@spec.nameConstraints'],
    message: 'spec.nameConstraints: Invalid value: "object": isCa should be true when nameConstraints is set',
  },
  {
    name: 'the same additional output format twice',
    spec: base + `  additionalOutputFormats:\n  - type: DER\n  - type: DER\n`,
    expected: ['certificate/additional-output-formats@spec.additionalOutputFormats[1].type'],
    message: 'spec.additionalOutputFormats[type]: Duplicate value: "DER"',
  },
  {
    name: 'PKCS#12 keystore with both a literal password and a Secret reference',
    spec: base + `  keystores:\n    pkcs12:\n      create: true\n      password: changeit\n      passwordSecretRef:\n        name: p12\n        key: password\n`,
    expected: ['certificate/keystores@spec.keystores.pkcs12'],
    message: 'spec.keystores.pkcs12: Forbidden: exactly one of passwordSecretRef and password must be provided for PKCS#12 keystores; cannot set both',
  },
  {
    name: 'JKS keystore with an empty literal password',
    spec: base + `  keystores:\n    jks:\n      create: false\n      password: ""\n`,
    expected: ['certificate/keystores@spec.keystores.jks.password'],
  },
  {
    name: 'renewal windows with policy Disabled',
    spec: base + `  renewal:\n    policy: Disabled\n    windows:\n    - cron: "0 2 * * *"\n      windowDuration: 2h\n`,
    expected: ['certificate/renewal@spec.renewal.windows'],
  },
  {
    name: 'renewal window with a six-field cron and a made-up time zone',
    spec: base + `  renewal:\n    policy: RenewBefore\n    windows:\n    - cron: "0 0 2 * * *"\n      timezone: Mars/Olympus\n      windowDuration: 2h\n`,
    expected: ['certificate/renewal@spec.renewal.windows[0].cron', 'certificate/renewal@spec.renewal.windows[0].timezone'],
  },
  {
    name: 'renewal window with a descriptor and a real time zone',
    spec: base + `  renewal:\n    policy: RenewBefore\n    windows:\n    - cron: "@daily"\n      timezone: Europe/Berlin\n      windowDuration: 2h\n`,
    expected: [],
  },
];

describe('certificate webhook rules', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = lint(certificate(c.spec));
      assert.deepEqual(summary(findings, (f) => f.layer === 'webhook'), [...c.expected].sort());
      if (c.message) expectFinding(findings, c.expected[0].split('@')[0], c.expected[0].split('@')[1], c.message);
    });
  }

  it('underlines the offending value, not the whole document', () => {
    const text = certificate(base + `  duration: 30m\n`);
    const finding = expectFinding(lint(text), 'certificate/duration', 'spec.duration');
    const line = text.split('\n')[finding.range.start.line];
    assert.equal(line.slice(finding.range.start.character, finding.range.end.character), '30m');
  });

  it('a missing secretName is reported once, by the schema, not again by the webhook', () => {
    const findings = lint(certificate(`  issuerRef:\n    name: ca\n  dnsNames: [a.example.com]\n`));
    assert.deepEqual(summary(findings), ['schema/required@spec.secretName']);
  });
});
