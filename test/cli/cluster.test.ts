// `trustwright cluster list|verify` as a user runs them: the built dist/cli.js in a child process,
// against the fake API server (KUBECONFIG and HOME point at generated files, never the real ones)
// and against offline dumps. Chain answers are openssl's for the same certificates.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeCluster, type FakeCluster } from '../cluster/harness';
import { writeMustGather } from '../cluster/dumps';
import { ESCAPING_CERTIFICATE, type HostileMode } from '../cluster/fake-apiserver';
import { opensslVerify } from '../cluster/openssl';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

describe('trustwright cluster', () => {
  let fake: FakeCluster;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    fake = await startFakeCluster();
    dir = mkdtempSync(join(tmpdir(), 'trustwright-cli-cluster-'));
    env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: fake.kubeconfig };
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await fake.dispose();
  });

  // Asynchronous: the fake API server runs in this process and must keep answering.
  function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, 'cluster', ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr });
      });
    });
  }

  it('list: the context namespace by default, as kubectl', async () => {
    const { code, stdout, stderr } = await cli(['list']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Context fake-admin \(https:\/\/127\.0\.0\.1:\d+\), namespace apps\n/);
    assert.match(stdout, /CERTIFICATES \(2\)\nNAMESPACE +NAME +READY +NOT AFTER +RENEWAL +STATE +ISSUER\napps +api +True +\d{4}-\d\d-\d\d +\d{4}-\d\d-\d\d +expiring +ClusterIssuer\/internal-ca\napps +web +True/);
    assert.match(stdout, /Bundle +internal-ca +True +inLine: 1 certificate +trust=internal +apps,payments/);
    assert.match(stderr, /note: ClusterBundle is not installed/);
    assert.ok(!stdout.includes('checkout'), 'other namespaces are not listed');
  });

  it('list -A --expiring 30d: what expires within 30 days, exit code 1', async () => {
    const { code, stdout } = await cli(['list', '-A', '--expiring', '30d']);
    assert.equal(code, 1);
    assert.match(stdout, /CERTIFICATES \(2\)[\s\S]*apps +api [\s\S]*payments +checkout +False/);
    assert.match(stdout, /TLS SECRETS \(2\)[\s\S]*api-tls[\s\S]*checkout-tls/);
    assert.ok(!/\bweb\b/.test(stdout));
    assert.doesNotMatch(stdout, /ISSUERS/);
  });

  it('list --format json, with --namespace and --context', async () => {
    const { code, stdout } = await cli(['list', '--context', 'fake-admin', '-n', 'payments', '--format', 'json']);
    assert.equal(code, 0);
    const data = JSON.parse(stdout);
    assert.equal(data.context, 'fake-admin');
    assert.deepEqual(data.certificates.map((c: { name: string; state: string }) => `${c.name}:${c.state}`), ['checkout:expired', 'ledger:not-ready']);
    assert.equal(data.certificates[1].readyReason, 'DoesNotExist');
    assert.deepEqual(data.bundles.find((b: { name: string }) => b.name === 'internal-ca').namespaces, ['apps', 'payments']);
    assert.deepEqual(data.faults, [{ resource: 'clusterbundles.trust-manager.io', kind: 'missing', message: 'clusterbundles.trust-manager.io is not served: trust-manager is not installed' }]);
    assert.ok(!stdout.includes('PRIVATE KEY'));
  });

  it('verify: accepted and rejected exactly as openssl verify answers', async () => {
    const cases: [string, string, string, string][] = [
      ['apps/web-tls', 'internal-ca', 'payments', 'apps/web-tls'],
      ['apps/web-tls', 'partner-roots', 'team-b', 'apps/web-tls'],
      ['payments/checkout-tls', 'internal-ca', 'apps', 'payments/checkout-tls'],
    ];
    for (const [secret, bundle, namespace, chain] of cases) {
      const expected = opensslVerify(fake.workshop, fake.cluster.chains[chain], bundle === 'internal-ca' ? fake.cluster.root.pem : fake.cluster.partner.pem);
      const { code, stdout } = await cli(['verify', secret, '--bundle', bundle, '--namespace', namespace]);
      assert.equal(code, expected.ok ? 0 : 1, stdout);
      assert.match(stdout, expected.ok ? /^ACCEPTED: A client in namespace/ : /^REJECTED: A client in namespace/);
    }
  });

  it('verify --format json names the chain and where the trusted certificates were read', async () => {
    const { code, stdout } = await cli(['verify', 'web-tls', '--bundle', 'Bundle/internal-ca', '--namespace', 'apps', '--format', 'json']);
    assert.equal(code, 0, stdout);
    const data = JSON.parse(stdout);
    assert.equal(data.accepted, true);
    assert.deepEqual(data.chain.map((l: { subject: string }) => l.subject), ['CN=web.apps.svc', 'CN=Trustwright Test Intermediate CA', 'CN=Trustwright Test Root CA']);
    assert.equal(data.bundleSource, 'ConfigMap apps/internal-ca, key ca.crt (what trust-manager wrote there)');
  });

  it('verify: a namespace the bundle does not reach is a rejection', async () => {
    const { code, stdout } = await cli(['verify', 'apps/web-tls', '--bundle', 'internal-ca', '--namespace', 'legacy']);
    assert.equal(code, 1);
    assert.match(stdout, /^REJECTED: Bundle internal-ca is not delivered to namespace legacy/);
  });

  it('--from reads a must-gather-like dump with the same answers', async () => {
    const gather = writeMustGather(fake.cluster, join(dir, 'gather'));
    const list = await cli(['list', '--from', gather, '--expiring', '30d', '--format', 'json'], { KUBECONFIG: join(dir, 'absent') });
    assert.equal(list.code, 1);
    assert.deepEqual(JSON.parse(list.stdout).certificates.map((c: { name: string }) => c.name), ['api', 'checkout']);
    const verify = await cli(['verify', 'apps/web-tls', '--bundle', 'internal-ca', '--namespace', 'payments', '--from', gather]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /from ConfigMap payments\/internal-ca, key ca\.crt/);
  });

  it('an unreachable API server or an unusable kubeconfig is exit code 2 with one clear line', async () => {
    const closed = fake.writeKubeconfig('cli-closed', { user: { token: 'x' }, server: 'https://127.0.0.1:9' });
    const down = await cli(['list', '-A'], { KUBECONFIG: closed });
    assert.equal(down.code, 2);
    assert.match(down.stderr, /warning: the API server is unreachable \(cannot reach https:\/\/127\.0\.0\.1:9: connection refused\)/);
    assert.equal(down.stderr.split('\n').filter((l) => /unreachable/.test(l)).length, 1, down.stderr);
    const none = await cli(['list'], { KUBECONFIG: join(dir, 'absent.yaml') });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /KUBECONFIG names no file that exists/);
  });

  it('--timeout must be a number of seconds above 0: 0 does not turn the timeout off', async () => {
    for (const value of ['0', '-1', 'abc', '', '1e9']) {
      const { code, stdout, stderr } = await cli(['list', '-A', `--timeout=${value}`]);
      assert.equal(code, 2, `--timeout ${value}`);
      assert.equal(stdout, '');
      assert.match(stderr, /^trustwright: --timeout takes a number/);
    }
  });

  /** Runs `args` while the fake server answers `path` with `mode`. */
  async function hostile(mode: HostileMode, path: RegExp, args: string[]) {
    fake.server.hostile = { path, mode };
    try {
      return await cli(args);
    } finally {
      fake.server.hostile = undefined;
    }
  }

  it('a list that drips in slower than the deadline ends with a timeout, not a hang', async () => {
    const started = Date.now();
    const { code, stderr } = await hostile('slow-drip', /certificates/, ['list', '-A', '--timeout', '0.5']);
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /warning: the API server is not answering in time \(list certificates\.cert-manager\.io: https:\/\/127\.0\.0\.1:\d+ did not send the whole answer within 2 s\)/);
    assert.match(stderr, /did not send the whole answer within 2 s; retrying in \d+ ms \(attempt 2 of 4\)/);
  });

  it('null items in a list are skipped with a note; the server is not called unreachable', async () => {
    const { code, stderr } = await hostile('malformed-items', /secrets/, ['list', '-A']);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /trustwright: list secrets: skipped 3 malformed item\(s\) \(not an object with metadata\.name\)/);
    assert.doesNotMatch(stderr, /unreachable|TypeError/);
  });

  it('terminal escape sequences from the server are escaped in text output, kept raw in JSON', async () => {
    const text = await hostile('escapes', /certificates/, ['list', '-A']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /apps +evil\\u001b\]0;PWNED\\u0007 +False .* ClusterIssuer\/x\\u001b\[2J\n/);
    assert.doesNotMatch(text.stdout + text.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const json = await hostile('escapes', /certificates/, ['list', '-A', '--format', 'json']);
    const [certificate] = JSON.parse(json.stdout).certificates;
    assert.equal(certificate.name, ESCAPING_CERTIFICATE.metadata.name);
    assert.equal(certificate.readyMessage, ESCAPING_CERTIFICATE.status.conditions[0].message);
  });

  it('--from: every file it cannot read is named with its reason, and the exit code is 2', async () => {
    const gather = writeMustGather(fake.cluster, join(dir, 'gather-skips'));
    const extra = join(gather, 'extra');
    mkdirSync(extra);
    writeFileSync(join(extra, 'broken.yaml'), 'kind: Certificate\nmetadata: {name: [unclosed\n');
    // Each level repeats the one before nine times: 9^13 nodes, were the aliases expanded.
    const letters = 'abcdefghijklmn';
    const levels = [...letters.slice(1)].map((l, i) => `${l}: &${l} [${Array(9).fill(`*${letters[i]}`).join(', ')}]`);
    writeFileSync(join(extra, 'bomb.yaml'), ['a: &a [x, x, x, x, x, x, x, x, x]', ...levels].join('\n') + '\n');
    writeFileSync(join(extra, 'binary.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]));
    writeFileSync(join(extra, 'huge.yaml'), '');
    truncateSync(join(extra, 'huge.yaml'), 65 * 1024 * 1024);
    const { code, stdout, stderr } = await cli(['list', '--from', gather, '--expiring', '30d'], { KUBECONFIG: join(dir, 'absent') });
    assert.equal(code, 2, stderr);
    assert.match(stdout, /CERTIFICATES \(2\)/, 'what could be read is still listed');
    const skipped = stderr.split('\n').filter((l) => l.startsWith('trustwright: warning: skipped '));
    assert.deepEqual(
      skipped.map((l) => l.replace(/^trustwright: warning: skipped /, '').replace(/ \(.*$/, '')),
      [`${join(extra, 'binary.yaml')}: a binary file, not YAML or JSON`, `${join(extra, 'bomb.yaml')}: not YAML or JSON`, `${join(extra, 'broken.yaml')}: not YAML or JSON`, `${join(extra, 'huge.yaml')}: larger than 64 MiB`],
    );
    assert.match(stderr, /bomb\.yaml: not YAML or JSON \(.*alias/i);
  });

  it('an unusable source prints the error alone, no empty tables', async () => {
    const runs = [
      await cli(['list', '--from', join(dir, 'nonexistent')]),
      await cli(['list', '-A'], { KUBECONFIG: join(dir, 'absent.yaml') }),
      await cli(['list', '--kubeconfig', join(dir, 'absent.yaml')]),
      await cli(['list', '--context', 'nope']),
    ];
    for (const run of runs) {
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr.split('\n').filter(Boolean).length, 1, run.stderr);
    }
    assert.match(runs[0].stderr, /^trustwright: cannot read .*nonexistent: ENOENT\n$/);
    assert.match(runs[3].stderr, /^trustwright: the kubeconfig has no context named "nope"; it has: fake-admin\n$/);
  });

  it('speaks of --kubeconfig, not the editor setting, and says a 401 once', async () => {
    const none = await cli(['list'], { KUBECONFIG: undefined });
    assert.equal(none.code, 2);
    assert.equal(none.stderr, 'trustwright: no kubeconfig found: set KUBECONFIG, create ~/.kube/config, or pass --kubeconfig FILE\n');
    const wrong = fake.writeKubeconfig('cli-wrong-token', { user: { token: 'not-a-known-token' } });
    const refused = await cli(['list', '-A'], { KUBECONFIG: wrong });
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr.match(/refused the credentials/g)?.length, 1, refused.stderr);
    assert.match(refused.stderr, /^trustwright: warning: the API server refused the credentials \(401 Unauthorized\): Unauthorized$/m);
  });

  it('usage errors are exit code 2', async () => {
    assert.equal((await cli(['verify', 'apps/web-tls'])).code, 2);
    assert.match((await cli(['list', '--expiring', 'soon'])).stderr, /--expiring takes a duration such as 30d/);
    assert.equal((await cli(['frobnicate'])).code, 2);
  });
});
