import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectFinding, lint, summary } from '../../helpers';

// Certificates are made by openssl for this run; whether each is a CA comes from how it was made
// (and is cross-checked with openssl's own reading of basicConstraints).
let dir = '';
const pem: Record<string, string> = {};

function openssl(args: readonly string[], input?: string): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = Trustwright Test
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
[ca_without_certsign]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
`;

function selfSigned(name: string, section: string | undefined, cn: string): string {
  const ext = section ? ['-extensions', section] : [];
  openssl(['req', '-x509', '-config', 'req.cnf', ...ext, '-subj', `/CN=${cn}`, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '365']);
  return readFileSync(join(dir, `${name}.pem`), 'utf8');
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'trustwright-ctb-'));
  writeFileSync(join(dir, 'req.cnf'), CONFIG);
  pem.root = selfSigned('root', 'root', 'Root One');
  pem.root2 = selfSigned('root2', 'root', 'Root Two');
  pem.noCertSign = selfSigned('nocertsign', 'ca_without_certsign', 'CA Without CertSign');
  pem.noExtensions = selfSigned('plain', undefined, 'No Extensions');
  openssl(['req', '-new', '-config', 'req.cnf', '-subj', '/CN=leaf.example.com', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr']);
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-extfile', 'req.cnf', '-extensions', 'leaf', '-out', 'leaf.pem', '-days', '365']);
  pem.leaf = readFileSync(join(dir, 'leaf.pem'), 'utf8');
  pem.key = readFileSync(join(dir, 'root.key'), 'utf8');

  // Cross-check the premise of each case with openssl.
  const bc = (name: string) => openssl(['x509', '-in', `${name}.pem`, '-noout', '-ext', 'basicConstraints']);
  assert.match(bc('root'), /CA:TRUE/);
  assert.match(bc('nocertsign'), /CA:TRUE/);
  assert.match(bc('leaf'), /CA:FALSE/);
  assert.doesNotMatch(bc('plain'), /CA:TRUE/);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function ctb(bundle: string, options: { name?: string; signerName?: string; apiVersion?: string } = {}): string {
  const body = bundle
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  const signer = options.signerName === undefined ? '' : `  signerName: ${options.signerName}\n`;
  return `apiVersion: ${options.apiVersion ?? 'certificates.k8s.io/v1beta1'}\nkind: ClusterTrustBundle\nmetadata:\n  name: ${options.name ?? 'example-roots'}\nspec:\n${signer}  trustBundle: |\n${body}\n`;
}

const omitted = (detail: string) => `spec.trustBundle: Invalid value: "<value omitted>": ${detail}`;

interface Case {
  readonly name: string;
  readonly yaml: () => string;
  readonly expected: readonly string[];
  /** Exact messages of the first expected rule's findings, in order. */
  readonly messages?: readonly string[];
}

const cases: readonly Case[] = [
  { name: 'one root CA', yaml: () => ctb(pem.root), expected: [] },
  { name: 'two different roots', yaml: () => ctb(pem.root + pem.root2), expected: [] },
  { name: 'v1beta1 and v1alpha1 are validated alike', yaml: () => ctb(pem.leaf, { apiVersion: 'certificates.k8s.io/v1alpha1' }), expected: ['cluster-trust-bundle/trust-bundle@spec.trustBundle'] },
  {
    name: 'a CA whose key usage lacks keyCertSign still has the CA bit (as Go reads it)',
    yaml: () => ctb(pem.noCertSign),
    expected: [],
  },
  {
    name: 'a server (leaf) certificate instead of its CA',
    yaml: () => ctb(pem.root + pem.leaf),
    expected: ['cluster-trust-bundle/trust-bundle@spec.trustBundle'],
    messages: [omitted('entry 1 does not have the CA bit set')],
  },
  {
    name: 'a certificate without basic constraints',
    yaml: () => ctb(pem.noExtensions),
    expected: ['cluster-trust-bundle/trust-bundle@spec.trustBundle'],
    messages: [omitted('entry 0 does not have the CA bit set')],
  },
  {
    name: 'the same root twice',
    yaml: () => ctb(pem.root + pem.root2 + pem.root),
    expected: ['cluster-trust-bundle/trust-bundle@spec.trustBundle'],
    messages: [omitted('duplicate trust anchor (indices [0 2])')],
  },
  {
    name: 'the CA private key pasted after the certificate',
    yaml: () => ctb(pem.root + pem.key),
    expected: ['cluster-trust-bundle/trust-bundle@spec.trustBundle'],
    messages: [omitted('entry 1 has bad block type: PRIVATE KEY')],
  },
  {
    name: 'a certificate with a PEM header',
    yaml: () => ctb(pem.root.replace('-----BEGIN CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\nComment: root\n')),
    expected: ['cluster-trust-bundle/trust-bundle@spec.trustBundle'],
    messages: [omitted('entry 0 has PEM block headers')],
  },
  {
    name: 'a CERTIFICATE block that is not X.509',
    yaml: () => ctb(`-----BEGIN CERTIFICATE-----\n${Buffer.from('hello, world').toString('base64')}\n-----END CERTIFICATE-----\n`),
    expected: ['cluster-trust-bundle/trust-bundle@spec.trustBundle'],
    messages: [omitted('entry 0 does not parse as X.509')],
  },
  {
    name: 'a malformed entry hides the duplicate check',
    yaml: () => ctb(pem.root + pem.root + pem.leaf),
    expected: ['cluster-trust-bundle/trust-bundle@spec.trustBundle'],
    messages: [omitted('entry 2 does not have the CA bit set')],
  },
  {
    name: 'only an elided certificate: nothing left to trust',
    yaml: () => ctb('-----BEGIN CERTIFICATE-----\nMIIC5zCCAc+gAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\n....\n-----END CERTIFICATE-----'),
    expected: ['cluster-trust-bundle/trust-bundle@spec.trustBundle', 'cluster-trust-bundle/unreadable-pem@spec.trustBundle'],
    messages: [omitted('at least one trust anchor must be provided')],
  },
  {
    name: 'a skipped block does not count as an entry',
    yaml: () => ctb('-----BEGIN CERTIFICATE-----\nMIIC\n....\n-----END CERTIFICATE-----\n' + pem.leaf),
    expected: ['cluster-trust-bundle/trust-bundle@spec.trustBundle', 'cluster-trust-bundle/unreadable-pem@spec.trustBundle'],
    messages: [omitted('entry 0 does not have the CA bit set')],
  },
  {
    name: 'text that is not PEM at all',
    yaml: () => ctb('see https://example.com/roots.pem'),
    expected: ['cluster-trust-bundle/trust-bundle@spec.trustBundle'],
    messages: [omitted('at least one trust anchor must be provided')],
  },
  // Names and signer names.
  { name: 'name prefixed with the signer name', yaml: () => ctb(pem.root, { signerName: 'example.com/my-signer', name: 'example.com:my-signer:roots' }), expected: [] },
  {
    name: 'name without the signer-name prefix',
    yaml: () => ctb(pem.root, { signerName: 'example.com/my-signer', name: 'my-signer-roots' }),
    expected: ['cluster-trust-bundle/name@metadata.name'],
    messages: ['metadata.name: Invalid value: "my-signer-roots": ClusterTrustBundle for signerName example.com/my-signer must be named with prefix example.com:my-signer:'],
  },
  {
    name: 'name prefix kept the slash of the signer name',
    yaml: () => ctb(pem.root, { signerName: 'example.com/my-signer', name: '"example.com/my-signer:roots"' }),
    expected: ['cluster-trust-bundle/name@metadata.name'],
  },
  {
    name: 'capital letters after the prefix',
    yaml: () => ctb(pem.root, { signerName: 'example.com/my-signer', name: 'example.com:my-signer:Roots' }),
    expected: ['cluster-trust-bundle/name@metadata.name'],
    messages: [
      `metadata.name: Invalid value: "example.com:my-signer:Roots": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
  },
  {
    name: 'a colon in the name without a signer name',
    yaml: () => ctb(pem.root, { name: 'example.com:roots' }),
    expected: ['cluster-trust-bundle/name@metadata.name'],
    messages: ['metadata.name: Invalid value: "example.com:roots": ClusterTrustBundle without signer name must not have ":" in its name'],
  },
  {
    name: 'signer name without a path',
    yaml: () => ctb(pem.root, { signerName: 'my-signer', name: 'my-signer:roots' }),
    expected: ['cluster-trust-bundle/signer-name@spec.signerName'],
    messages: [`spec.signerName: Invalid value: "my-signer": must be a fully qualified domain and path of the form 'example.com/signer-name'`],
  },
  {
    name: 'signer domain with a single label',
    yaml: () => ctb(pem.root, { signerName: 'example/my-signer', name: 'example:my-signer:roots' }),
    expected: ['cluster-trust-bundle/signer-name@spec.signerName'],
    messages: ['spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots'],
  },
  {
    name: 'signer path with an underscore (the name only has to start with it)',
    yaml: () => ctb(pem.root, { signerName: 'example.com/my_signer', name: 'example.com:my_signer:roots' }),
    expected: ['cluster-trust-bundle/signer-name@spec.signerName'],
  },
  {
    name: 'signer name with two slashes',
    yaml: () => ctb(pem.root, { signerName: 'example.com/a/b', name: 'example.com:a:b:roots' }),
    expected: ['cluster-trust-bundle/signer-name@spec.signerName'],
  },
];

