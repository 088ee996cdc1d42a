// Actions on cluster objects: verify chain (answers checked against `openssl verify` on the same
// certificates), the picked certificate's description and fingerprint (against openssl), the
// read-only YAML, and renew (the status update cmctl makes).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fingerprintOf, inspectMarkdown, pickCertificate } from '../../../server/src/core/cluster/certificates';
import { renewCertificate } from '../../../server/src/core/cluster/renew';
import { ClusterSession, type ClusterSnapshot } from '../../../server/src/core/cluster/session';
import { checkSecretAgainstBundle } from '../../../server/src/core/cluster/verify-bundle';
import { objectYaml } from '../../../server/src/core/cluster/yaml';
import { startFakeCluster, type FakeCluster } from '../../cluster/harness';
import { writeListFile } from '../../cluster/dumps';
import { opensslFingerprint, opensslVerify } from '../../cluster/openssl';
import { clientFor, liveSession } from '../../cluster/session';

describe('cluster actions', () => {
  let fake: FakeCluster;
  let session: ClusterSession;
  let snapshot: ClusterSnapshot;
  let offline: ClusterSnapshot;
  let dir: string;
  before(async () => {
    fake = await startFakeCluster();
    session = (await liveSession(fake.kubeconfig)).session;
    snapshot = session.snapshot();
    dir = mkdtempSync(join(tmpdir(), 'trustwright-actions-'));
    const o = new ClusterSession({ kind: 'offline', path: writeListFile(fake.cluster, join(dir, 'dump.yaml')) });
    await o.start();
    offline = o.snapshot();
  });
  after(async () => {
    session.dispose();
    rmSync(dir, { recursive: true, force: true });
    await fake.dispose();
  });

  // [Secret, bundle, client namespace]: the bundle's delivered content is what openssl is given.
  const cases: [string, string, string][] = [
    ['apps/web-tls', 'internal-ca', 'payments'],
    ['apps/web-tls', 'partner-roots', 'team-b'],
    ['team-b/partner-gateway-tls', 'partner-roots', 'team-b'],
    ['team-b/partner-gateway-tls', 'internal-ca', 'apps'],
    ['payments/checkout-tls', 'internal-ca', 'apps'],
    ['apps/api-tls', 'internal-ca', 'apps'],
  ];
  for (const [secret, bundle, namespace] of cases) {
    it(`verify ${secret} against ${bundle} in ${namespace}: as openssl verify answers, live and offline`, async () => {
      const [secretNamespace, secretName] = secret.split('/');
      const pem = bundle === 'internal-ca' ? fake.cluster.root.pem : fake.cluster.partner.pem;
      const expected = opensslVerify(fake.workshop, fake.cluster.chains[secret], pem);
      for (const [snap, client] of [[snapshot, session.client()], [offline, undefined]] as const) {
        const result = await checkSecretAgainstBundle({
          snapshot: snap,
          client,
          trustNamespace: 'cert-manager',
          secret: { resource: 'tlsSecrets', namespace: secretNamespace, name: secretName },
          bundle: { resource: 'bundles', name: bundle },
          namespace,
        });
        assert.equal(result.accepted, expected.ok, `${result.summary}\nopenssl: ${expected.output}`);
        assert.equal(result.delivered, true);
        assert.equal(result.bundleSource, `ConfigMap ${namespace}/${bundle}, key ca.crt (what trust-manager wrote there)`);
      }
    });
  }

  it('a bundle that does not reach the namespace is a "no", whatever the chain', async () => {
    const result = await checkSecretAgainstBundle({
      snapshot,
      client: session.client(),
      trustNamespace: 'cert-manager',
      secret: { resource: 'tlsSecrets', namespace: 'apps', name: 'web-tls' },
      bundle: { resource: 'bundles', name: 'internal-ca' },
      namespace: 'legacy',
    });
    assert.equal(result.accepted, false);
    assert.equal(result.delivered, false);
    assert.match(result.summary, /^Bundle internal-ca is not delivered to namespace legacy \(its namespaceSelector trust=internal does not match\)/);
    assert.equal(result.bundleSource, "Bundle internal-ca's own sources (composed as trust-manager would)");
  });

  it('inspect: the hover description of the leaf, with openssl fingerprints', () => {
    const picked = pickCertificate(snapshot, { ref: { resource: 'certificates', namespace: 'apps', name: 'web' } })!;
    assert.deepEqual(picked.secret, { resource: 'tlsSecrets', namespace: 'apps', name: 'web-tls' });
    const markdown = inspectMarkdown(picked, 'context fake-admin', Date.now());
    const facts = fake.workshop.facts(fake.cluster.leaves['apps/web']);
    assert.match(markdown, /^# Certificate 1 of Secret `apps\/web-tls`, `tls\.crt`, in context fake-admin/);
    assert.match(markdown, /\*\*CERTIFICATE 1 of 2\*\* · CN=web\.apps\.svc/);
    assert.ok(markdown.includes(`| SHA-256 | ${facts.sha256} |`));
    assert.ok(markdown.includes(`| SHA-1 | ${facts.sha1} |`));
    assert.ok(markdown.includes('| Issued by | certificate 2 in this block |'));
    assert.equal(fingerprintOf(picked), opensslFingerprint(fake.workshop, fake.cluster.leaves['apps/web'].pem));
    const second = pickCertificate(snapshot, { pem: { secret: picked.secret, index: 1 } })!;
    assert.equal(fingerprintOf(second), opensslFingerprint(fake.workshop, fake.cluster.intermediate.pem));
  });

  it('open as YAML: the object as kubectl prints it, a Secret without any key', () => {
    const secret = snapshot.resources.tlsSecrets.items.get('apps/web-tls')!;
    const text = objectYaml(secret, 'tlsSecrets', 'context fake-admin');
    assert.match(text, /^# Secret apps\/web-tls, context fake-admin; read-only/);
    const parsed = parse(text);
    assert.equal(parsed.kind, 'Secret');
    assert.deepEqual(Object.keys(parsed.data).sort(), ['ca.crt', 'tls.crt']);
    assert.ok(!text.includes('PRIVATE KEY') && !text.includes('last-applied-configuration') && !text.includes('managedFields'));
    const certificate = parse(objectYaml(snapshot.resources.certificates.items.get('apps/web')!, 'certificates', 'x'));
    assert.equal(certificate.apiVersion, 'cert-manager.io/v1');
    assert.equal(certificate.spec.secretName, 'web-tls');
  });

  it('renew sets the Issuing condition as cmctl does, through the status subresource', async () => {
    const client = clientFor(fake.kubeconfig);
    const before = fake.server.get('certificates', 'apps', 'web')!;
    const result = await renewCertificate(client, 'apps', 'web', Date.parse('2026-12-04T10:00:00Z'));
    assert.deepEqual(result, { triggered: true, message: 'Manually triggered issuance of Certificate apps/web' });
    const put = fake.server.requests.filter((r) => r.method === 'PUT');
    assert.equal(put.at(-1)!.path, '/apis/cert-manager.io/v1/namespaces/apps/certificates/web/status');
    const after = fake.server.get('certificates', 'apps', 'web')!;
    const issuing = after.status.conditions.find((c: { type: string }) => c.type === 'Issuing');
    assert.deepEqual(issuing, { type: 'Issuing', status: 'True', reason: 'ManuallyTriggered', message: 'Certificate re-issuance manually triggered', lastTransitionTime: '2026-12-04T10:00:00Z', observedGeneration: 1 });
    assert.deepEqual(after.spec, before.spec, 'only the status changes');
    // A second press while it is still issuing does nothing.
    assert.equal((await renewCertificate(client, 'apps', 'web')).triggered, false);
  });

  it('renew reads again and retries once when the object changed meanwhile (409)', async () => {
    const client = clientFor(fake.kubeconfig);
    let bumped = false;
    fake.server.onRequest = (r) => {
      if (!bumped && r.method === 'GET' && r.path.endsWith('/certificates/api')) {
        bumped = true;
        fake.server.update('certificates', fake.server.get('certificates', 'apps', 'api')!);
      }
    };
    try {
      const result = await renewCertificate(client, 'apps', 'api');
      assert.equal(result.triggered, true);
      assert.deepEqual(fake.server.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/api/status')).map((r) => r.status), [409, 200]);
    } finally {
      fake.server.onRequest = undefined;
    }
  });
});
