// `trustwright generate` as a user runs it: the built dist/cli.js in a child process, writing into
// temporary folders. Checks what is written (files, modes, roles), what is refused (overwrites, bad
// flags), what is printed (never a key or a password), progress on a terminal, and Ctrl-C.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const FIXTURES = join(__dirname, '..', 'fixtures', 'scaffold');

function cli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...options.env }, cwd: options.cwd });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function openssl(args: string[]): string {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout + result.stderr;
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** No private key, no PKCS#12 password and no base64 of either in what the command printed. */
function assertNoSecrets(output: string, dir: string): void {
  assert.doesNotMatch(output, /PRIVATE KEY/);
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.key') && name !== 'pkcs12-password.txt') continue;
    const secret = readFileSync(join(dir, name), 'utf8');
    const fragments = name.endsWith('.key') ? secret.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')) : [secret.trim()];
    for (const fragment of fragments) assert.ok(!output.includes(fragment), `${name} does not appear in the output`);
  }
}

describe('trustwright generate mtls', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'trustwright-cli-generate-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a verified set with the flags asked for, keys 0600, and prints no secret', () => {
    const out = join(dir, 'set');
    const result = cli([
      'generate', 'mtls', '--out', out,
      '--ca-cn', 'Payments Dev CA', '--client-cn', 'checkout',
      '--server-dns', 'payments.internal', '--server-dns', 'localhost,api.payments.internal',
      '--server-ip', '127.0.0.1', '--server-uri', 'spiffe://cluster.local/ns/payments/sa/api',
      '--key-alg', 'ecdsa-p384', '--ca-days', '120', '--leaf-days', '10', '--intermediate',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'no progress line when stderr is not a terminal');
    const names = readdirSync(out).sort();
    assert.deepEqual(names, ['ca.crt', 'ca.key', 'client-chain.crt', 'client.crt', 'client.key', 'intermediate.crt', 'intermediate.key', 'server-chain.crt', 'server.crt', 'server.key']);
    for (const name of names) {
      assert.equal(statSync(join(out, name)).mode & 0o777, name.endsWith('.key') ? 0o600 : 0o644 & ~process.umask(), name);
      assert.match(result.stdout, new RegExp(`^  ${name.replace('.', '\\.')} +${name.endsWith('.key') ? '0600' : '0644'} `, 'm'));
    }
    assert.equal(statSync(out).mode & 0o777, 0o700, 'the folder it created holds keys: owner only');
    assertNoSecrets(result.stdout + result.stderr, out);

    assert.match(openssl(['verify', '-CAfile', join(out, 'ca.crt'), '-untrusted', join(out, 'intermediate.crt'), join(out, 'server.crt'), join(out, 'client.crt')]), /server\.crt: OK\n.*client\.crt: OK/s);
    const server = openssl(['x509', '-in', join(out, 'server.crt'), '-noout', '-ext', 'subjectAltName,extendedKeyUsage', '-subject', '-issuer']);
    assert.match(server, /DNS:payments\.internal, DNS:localhost, DNS:api\.payments\.internal, IP Address:127\.0\.0\.1, URI:spiffe:\/\/cluster\.local\/ns\/payments\/sa\/api/);
    assert.match(server, /TLS Web Server Authentication/);
    assert.match(server, /issuer=CN = Payments Dev CA Intermediate/);
    const client = openssl(['x509', '-in', join(out, 'client.crt'), '-noout', '-ext', 'extendedKeyUsage', '-subject']);
    assert.match(client, /subject=CN = checkout/);
    assert.match(client, /TLS Web Client Authentication/);
    assert.match(openssl(['x509', '-in', join(out, 'server.crt'), '-noout', '-text']), /NIST CURVE: P-384/);
  });

  it('refuses to overwrite without --force, before generating, and changes nothing', () => {
    const out = join(dir, 'set');
    const before = Object.fromEntries(readdirSync(out).map((n) => [n, digest(join(out, n))]));
    const refused = cli(['generate', 'mtls', '--out', out, '--key-alg', 'rsa-4096']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^trustwright: nothing written: .*ca\.crt, .*ca\.key, .*server\.crt.* already exist; use --force to overwrite$/m);
    assert.deepEqual(Object.fromEntries(readdirSync(out).map((n) => [n, digest(join(out, n))])), before);
  });

  it('refuses even when only one of the files exists', () => {
    const out = join(dir, 'one');
    mkdirSync(out);
    writeFileSync(join(out, 'client.key'), 'mine\n', { mode: 0o600 });
    const refused = cli(['generate', 'mtls', '--out', out]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /client\.key already exists; use --force/);
    assert.deepEqual(readdirSync(out), ['client.key']);
    assert.equal(readFileSync(join(out, 'client.key'), 'utf8'), 'mine\n');
  });

  it('overwrites with --force: a new CA, keys still 0600', () => {
    const out = join(dir, 'set');
    const oldCa = digest(join(out, 'ca.crt'));
    const result = cli(['generate', 'mtls', '--out', out, '--force']);
    assert.equal(result.code, 0, result.stderr);
    assert.notEqual(digest(join(out, 'ca.crt')), oldCa);
    assert.equal(statSync(join(out, 'server.key')).mode & 0o777, 0o600);
    // Files of the earlier run that this one does not write stay as they were.
    assert.ok(existsSync(join(out, 'intermediate.crt')));
  });

  it('writes PKCS#12 stores with the password from the environment, and no password file', () => {
    const out = join(dir, 'p12-env');
    const result = cli(['generate', 'mtls', '--out', out, '--pkcs12'], { env: { TRUSTWRIGHT_PKCS12_PASSWORD: 'from the environment' } });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!existsSync(join(out, 'pkcs12-password.txt')));
    assert.doesNotMatch(result.stdout + result.stderr, /from the environment/);
    const passwordFile = join(dir, 'env-password');
    writeFileSync(passwordFile, 'from the environment', { mode: 0o600 });
    assert.match(openssl(['pkcs12', '-info', '-noout', '-in', join(out, 'server.p12'), '-passin', `file:${passwordFile}`]), /MAC: sha256/);
    assert.equal(statSync(join(out, 'client.p12')).mode & 0o777, 0o600);
  });

  it('writes PKCS#12 stores with a password file given, or a generated password into a 0600 file', () => {
    const given = join(dir, 'given-password');
    writeFileSync(given, 'from a file, with spaces\nsecond line ignored\n', { mode: 0o600 });
    const withFile = cli(['generate', 'mtls', '--out', join(dir, 'p12-file'), '--pkcs12', '--pkcs12-password-file', given], { env: { TRUSTWRIGHT_PKCS12_PASSWORD: '' } });
    assert.equal(withFile.code, 0, withFile.stderr);
    writeFileSync(given, 'from a file, with spaces', { mode: 0o600 });
    assert.match(openssl(['pkcs12', '-info', '-noout', '-in', join(dir, 'p12-file', 'client.p12'), '-passin', `file:${given}`]), /MAC: sha256/);

    const out = join(dir, 'p12-generated');
    const env = { ...process.env };
    delete env.TRUSTWRIGHT_PKCS12_PASSWORD;
    const generated = spawnSync(process.execPath, [CLI, 'generate', 'mtls', '--out', out, '--pkcs12'], { encoding: 'utf8', env });
    assert.equal(generated.status, 0, generated.stderr);
    assert.equal(statSync(join(out, 'pkcs12-password.txt')).mode & 0o777, 0o600);
    assert.match(generated.stdout, /pkcs12-password\.txt +0600 +password of the \.p12 files/);
    assertNoSecrets(generated.stdout + generated.stderr, out);
    assert.match(openssl(['pkcs12', '-info', '-noout', '-in', join(out, 'server.p12'), '-passin', `file:${join(out, 'pkcs12-password.txt')}`]), /MAC: sha256/);
  });

  it('rejects bad flags with every problem at once, exit code 2, writing nothing', () => {
    const out = join(dir, 'bad');
    const result = cli(['generate', 'mtls', '--out', out, '--server-dns', 'bad_name', '--key-alg', 'dsa', '--leaf-days', '900', '--server-uri', 'nope']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /"bad_name" is not a host name/);
    assert.match(result.stderr, /must be one of ecdsa-p256/);
    assert.match(result.stderr, /at most 825/);
    assert.match(result.stderr, /"nope" is not a URI/);
    assert.equal(existsSync(out), false);
    const oneDay = cli(['generate', 'mtls', '--out', out, '--ca-days', '1', '--leaf-days', '2']);
    assert.match(oneDay.stderr, /The leaf validity \(2 days\) must not outlast the CA \(1 day\)/);
    assert.equal(cli(['generate', 'mtls']).code, 2, '--out is required');
    assert.match(cli(['generate', 'mtls']).stderr, /needs --out DIR/);
    assert.equal(cli(['generate', 'mtls', '--out', out, '--pkcs12-password-file', 'x']).code, 2);
    assert.equal(cli(['generate', 'mtls', '--out', out, '--no-such-flag']).code, 2);
    assert.equal(cli(['generate', 'keys', '--out', out]).code, 2);
    writeFileSync(join(dir, 'a-file'), '');
    const notFolder = cli(['generate', 'mtls', '--out', join(dir, 'a-file')]);
    assert.equal(notFolder.code, 2);
    assert.match(notFolder.stderr, /is not a folder/);
    assert.equal(existsSync(out), false);
  });

  it('draws progress on stderr when it is a terminal', { skip: spawnSync('script', ['--version']).status !== 0 && 'script(1) is not installed' }, () => {
    const out = join(dir, 'tty');
    // script(1) runs the command on a pseudo-terminal, as an interactive shell would.
    const result = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} generate mtls --out ${JSON.stringify(out)}`, '/dev/null'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout);
    assert.match(result.stdout, /\r\x1b\[2Ktrustwright: Generating 3 ECDSA P-256 keys \(0\/4, Ctrl-C cancels\)/);
    assert.match(result.stdout, /trustwright: generated in \d+\.\d s/);
    assert.match(result.stdout, /wrote 8 files/);
    assertNoSecrets(result.stdout, out);
  });

  it('Ctrl-C during RSA-4096 generation stops at once, as interrupted, and writes nothing', async () => {
    const out = join(dir, 'cancelled');
    const child = spawn(process.execPath, [CLI, 'generate', 'mtls', '--out', out, '--key-alg', 'rsa-4096', '--intermediate', '--pkcs12'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // Long enough to be past start-up and inside key generation (four RSA-4096 keys take seconds).
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const signalled = Date.now();
    child.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    const exitedAfter = Date.now() - signalled;
    // It cleans up, then dies of the signal so that the shell sees 130 (128 + SIGINT).
    assert.equal(signal, 'SIGINT');
    assert.equal(code, null);
    assert.match(stderr, /cancelled; nothing was written/);
    assert.ok(exitedAfter < 1000, `exited ${exitedAfter} ms after Ctrl-C`);
    assert.equal(existsSync(out), false, 'no folder, no partial files');
  });
});

describe('trustwright generate manifests', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'trustwright-cli-manifests-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the layout from flags, which lints clean', () => {
    const out = join(dir, 'flags');
    const result = cli(['generate', 'manifests', '--out', out, '--self-signed', '--workload', 'web/frontend', '--workload', 'backend/api', '--connect', 'web/frontend=backend/api']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /wrote 7 files .*2 workloads in 2 namespaces/);
    assert.match(result.stdout, /selfSigned bootstrap: for development only/);
    const lint = cli(['lint', out, '--fail-on', 'info']);
    assert.equal(lint.code, 0, lint.stdout);
    assert.match(lint.stdout, /0 errors, 0 warnings, 0 notes in 7 files/);
  });

  it('with a trust namespace of its own, writes .trustwright.yaml naming it, so the folder lints clean', () => {
    const out = join(dir, 'kube-system');
    const result = cli(['generate', 'manifests', '--out', out, '--self-signed', '--trust-namespace', 'kube-system', '--workload', 'web/frontend', '--workload', 'backend/api', '--connect', 'web/frontend=backend/api']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /wrote 8 files/);
    const config = readFileSync(join(out, '.trustwright.yaml'), 'utf8');
    assert.match(config, /^trustNamespace: kube-system$/m);
    assert.match(config, /^clusterResourceNamespace: kube-system$/m);
    assert.match(readFileSync(join(out, 'intermediates', 'web.yaml'), 'utf8'), /namespace: kube-system/);
    const lint = cli(['lint', out, '--fail-on', 'info']);
    assert.equal(lint.code, 0, lint.stdout);
    // Without it the same folder is linted as if trust lived in cert-manager, and is not clean.
    rmSync(join(out, '.trustwright.yaml'));
    assert.notEqual(cli(['lint', out, '--fail-on', 'info']).code, 0);
  });

  it('writes exactly the golden files of a layout file', () => {
    const out = join(dir, 'layout');
    const result = cli(['generate', 'manifests', '--out', out, '--layout', join(FIXTURES, 'two-namespaces-self-signed', 'layout.yaml')]);
    assert.equal(result.code, 0, result.stderr);
    const expectedDir = join(FIXTURES, 'two-namespaces-self-signed', 'expected');
    for (const file of ['ca.yaml', 'intermediates/web.yaml', 'intermediates/backend.yaml', 'workloads/web.yaml', 'workloads/backend.yaml', 'bundles/web.yaml', 'bundles/backend.yaml']) {
      assert.equal(readFileSync(join(out, file), 'utf8'), readFileSync(join(expectedDir, file), 'utf8'), file);
    }
  });

  it('the same layout from flags and from a file gives the same manifests', () => {
    const fromFlags = cli(['generate', 'manifests', '--out', '-', '--self-signed', '--workload', 'web/frontend', '--workload', 'backend/api', '--connect', 'web/frontend=backend/api']);
    const fromFile = cli(['generate', 'manifests', '--out', '-', '--layout', join(FIXTURES, 'two-namespaces-self-signed', 'layout.yaml')]);
    assert.equal(fromFlags.code, 0, fromFlags.stderr);
    assert.equal(fromFlags.stdout, fromFile.stdout);
    assert.match(fromFlags.stdout, /^# bundles\/web\.yaml$/m);
  });

  it('refuses to overwrite without --force', () => {
    const out = join(dir, 'flags');
    const before = digest(join(out, 'ca.yaml'));
    const refused = cli(['generate', 'manifests', '--out', out, '--ca-secret', 'corp-ca', '--workload', 'web/frontend', '--workload', 'backend/api']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /ca\.yaml, .* already exist; use --force/);
    assert.equal(digest(join(out, 'ca.yaml')), before);
    const forced = cli(['generate', 'manifests', '--out', out, '--force', '--ca-secret', 'corp-ca', '--workload', 'web/frontend', '--workload', 'backend/api']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(join(out, 'ca.yaml'), 'utf8'), /secretName: corp-ca/);
    assert.match(forced.stdout, /create the Secret "corp-ca" in namespace cert-manager/);
  });

  it('rejects what it cannot lay out, with exit code 2', () => {
    const noSource = cli(['generate', 'manifests', '--out', '-', '--workload', 'web/frontend']);
    assert.equal(noSource.code, 2);
    assert.match(noSource.stderr, /choose the CA source: --ca-secret NAME .* or --self-signed/);
    assert.match(cli(['generate', 'manifests', '--out', '-', '--self-signed', '--ca-secret', 'x', '--workload', 'a/b']).stderr, /choose one CA source/);
    assert.match(cli(['generate', 'manifests', '--out', '-', '--self-signed', '--workload', 'frontend']).stderr, /--workload frontend: expected NAMESPACE\/NAME/);
    assert.match(cli(['generate', 'manifests', '--out', '-', '--self-signed', '--workload', 'a/b', '--connect', 'a/b']).stderr, /expected NS\/CLIENT=NS\/SERVER/);
    assert.match(cli(['generate', 'manifests', '--out', '-', '--self-signed', '--workload', 'Team/b']).stderr, /lowercase RFC 1123 label/);
    assert.match(cli(['generate', 'manifests', '--out', '-', '--self-signed', '--workload', 'a/b', '--leaf-duration', '8760h']).stderr, /leafDuration must be between 1h and 2160h/);
    assert.match(cli(['generate', 'manifests', '--out', '-', '--layout', join(FIXTURES, 'README.md')]).stderr, /--layout .*expected a mapping|not YAML/);
    assert.match(cli(['generate', 'manifests', '--out', '-', '--layout', 'x.yaml', '--self-signed']).stderr, /--layout describes the whole layout; drop --self-signed/);
    assert.match(cli(['generate', 'manifests', '--self-signed', '--workload', 'a/b']).stderr, /needs --out DIR/);
  });
});

describe('trustwright --help', () => {
  it('lists the generate commands, and generate --help their flags', () => {
    assert.match(cli(['--help']).stdout, /trustwright generate mtls --out DIR/);
    const help = cli(['generate', '--help']);
    assert.equal(help.code, 0);
    for (const flag of ['--ca-cn', '--server-dns', '--server-ip', '--server-uri', '--client-cn', '--key-alg', '--ca-days', '--leaf-days', '--intermediate', '--pkcs12', '--force', '--workload', '--connect', '--layout']) {
      assert.match(help.stdout, new RegExp(`${flag}\\b`));
    }
  });
});
