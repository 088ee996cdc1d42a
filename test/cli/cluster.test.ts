// `trustwright cluster list|verify` as a user runs them: the built dist/cli.js in a child process,
// against the fake API server (KUBECONFIG and HOME point at generated files, never the real ones)
// and against offline dumps. Chain answers are openssl's for the same certificates.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeCluster, type FakeCluster } from '../cluster/harness';
import { writeMustGather } from '../cluster/dumps';
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

  it('usage errors are exit code 2', async () => {
    assert.equal((await cli(['verify', 'apps/web-tls'])).code, 2);
    assert.match((await cli(['list', '--expiring', 'soon'])).stderr, /--expiring takes a duration such as 30d/);
    assert.equal((await cli(['frobnicate'])).code, 2);
  });
});
