// The tree model as plain data, without VS Code: what each view shows for the fixture cluster,
// read live from the fake API server and offline from its dumps (the same tree either way), and
// how faults show on the affected node only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterSession, type ClusterSnapshot } from '../../../server/src/core/cluster/session';
import { walkTree, type TreeNode, type ViewKind } from '../../../server/src/core/cluster/tree';
import { startFakeCluster, TOKEN, type FakeCluster } from '../../cluster/harness';
import { writeListFile } from '../../cluster/dumps';
import { liveSession } from '../../cluster/session';

const options = () => ({ now: Date.now(), warningDays: 30 });

function find(snapshot: ClusterSnapshot, view: ViewKind, predicate: (n: TreeNode) => boolean): TreeNode {
  const found = walkTree(snapshot, view, options()).find(({ node }) => predicate(node));
  assert.ok(found, `a node in ${view}`);
  return found.node;
}

/** `label [icon]` lines with indentation, minus what differs between sources (context line). */
function outline(snapshot: ClusterSnapshot, view: ViewKind): string[] {
  return walkTree(snapshot, view, options())
    .filter(({ depth }) => depth > 0)
    .map(({ node, depth }) => `${'  '.repeat(depth - 1)}${node.label} [${node.icon}] ${node.description ?? ''}`);
}