describe('cluster-trust-bundle rules', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = lint(c.yaml());
      assert.deepEqual(summary(findings), [...c.expected].sort());
      if (c.messages?.length) {
        const [rule, field] = c.expected[0].split('@');
        assert.deepEqual(
          findings.filter((f) => f.rule === rule && f.field === field).map((f) => f.message),
          c.messages,
        );
      }
    });
  }

  it('names the bad label of a signer path', () => {
    const findings = lint(ctb(pem.root, { signerName: 'example.com/my_signer', name: 'example.com:my_signer:roots' }));
    expectFinding(findings, 'cluster-trust-bundle/signer-name', 'spec.signerName', /^spec\.signerName: Invalid value: "my_signer": validating label "my_signer": a lowercase RFC 1123 subdomain/);
  });

  it('a missing name is required (generic metadata/name stays out of ClusterTrustBundle)', () => {
    const text = ctb(pem.root).replace('  name: example-roots\n', '  labels: {a: b}\n');
    const findings = lint(text);
    expectFinding(findings, 'cluster-trust-bundle/name', 'metadata.name', 'metadata.name: Required value: name or generateName is required');
    assert.deepEqual(summary(findings, (f) => f.rule.startsWith('metadata/')), []);
  });

  it('the unreadable-pem warning explains what Go skipped', () => {
    const findings = lint(ctb('-----BEGIN CERTIFICATE-----\nMIIC\n....\n-----END CERTIFICATE-----\n' + pem.root));
    const finding = expectFinding(findings, 'cluster-trust-bundle/unreadable-pem', 'spec.trustBundle');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.message, 'spec.trustBundle: PEM block 1 (CERTIFICATE) is skipped without an error: its body is not valid base64');
  });

  const debian = '/etc/ssl/certs/ca-certificates.crt';
  it('the Debian CA bundle is accepted, and doubled it reports every duplicate', { skip: !existsSync(debian) && 'no Debian CA bundle' }, () => {
    const bundle = readFileSync(debian, 'utf8');
    // Independent reading: openssl's count of certificates and of CA:TRUE basic constraints.
    const text = openssl(['pkcs7', '-print_certs', '-text', '-noout'], openssl(['crl2pkcs7', '-nocrl', '-certfile', debian]));
    const count = (text.match(/^Certificate:/gm) ?? []).length;
    assert.equal((text.match(/CA:TRUE/g) ?? []).length, count, 'every Debian root has CA:TRUE');

    // The API server accepts it (certificate hygiene such as expiry is reported by pem/* rules).
    assert.deepEqual(summary(lint(ctb(bundle)), (f) => f.rule.startsWith('cluster-trust-bundle/')), []);
    const doubled = lint(ctb(bundle + bundle)).filter((f) => f.rule === 'cluster-trust-bundle/trust-bundle');
    assert.equal(doubled.length, count);
    assert.equal(doubled[0].message, omitted(`duplicate trust anchor (indices [0 ${count}])`));
  });

  it('more than 1 MiB is too long', { skip: !existsSync(debian) && 'no Debian CA bundle' }, () => {
    const bundle = readFileSync(debian, 'utf8');
    const big = bundle.repeat(Math.ceil((1024 * 1024 + 1) / Buffer.byteLength(bundle)));
    const findings = lint(ctb(big)).filter((f) => f.rule === 'cluster-trust-bundle/trust-bundle');
    assert.deepEqual(
      findings.map((f) => f.message),
      ['spec.trustBundle: Too long: may not be more than 1048576 bytes'],
    );
  });
});
