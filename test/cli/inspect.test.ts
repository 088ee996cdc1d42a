// `trustwright inspect` as a user runs it: the built dist/cli.js in a child process, on files made by
// openssl for this run. Expected values are openssl's reading of the same certificates.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indent, Workshop, type Made, type OpensslFacts } from '../pki';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

function cli(args: string[], options: { input?: string | Buffer; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { input: options.input, cwd: options.cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonBlock {
  file: string;
  line: number;
  field: string;
  kind: string | null;
  name: string | null;
  index: number;
  type: string;
  commonName?: string;
  sha256?: string;
  sha1?: string;
  notAfter?: string;
  notBefore?: string;
  isCA?: boolean;
  sans?: { dns: string[]; ip: string[]; email: string[]; uri: string[] };
  publicKey?: { algorithm: string; bits?: number; curve?: string };
  issuedByBlock?: number | null;
  error?: string;
  decodes?: boolean;
}

function json(args: string[], options: { input?: string | Buffer } = {}): JsonBlock[] {
  const result = cli(['inspect', '--format', 'json', ...args], options);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { blocks: JsonBlock[] }).blocks;
}

/** Our JSON SANs in openssl's notation (`DNS:a, IP Address:b`). */
function opensslSans(block: JsonBlock): string {
  return [...block.sans!.dns.map((d) => `DNS:${d}`), ...block.sans!.ip.map((i) => `IP Address:${i}`)].join(', ');
}

/** Asserts a JSON block says what openssl says of `made`. */
function assertMatches(block: JsonBlock, facts: OpensslFacts): void {
  assert.equal(block.type, 'CERTIFICATE');
  assert.equal(block.sha256, facts.sha256);
  assert.equal(block.sha1, facts.sha1);
  assert.equal(block.notAfter, facts.notAfter.toISOString());
  assert.equal(block.notBefore, facts.notBefore.toISOString());
  assert.equal(block.isCA, facts.isCA);
  assert.equal(opensslSans(block), facts.sans);
  assert.equal(block.publicKey!.bits, facts.keyBits);
}

/** 1-based number of the line holding the `n`th (0-based) BEGIN line, by plain text search. */
function beginLine(text: string, n: number): number {
  const lines = text.split('\n');
  const indexes = lines.flatMap((l, i) => (l.trimStart().startsWith('-----BEGIN ') ? [i + 1] : []));
  return indexes[n];
}

/** Lines of a private key's body: none may ever reach the output. */
function keyMaterial(pem: string): string[] {
  return pem.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----') && !l.includes(':'));
}

describe('trustwright inspect', () => {
  const w = new Workshop();
  const dir = join(w.dir, 'inspect');
  let root: Made;
  let rsaCa: Made;
  let leaf: Made;
  let keyPem: string;
  let legacyKeyPem: string;
  let manifest: string;
  const facts = new Map<Made, OpensslFacts>();
  const factsOf = (made: Made) => facts.get(made) ?? facts.set(made, w.facts(made)).get(made)!;
  const outputs: string[] = [];
  const run = (args: string[], options: { input?: string | Buffer } = {}) => {
    const result = cli(args, options);
    outputs.push(result.stdout, result.stderr);
    return result;
  };

  before(() => {
    root = w.ca('root', { cn: 'Inspect Root' });
    rsaCa = w.ca('rsa', { cn: 'Inspect RSA CA', key: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'] });
    leaf = w.signed('leaf', root, { cn: 'web.apps.svc' });
    keyPem = w.privateKeyPem('tls');
    legacyKeyPem = w.openssl(['pkey', '-in', join(w.dir, 'tls.key'), '-traditional']);
    assert.match(legacyKeyPem, /BEGIN EC PRIVATE KEY/);

    mkdirSync(join(dir, 'nested'), { recursive: true });
    manifest = [
      'apiVersion: trust.cert-manager.io/v1alpha1',
      'kind: Bundle',
      'metadata:',
      '  name: trust',
      'spec:',
      '  sources:',
      '  - inLine: |',
      indent(root.pem + rsaCa.pem, 6),
      '  target:',
      '    configMap:',
      '      key: ca.crt',
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: web-tls',
      '  namespace: apps',
      'type: kubernetes.io/tls',
      'data:',
      `  tls.crt: ${Buffer.from(leaf.pem + root.pem).toString('base64')}`,
      `  tls.key: ${Buffer.from(keyPem).toString('base64')}`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'manifest.yaml'), manifest);
    writeFileSync(join(dir, 'chain.pem'), leaf.pem + root.pem);
    writeFileSync(join(dir, 'nested', 'root.der'), readFileSync(derOf(root)));
    writeFileSync(join(dir, 'nested', 'rsa.cer'), rsaCa.pem);
    writeFileSync(join(dir, 'notes.txt'), 'not a certificate, and not looked at\n');
  });

  /** The certificate in DER, written by openssl. */
  function derOf(made: Made): string {
    const path = `${made.path}.der`;
    w.openssl(['x509', '-in', made.path, '-outform', 'DER', '-out', path]);
    return path;
  }

  after(() => w.dispose());

  it('decodes every block of a YAML manifest, where it sits, as text', () => {
    const path = join(dir, 'manifest.yaml');
    const result = run(['inspect', path]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.ok(lines.includes(`${path}:${beginLine(manifest, 0)}: Bundle trust spec.sources[0].inLine`), result.stdout);
    assert.ok(lines.includes(`${path}:${beginLine(manifest, 1)}: Bundle trust spec.sources[0].inLine`));
    assert.ok(lines.includes('  [1/2] CERTIFICATE: CN=Inspect Root (CA)'));
    assert.ok(lines.includes('  [2/2] CERTIFICATE: CN=Inspect RSA CA (CA)'));
    assert.ok(lines.some((l) => /^ +SHA-256: +/.test(l) && l.endsWith(factsOf(root).sha256)));
    assert.ok(lines.some((l) => /^ +SHA-256: +/.test(l) && l.endsWith(factsOf(rsaCa).sha256)));
    assert.ok(lines.some((l) => /^ +Public key: +RSA 3072 bits$/.test(l)));
    assert.ok(lines.includes('  [1/2] CERTIFICATE: CN=web.apps.svc'));
    assert.ok(lines.some((l) => /^ +Issued by: +certificate 2 in this block$/.test(l)), 'the leaf is issued by the 2nd block of tls.crt');
    assert.ok(lines.includes('  [1/1] PRIVATE KEY: PRIVATE KEY'));
  });

  it('--format json: sha256, notAfter, isCA, SANs and key bits are openssl\'s', () => {
    const path = join(dir, 'manifest.yaml');
    const blocks = json([path]);
    assert.deepEqual(
      blocks.map((b) => [b.kind, b.name, b.field, b.index, b.type]),
      [
        ['Bundle', 'trust', 'spec.sources[0].inLine', 1, 'CERTIFICATE'],
        ['Bundle', 'trust', 'spec.sources[0].inLine', 2, 'CERTIFICATE'],
        ['Secret', 'web-tls', 'data[tls.crt]', 1, 'CERTIFICATE'],
        ['Secret', 'web-tls', 'data[tls.crt]', 2, 'CERTIFICATE'],
        ['Secret', 'web-tls', 'data[tls.key]', 1, 'PRIVATE KEY'],
      ],
    );
    assertMatches(blocks[0], factsOf(root));
    assertMatches(blocks[1], factsOf(rsaCa));
    assert.equal(blocks[1].publicKey!.algorithm, 'RSA');
    assertMatches(blocks[2], factsOf(leaf));
    assert.equal(blocks[2].issuedByBlock, 2);
    assertMatches(blocks[3], factsOf(root));
    assert.deepEqual(Object.keys(blocks[4]).sort(), ['field', 'file', 'index', 'kind', 'line', 'name', 'type']);
    assert.equal(blocks[0].line, beginLine(manifest, 0));
    const secretLine = manifest.split('\n').findIndex((l) => l.startsWith('  tls.crt:')) + 1;
    assert.equal(blocks[2].line, secretLine);
  });

  it('reads a PEM file', () => {
    const path = join(dir, 'chain.pem');
    const blocks = json([path]);
    assert.equal(blocks.length, 2);
    assertMatches(blocks[0], factsOf(leaf));
    assertMatches(blocks[1], factsOf(root));
    assert.deepEqual(blocks.map((b) => [b.field, b.line, b.kind]), [['file', 1, null], ['file', beginLine(leaf.pem + root.pem, 1), null]]);
    assert.equal(blocks[0].issuedByBlock, 2);
  });

  it('reads a DER certificate and a DER certificate request', () => {
    const blocks = json([join(dir, 'nested', 'root.der')]);
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0].field, 'file (DER)');
    assertMatches(blocks[0], factsOf(root));

    const csr = join(w.dir, 'web.csr.der');
    w.openssl(['req', '-new', '-config', 'openssl.cnf', '-key', join(w.dir, 'tls.key'), '-subj', '/CN=csr.apps.svc', '-outform', 'DER', '-out', csr]);
    const [request] = json([csr]);
    assert.equal(request.type, 'CERTIFICATE REQUEST');
    assert.equal(request.commonName, 'csr.apps.svc');
  });

  it('reads stdin given as -: PEM, a manifest, and DER', () => {
    const pem = json(['-'], { input: root.pem });
    assert.equal(pem.length, 1);
    assert.equal(pem[0].file, '-');
    assertMatches(pem[0], factsOf(root));

    const yaml = json(['-'], { input: manifest });
    assert.deepEqual(yaml.map((b) => b.kind), ['Bundle', 'Bundle', 'Secret', 'Secret', 'Secret']);

    const der = json(['-'], { input: readFileSync(derOf(leaf)) });
    assert.equal(der.length, 1);
    assertMatches(der[0], factsOf(leaf));

    const text = run(['inspect', '-'], { input: leaf.pem });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^-:1: file\n {2}\[1\/1\] CERTIFICATE: CN=web\.apps\.svc\n/);
  });

  it('walks a folder for .yaml, .pem, .crt, .cer and .der files, sorted, and skips the rest', () => {
    const blocks = json([dir]);
    const files = [...new Set(blocks.map((b) => b.file))];
    assert.deepEqual(files, [join(dir, 'chain.pem'), join(dir, 'manifest.yaml'), join(dir, 'nested', 'root.der'), join(dir, 'nested', 'rsa.cer')]);
    assert.equal(blocks.length, 2 + 5 + 1 + 1);
    assertMatches(blocks[blocks.length - 1], factsOf(rsaCa));
  });

  it('says what is wrong with a PEM block that does not decode, and exits 0', () => {
    const bad = join(dir, 'bad.crt');
    const lines = root.pem.trim().split('\n');
    // One body line dropped: still base64, no longer a certificate. One stray character: not base64.
    writeFileSync(bad, [...lines.slice(0, 2), ...lines.slice(3)].join('\n') + '\n' + [lines[0], `${lines[1].slice(0, 10)}!${lines[1].slice(11)}`, ...lines.slice(2)].join('\n') + '\n');
    const result = run(['inspect', bad]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\[1\/2\] CERTIFICATE: Certificate that does not parse\n +Problem: the body is valid base64 but not an X\.509 certificate/);
    assert.match(result.stdout, /\[2\/2\] CERTIFICATE: CERTIFICATE block that does not decode\n +Problem: the body is not valid base64/);
    const blocks = json([bad]);
    assert.equal(blocks[1].decodes, false);
  });

  it('exits 2 on a missing file, on garbage, on stdin garbage and on bad usage, printing nothing on stdout', () => {
    const missing = run(['inspect', join(dir, 'missing.pem')]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /missing\.pem: no such file or directory/);

    const garbage = join(dir, 'garbage.der');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) % 256)));
    const binary = run(['inspect', garbage]);
    assert.equal(binary.code, 2);
    assert.equal(binary.stdout, '');
    assert.match(binary.stderr, /garbage\.der: neither PEM nor a DER certificate or certificate request/);

    const prose = run(['inspect', '-'], { input: 'hello, this is not a certificate\n' });
    assert.equal(prose.code, 2);
    assert.equal(prose.stdout, '');

    // A private key in DER is neither a certificate nor a request; it is refused, not dumped.
    const keyDer = join(w.dir, 'tls.key.der');
    w.openssl(['pkey', '-in', join(w.dir, 'tls.key'), '-outform', 'DER', '-out', keyDer]);
    const key = run(['inspect', '-'], { input: readFileSync(keyDer) });
    assert.equal(key.code, 2);
    assert.equal(key.stdout, '');

    assert.equal(run(['inspect']).code, 2);
    assert.equal(run(['inspect', '--format', 'xml', join(dir, 'chain.pem')]).code, 2);
  });

  it('counts the time left in the singular when it is one hour', () => {
    const soon = w.signed('soon', root, { cn: 'Soon', end: new Date(Date.now() + 65 * 60_000) });
    const result = run(['inspect', soon.path]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /expires in 1 hour\b/);
    assert.doesNotMatch(result.stdout, /1 hours/);
  });

  it('never prints private key material, whatever holds the key', () => {
    const mixed = join(dir, 'server.pem');
    writeFileSync(mixed, leaf.pem + keyPem + legacyKeyPem);
    for (const format of ['text', 'json']) {
      const result = run(['inspect', '--format', format, mixed]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /EC PRIVATE KEY/);
      run(['inspect', '--format', format, join(dir, 'manifest.yaml')]);
      run(['inspect', '--format', format, '-'], { input: keyPem });
    }
    assert.ok(outputs.length > 20);
    const everything = outputs.join('\n');
    for (const line of [...keyMaterial(keyPem), ...keyMaterial(legacyKeyPem)]) assert.ok(!everything.includes(line), 'private key material printed');
    const encoded = Buffer.from(keyPem).toString('base64');
    assert.ok(!everything.includes(encoded.slice(60, 120)), 'the base64 of the key was printed');
  });
});
