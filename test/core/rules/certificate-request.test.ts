import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectFinding, lint, summary } from '../../helpers';

// CSRs are generated with openssl for this run; what each one asks for is what we told openssl
// to put in it, and "the signature does not verify" is confirmed by `openssl req -verify`.
let dir = '';
const csr: Record<string, string> = {};

function openssl(args: readonly string[]): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function makeCsr(name: string, extensions: readonly string[], key: 'ec' | 'rsa' = 'ec'): string {
  const keyArgs = key === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  const addext = extensions.flatMap((e) => ['-addext', e]);
  openssl(['req', '-new', '-config', 'req.cnf', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=web.apps.example.com', ...addext]);
  return readFileSync(join(dir, `${name}.csr`), 'utf8');
}

/** Changes one byte of the subject, which leaves the CSR parseable but breaks its signature. */
function tamper(name: string): string {
  const der = Buffer.from(readDer(name));
  const at = der.indexOf('web.apps.example.com');
  assert.ok(at > 0);
  der[at] = 'x'.charCodeAt(0);
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').trimEnd();
  const text = `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`;
  writeFileSync(join(dir, `${name}-tampered.csr`), text);
  // openssl 3.0 prints the verdict but exits 0 either way.
  const verdict = spawnSync('openssl', ['req', '-verify', '-noout', '-in', `${name}-tampered.csr`], { cwd: dir, encoding: 'utf8' });
  assert.match(`${verdict.stdout}${verdict.stderr}`, /verify failure/, 'openssl agrees the signature is broken');
  return text;
}

function readDer(name: string): Buffer {
  openssl(['req', '-in', `${name}.csr`, '-outform', 'DER', '-out', `${name}.der`]);
  return readFileSync(join(dir, `${name}.der`));
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'trustwright-cr-'));
  writeFileSync(join(dir, 'req.cnf'), '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n[ca]\nbasicConstraints = critical,CA:TRUE\n');
  csr.plain = makeCsr('plain', []);
  csr.serverUsages = makeCsr('server', ['keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth']);
  csr.signOnly = makeCsr('signonly', ['keyUsage=critical,digitalSignature']);
  csr.ca = makeCsr('ca', ['basicConstraints=critical,CA:TRUE']);
  csr.caUsages = makeCsr('causages', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign']);
  csr.caWithoutCertSign = makeCsr('cansign', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature,keyEncipherment']);
  csr.clientThenServer = makeCsr('order', ['keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth,serverAuth']);
  csr.unusualBits = makeCsr('bits', ['keyUsage=nonRepudiation,dataEncipherment,keyAgreement']);
  csr.ecTampered = tamper('plain');
  makeCsr('rsa', [], 'rsa');
  csr.rsaTampered = tamper('rsa');
  openssl(['req', '-x509', '-config', 'req.cnf', '-extensions', 'ca', '-key', 'plain.key', '-subj', '/CN=Not A CSR', '-out', 'cert.pem', '-days', '365']);
  csr.certificate = readFileSync(join(dir, 'cert.pem'), 'utf8');
  csr.der = readDer('plain').toString('latin1');
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const b64 = (text: string, encoding: BufferEncoding = 'utf8') => Buffer.from(text, encoding).toString('base64');

function certificateRequest(request: string, extra = '', issuerKind = 'Issuer'): string {
  return `apiVersion: cert-manager.io/v1\nkind: CertificateRequest\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  request: ${request}\n  issuerRef:\n    name: ca\n    kind: ${issuerKind}\n${extra}`;
}

const usages = (...list: string[]) => `  usages:\n${list.map((u) => `  - ${u}\n`).join('')}`;
const invalid = (detail: string) => `spec.request: Invalid value: []byte{…}: ${detail}`;

interface Case {
  readonly name: string;
  readonly yaml: () => string;
  /** `rule@field` of every finding expected. */
  readonly expected: readonly string[];
  readonly message?: string | RegExp;
}

const cases: readonly Case[] = [
  {
    name: 'a CSR without extensions matches any spec',
    yaml: () => certificateRequest(b64(csr.plain), usages('server auth') + '  isCA: true\n'),
    // A CA with a TLS usage is a lint finding of its own (certificate-policy.test.ts).
    expected: ['certificate/ca-with-leaf-usages@spec.usages[0]'],
  },
  {
    name: 'CSR usages equal to spec.usages',
    yaml: () => certificateRequest(b64(csr.serverUsages), usages('digital signature', 'key encipherment', 'server auth')),
    expected: [],
  },
  { name: '"signing" is the same key usage as "digital signature"', yaml: () => certificateRequest(b64(csr.serverUsages), usages('signing', 'key encipherment', 'server auth')), expected: [] },
  {
    name: 'CSR asks for server auth but spec.usages is empty',
    yaml: () => certificateRequest(b64(csr.serverUsages)),
    expected: ['certificate-request/csr-matches-spec@spec.request'],
    message: invalid("encoded CSR error: the ExtKeyUsages [ 'server auth' ] do not match the expected ExtKeyUsages []"),
  },
  {
    name: 'CSR has only digital signature, spec.usages defaults to two usages',
    yaml: () => certificateRequest(b64(csr.signOnly)),
    expected: ['certificate-request/csr-matches-spec@spec.request'],
    message: invalid(
      "encoded CSR error: the KeyUsages [ 'digital signature' ] do not match the expected KeyUsages [ 'digital signature', 'key encipherment' ] (spec.usages is empty, so the webhook expects the defaults)",
    ),
  },
  {
    name: 'CSR is for a CA but spec.isCA is not set',
    yaml: () => certificateRequest(b64(csr.ca)),
    expected: ['certificate-request/csr-matches-spec@spec.request'],
    message: invalid('encoded CSR error: IsCA true does not match expected value false; set spec.isCA: true, or remove CA:TRUE from the CSR'),
  },
  { name: 'CA CSR with isCA: true', yaml: () => certificateRequest(b64(csr.ca), '  isCA: true\n'), expected: [] },
  { name: 'isCA adds cert sign to the expected key usages', yaml: () => certificateRequest(b64(csr.caUsages), '  isCA: true\n'), expected: [] },
  {
    name: 'isCA: true but the CSR lacks cert sign',
    yaml: () => certificateRequest(b64(csr.caWithoutCertSign), '  isCA: true\n'),
    expected: ['certificate-request/csr-matches-spec@spec.request'],
    message: invalid(
      "encoded CSR error: the KeyUsages [ 'digital signature', 'key encipherment' ] do not match the expected KeyUsages [ 'digital signature', 'key encipherment', 'cert sign' ] (spec.usages is empty, so the webhook expects the defaults)",
    ),
  },
  {
    name: 'extended key usages listed in another order than in the CSR',
    yaml: () => certificateRequest(b64(csr.clientThenServer), usages('digital signature', 'key encipherment', 'server auth', 'client auth')),
    expected: ['certificate-request/csr-matches-spec@spec.request'],
    message: invalid(
      "encoded CSR error: the ExtKeyUsages [ 'client auth', 'server auth' ] do not match the expected ExtKeyUsages [ 'server auth', 'client auth' ] (the same usages in a different order; list spec.usages in the order the CSR has them)",
    ),
  },
  {
    name: 'less common key usage bits line up',
    yaml: () => certificateRequest(b64(csr.unusualBits), usages('content commitment', 'data encipherment', 'key agreement')),
    expected: [],
  },
  {
    name: 'less common key usage bits printed in bit order',
    yaml: () => certificateRequest(b64(csr.unusualBits), usages('key agreement')),
    expected: ['certificate-request/csr-matches-spec@spec.request'],
    message: invalid("encoded CSR error: the KeyUsages [ 'content commitment', 'data encipherment', 'key agreement' ] do not match the expected KeyUsages [ 'key agreement' ]"),
  },
  {
    name: 'ECDSA CSR edited after signing',
    yaml: () => certificateRequest(b64(csr.ecTampered)),
    expected: ['certificate-request/request@spec.request'],
    message: invalid('x509: ECDSA verification failure: the CSR signature does not verify against its public key (was it edited after signing?)'),
  },
  {
    name: 'RSA CSR edited after signing',
    yaml: () => certificateRequest(b64(csr.rsaTampered)),
    expected: ['certificate-request/request@spec.request'],
    message: /^spec\.request: Invalid value: \[\]byte\{…\}: crypto\/rsa: verification error: /,
  },
  {
    name: 'a certificate instead of a CSR',
    yaml: () => certificateRequest(b64(csr.certificate)),
    expected: ['certificate-request/request@spec.request'],
    message: invalid('failed to parse the certificate request: the first PEM block is a CERTIFICATE, but spec.request needs a CERTIFICATE REQUEST (PKCS#10)'),
  },
  {
    name: 'base64 of the DER file instead of the PEM text',
    yaml: () => certificateRequest(b64(csr.der, 'latin1')),
    expected: ['certificate-request/request@spec.request'],
    message: /^spec\.request: Invalid value: \[\]byte\{…\}: error decoding certificate request PEM block: no PEM data was found in given input; spec\.request holds base64 of a DER CSR/,
  },
  {
    name: 'base64 applied twice',
    yaml: () => certificateRequest(b64(b64(csr.plain))),
    expected: ['certificate-request/request@spec.request'],
    message: invalid('error decoding certificate request PEM block: no PEM data was found in given input; spec.request is base64-encoded twice; encode the PEM text once'),
  },
  {
    name: 'the PEM text pasted without base64 is left to the schema',
    yaml: () => certificateRequest(`|\n${csr.plain.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}`),
    expected: ['schema/format@spec.request'],
  },
  {
    name: 'an empty request',
    yaml: () => certificateRequest('""'),
    expected: ['certificate-request/request@spec.request'],
    message: 'spec.request: Required value: must be specified',
  },
  {
    name: 'issuerRef kind typo',
    yaml: () => certificateRequest(b64(csr.plain), '', 'ClusterIssue'),
    expected: ['certificate-request/issuer-ref@spec.issuerRef.kind'],
    message: 'spec.issuerRef.kind: Invalid value: "ClusterIssue": must be one of Issuer or ClusterIssuer (did you forget to set spec.issuerRef.group?)',
  },
  {
    name: 'duration in days',
    yaml: () => certificateRequest(b64(csr.plain), '  duration: 90d\n'),
    expected: ['certificate-request/duration-format@spec.duration'],
    message: 'spec.duration: Invalid value: "90d": time: unknown unit "d" in duration "90d"; write 2160h',
  },
  {
    name: 'an unknown usage is reported once, by the schema',
    yaml: () => certificateRequest(b64(csr.serverUsages), usages('serverAuth')),
    expected: ['schema/enum@spec.usages[0]'],
  },
  {
    name: 'the step-issuer sample (corpus 25) is valid',
    yaml: () => readFileSync('test/fixtures/corpus/25-certificaterequest-external-stepissuer.yaml', 'utf8'),
    expected: [],
  },
];

describe('certificate-request rules', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = lint(c.yaml());
      assert.deepEqual(summary(findings), [...c.expected].sort(), findings.map((f) => f.message).join('\n'));
      if (c.message) expectFinding(findings, c.expected[0].split('@')[0], c.expected[0].split('@')[1], c.message);
    });
  }
});