describe('cluster tree model', () => {
  let fake: FakeCluster;
  let live: ClusterSnapshot;
  let session: ClusterSession;
  let dir: string;
  before(async () => {
    fake = await startFakeCluster();
    session = (await liveSession(fake.kubeconfig)).session;
    live = session.snapshot();
    dir = mkdtempSync(join(tmpdir(), 'trustwright-tree-'));
  });
  after(async () => {
    session.dispose();
    rmSync(dir, { recursive: true, force: true });
    await fake.dispose();
  });

  it('Certificates: context → namespace → Certificate, with health icons from status', () => {
    const root = find(live, 'certificates', (n) => n.kind === 'context');
    assert.equal(root.label, 'fake-admin');
    assert.match(root.description!, /^https:\/\/127\.0\.0\.1:\d+ · namespace apps$/);
    const icon = (name: string) => find(live, 'certificates', (n) => n.kind === 'certificate' && n.label === name).icon;
    assert.equal(icon('checkout'), 'expired');
    assert.equal(icon('api'), 'expiring');
    assert.equal(icon('ledger'), 'not-ready');
    assert.equal(icon('web'), 'ok');
    const payments = find(live, 'certificates', (n) => n.kind === 'namespace' && n.label === 'payments');
    assert.equal(payments.icon, 'expired', 'a namespace shows its worst');
    assert.equal(payments.description, '2 certificates · 1 expired · 1 not Ready');
    const api = find(live, 'certificates', (n) => n.label === 'api');
    const notAfter = new Date(fake.cluster.objects.certificates.find((c) => c.metadata.name === 'api')!.status.notAfter);
    assert.match(api.description!, new RegExp(`^Ready · expires ${notAfter.toISOString().slice(0, 10)} \\(in (9|10) days\\) · renews \\d{4}-\\d\\d-\\d\\d$`));
    assert.deepEqual(api.actions, ['openYaml', 'inspect', 'copyFingerprint', 'verify', 'renew']);
  });

  it("a Certificate's children: its Secret's chain, decoded, and its CertificateRequests", () => {
    const web = walkTree(live, 'certificates', options());
    const index = web.findIndex(({ node }) => node.kind === 'certificate' && node.label === 'web');
    const end = web.findIndex(({ depth }, i) => i > index && depth <= web[index].depth);
    const children = web.slice(index + 1, end).filter(({ depth }) => depth === web[index].depth + 1).map(({ node }) => node);
    assert.deepEqual(children.map((c) => c.kind), ['chain-certificate', 'chain-certificate', 'request']);
    assert.match(children[0].label, /^CN=web\.apps\.svc · leaf · expires \d{4}-\d\d-\d\d · SHA-256 ([0-9a-f]{2}:){4}…$/);
    const sha = fake.workshop.facts(fake.cluster.leaves['apps/web']).sha256;
    assert.ok(children[0].label.endsWith(`SHA-256 ${sha.toLowerCase().split(':').slice(0, 4).join(':')}:…`), 'fingerprint as openssl computes it');
    assert.match(children[1].label, /^CN=Trustwright Test Intermediate CA · CA ·/);
    assert.equal(children[2].label, 'CertificateRequest web-1');
    assert.equal(children[2].description, 'revision 1 · Approved · Ready True (Issued)');
    const ledger = find(live, 'certificates', (n) => n.kind === 'note' && /ledger-tls/.test(n.label));
    assert.equal(ledger.label, 'Secret ledger-tls does not exist (yet)');
  });

  it('Issuers: ClusterIssuers, Issuers per namespace with type and Ready, external issuers', () => {
    const lines = outline(live, 'issuers');
    assert.deepEqual(lines, [
      'ClusterIssuers [group] 3',
      '  internal-ca [ok] CA · Ready',
      '  letsencrypt-prod [ok] ACME · Ready',
      '  selfsigned [ok] selfSigned · Ready',
      'legacy [not-ready] 1 Issuer',
      '  legacy-ca [not-ready] CA · not Ready (ErrGetKeyPair)',
      'payments [not-ready] 1 Issuer',
      '  vault-issuer [not-ready] Vault · not Ready (VaultError)',
      'External issuers [group] 1 referenced',
      '  awspca.cert-manager.io/AWSPCAClusterIssuer partner-pca [unknown] external · referenced by 1 Certificate',
    ]);
  });

  it('Trust bundles: Synced, sources, and the namespaces the selector reaches among the live ones', () => {
    const lines = outline(live, 'bundles');
    assert.deepEqual(lines, [
      'internal-ca [ok] Bundle · Synced · 1 source · 2 namespaces',
      '  inLine: 1 certificate [source] source',
      '  ConfigMap internal-ca, key ca.crt [source] target in each namespace',
      '  Namespaces [group] 2 reached · selector: trust=internal',
      '    apps [namespace] receives the bundle',
      '    payments [namespace] receives the bundle',
      'partner-roots [ok] Bundle · Synced · 1 source · 1 namespace',
      '  inLine: 1 certificate [source] source',
      '  ConfigMap partner-roots, key ca.crt [source] target in each namespace',
      '  Namespaces [group] 1 reached · selector: trust in (partner)',
      '    team-b [namespace] receives the bundle',
      'ClusterBundle (trust-manager.io/v1alpha2) is not served in this cluster [missing] ',
    ]);
  });

  it('TLS Secrets: subject, SANs, issuer and expiry of each, as openssl reads them; never a key', () => {
    const secret = find(live, 'secrets', (n) => n.kind === 'secret' && n.label === 'web-tls');
    const facts = fake.workshop.facts(fake.cluster.leaves['apps/web']);
    assert.equal(secret.description, `CN=web.apps.svc · web.apps.svc, web.example.com, 10.0.0.7 · expires ${facts.notAfter.toISOString().slice(0, 10)} · issuer CN=Trustwright Test Intermediate CA`);
    assert.match(secret.tooltip!, /SANs: web\.apps\.svc, web\.example\.com, 10\.0\.0\.7/);
    assert.equal(find(live, 'secrets', (n) => n.label === 'checkout-tls').icon, 'expired');
    assert.equal(find(live, 'secrets', (n) => n.label === 'api-tls').icon, 'expiring');
    assert.ok(!walkTree(live, 'secrets', options()).some(({ node }) => node.label === 'db-password'), 'only TLS Secrets');
    const everything = JSON.stringify((['certificates', 'issuers', 'bundles', 'secrets'] as const).map((v) => walkTree(live, v, options())));
    assert.ok(!everything.includes('PRIVATE KEY'));
  });

  it('the same tree from a `kubectl get -o yaml` List as from the live cluster', async () => {
    const offline = new ClusterSession({ kind: 'offline', path: writeListFile(fake.cluster, join(dir, 'all.yaml')) });
    await offline.start();
    const snapshot = offline.snapshot();
    for (const view of ['certificates', 'issuers', 'bundles', 'secrets'] as const) {
      const expected = outline(live, view).map((l) => l.replace('ClusterBundle (trust-manager.io/v1alpha2) is not served in this cluster [missing] ', ''));
      assert.deepEqual(outline(snapshot, view).filter((l) => !/^no /.test(l)), expected.filter(Boolean), view);
    }
    assert.equal(find(snapshot, 'certificates', (n) => n.kind === 'context').icon, 'offline');
    assert.deepEqual(find(snapshot, 'certificates', (n) => n.label === 'web').actions, ['openYaml', 'inspect', 'copyFingerprint', 'verify'], 'no renew offline');
  });

  it('a 403 on one kind shows on that node only', async () => {
    fake.server.forbid({ user: 'token-user', storage: 'secrets' });
    fake.server.forbid({ user: 'token-user', storage: 'clusterissuers' });
    const { session: limited } = await liveSession(fake.tokenKubeconfig);
    try {
      const snapshot = limited.snapshot();
      const secretsRoot = outline(snapshot, 'secrets');
      assert.deepEqual(secretsRoot, ['no permission to list secrets [forbidden] ']);
      const clusterIssuers = find(snapshot, 'issuers', (n) => n.label === 'ClusterIssuers');
      assert.equal(clusterIssuers.icon, 'forbidden');
      assert.equal(clusterIssuers.description, 'no permission to list clusterissuers.cert-manager.io');
      // Issuers in namespaces and Certificates are unaffected…
      assert.ok(outline(snapshot, 'issuers').includes('  vault-issuer [not-ready] Vault · not Ready (VaultError)'));
      assert.equal(find(snapshot, 'certificates', (n) => n.label === 'web').icon, 'ok');
      // …but a Certificate's chain, which needs its Secret, says why it is missing.
      assert.ok(walkTree(snapshot, 'certificates', options()).some(({ node }) => node.label === 'Secret web-tls: no permission to list secrets' && node.icon === 'forbidden'));
    } finally {
      fake.server.forbidden.length = 0;
      limited.dispose();
    }
  });

  it('a missing trust-manager hides the bundles with a note, not an error', async () => {
    fake.server.missingGroups.add('trust.cert-manager.io');
    const { session: s } = await liveSession(fake.kubeconfig, { resources: ['namespaces', 'bundles', 'clusterbundles'] });
    try {
      assert.deepEqual(outline(s.snapshot(), 'bundles'), [
        'trust-manager is not installed (no Bundle CRD): nothing to show [missing] ',
        'ClusterBundle (trust-manager.io/v1alpha2) is not served in this cluster [missing] ',
      ]);
    } finally {
      fake.server.missingGroups.delete('trust.cert-manager.io');
      s.dispose();
    }
  });

  it('an unusable kubeconfig is one error node, with the reason', async () => {
    const s = new ClusterSession({ kind: 'live', kubeconfig: { setting: join(dir, 'nope.yaml') } });
    await s.start();
    const [root] = walkTree(s.snapshot(), 'certificates', options());
    assert.equal(root.node.icon, 'error');
    assert.match(root.node.description!, /kubeconfig .*nope\.yaml does not exist/);
  });

  it('while loading, each kind says so', () => {
    const s = new ClusterSession({ kind: 'live', kubeconfig: { setting: fake.kubeconfig } });
    // Not started: every kind is still loading.
    const lines = outline(s.snapshot(), 'certificates');
    assert.deepEqual(lines, ['loading certificates.cert-manager.io… [loading] ']);
    assert.ok(TOKEN);
  });
});
