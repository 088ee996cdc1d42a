// The typed list client against the fake API server: pagination, authentication, and every fault
// the issue names, each ending in a ClusterFault whose kind and message say what happened.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { RESOURCES } from '../../../server/src/core/cluster/resources';
import { startFakeCluster, TOKEN, type FakeCluster } from '../../cluster/harness';
import { manyCertificates } from '../../cluster/fixture-cluster';
import { clientFor, fault } from '../../cluster/session';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('KubeClient against the fake API server', () => {
  let fake: FakeCluster;
  before(async () => {
    fake = await startFakeCluster();
    const many = manyCertificates(1237, 12);
    fake.server.load('namespaces', many.namespaces);
    fake.server.load('certificates', many.certificates);
  });
  after(() => fake.dispose());

  it('lists 1,242 Certificates in pages of 500 with limit and continue', async () => {
    const client = clientFor(fake.kubeconfig);
    const before = fake.server.requests.length;
    const result = await client.list(RESOURCES.certificates);
    assert.equal(result.items.length, 1237 + 5);
    assert.equal(result.pages, 3);
    const pages = fake.server.requests.slice(before);
    assert.deepEqual(pages.map((r) => r.query.limit), ['500', '500', '500']);
    assert.equal(pages[0].query.continue, undefined);
    assert.ok(pages[1].query.continue && pages[2].query.continue);
    assert.equal(pages[0].user, 'admin', 'authenticated by the client certificate');
    assert.ok(Number(result.resourceVersion) > 0);
  });

  it('authenticates with a bearer token', async () => {
    const client = clientFor(fake.tokenKubeconfig);
    const before = fake.server.requests.length;
    await client.list(RESOURCES.clusterissuers);
    assert.equal(fake.server.requests[before].user, 'token-user');
  });

  it('lists only TLS Secrets, and keeps nothing of them but the certificates', async () => {
    const client = clientFor(fake.kubeconfig);
    const before = fake.server.requests.length;
    const { items } = await client.list(RESOURCES.tlsSecrets);
    assert.equal(fake.server.requests[before].query.fieldSelector, 'type=kubernetes.io/tls');
    assert.ok(items.every((s) => s.type === 'kubernetes.io/tls'));
    assert.ok(!items.some((s) => s.metadata.name === 'db-password'));
    for (const secret of items) {
      assert.deepEqual(Object.keys(secret.data ?? {}).sort(), ['ca.crt', 'tls.crt']);
      assert.equal(secret.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined);
      assert.equal((secret.metadata as { managedFields?: unknown }).managedFields, undefined);
    }
    const text = JSON.stringify(items);
    for (const key of fake.cluster.keys) assert.ok(!text.includes(Buffer.from(key).toString('base64')) && !text.includes('PRIVATE KEY'));
  });

  it('restarts a list whose continue token expired (410) once', async () => {
    const logs: string[] = [];
    const client = clientFor(fake.kubeconfig, { pageSize: 600 }, logs);
    // History is compacted right after the first page: its continue token is then too old.
    let compacted = false;
    fake.server.onRequest = (request) => {
      if (compacted || !request.path.endsWith('/certificates') || request.query.continue) return;
      compacted = true;
      fake.server.add('namespaces', { metadata: { name: 'created-meanwhile' } });
      fake.server.compact();
    };
    try {
      const result = await client.list(RESOURCES.certificates);
      assert.equal(result.items.length, 1242);
      assert.ok(logs.some((l) => /continue token expired \(410 Gone\); listing again from the start/.test(l)), logs.join('\n'));
    } finally {
      fake.server.onRequest = undefined;
    }
  });

  it('retries 429 after Retry-After and 500 with backoff, within the attempt limit', async () => {
    const logs: string[] = [];
    const client = clientFor(fake.kubeconfig, { attempts: 4 }, logs);
    fake.server.fail({ path: /clusterissuers$/, status: 429, retryAfter: 0, count: 1 });
    fake.server.fail({ path: /clusterissuers$/, status: 500, count: 2 });
    const before = fake.server.requests.length;
    const result = await client.list(RESOURCES.clusterissuers);
    assert.equal(result.items.length, 3);
    assert.deepEqual(fake.server.requests.slice(before).map((r) => r.status), [429, 500, 500, 200]);
    assert.equal(logs.filter((l) => /retrying in \d+ ms \(attempt \d of 4\)/.test(l)).length, 3);
  });

  it('gives up after the attempt limit with server-error, and names the status', async () => {
    const client = clientFor(fake.kubeconfig, { attempts: 3 });
    fake.server.fail({ path: /clusterissuers$/, status: 503, count: 10 });
    const before = fake.server.requests.length;
    const f = await fault(client.list(RESOURCES.clusterissuers));
    assert.equal(f.kind, 'server-error');
    assert.match(f.message, /503/);
    assert.equal(fake.server.requests.slice(before).length, 3, 'bounded: three attempts, no more');
    fake.server.failures.length = 0;
  });

  it('reports 403 as forbidden, naming the resource, and does not retry it', async () => {
    fake.server.forbid({ user: 'token-user', storage: 'issuers' });
    const client = clientFor(fake.tokenKubeconfig);
    const before = fake.server.requests.length;
    const f = await fault(client.list(RESOURCES.issuers));
    assert.equal(f.kind, 'forbidden');
    assert.equal(f.message, 'no permission to list issuers.cert-manager.io (403 Forbidden)');
    assert.equal(fake.server.requests.length - before, 1);
    // Other kinds are unaffected.
    assert.equal((await client.list(RESOURCES.clusterissuers)).items.length, 3);
  });

  it('reports a missing CRD (404 on the collection) as missing', async () => {
    const f = await fault(clientFor(fake.kubeconfig).list(RESOURCES.clusterbundles));
    assert.equal(f.kind, 'missing');
  });

  it('reports unknown credentials as 401 unauthorized', async () => {
    const path = fake.writeKubeconfig('bad-token', { user: { token: 'not-a-token' } });
    const f = await fault(clientFor(path).list(RESOURCES.namespaces));
    assert.equal(f.kind, 'unauthorized');
    assert.ok(!f.message.includes('not-a-token'), 'the token is never in a message');
  });

  it('tells an expired token (a JWT past its exp) from a wrong one', async () => {
    const jwt = ['{"alg":"none"}', JSON.stringify({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 60 }), 'sig'].map((p) => Buffer.from(p).toString('base64url')).join('.');
    const path = fake.writeKubeconfig('expired-jwt', { user: { token: jwt } });
    const f = await fault(clientFor(path).list(RESOURCES.namespaces));
    assert.equal(f.kind, 'token-expired');
    assert.match(f.message, /token in the kubeconfig has expired/);
    assert.ok(!f.message.includes(jwt));
  });

  it('reports a server certificate the kubeconfig does not trust as a TLS fault', async () => {
    const path = fake.writeKubeconfig('wrong-ca', { user: { token: TOKEN }, caPem: fake.cluster.partner.pem });
    const f = await fault(clientFor(path).list(RESOURCES.namespaces));
    assert.equal(f.kind, 'tls');
    assert.match(f.message, /TLS with https:\/\/127\.0\.0\.1:\d+ failed/);
  });

  it('reports a closed port as unreachable, at once', async () => {
    const port = await closedPort();
    const path = fake.writeKubeconfig('closed', { user: { token: TOKEN }, server: `https://127.0.0.1:${port}` });
    const started = Date.now();
    const f = await fault(clientFor(path).list(RESOURCES.namespaces));
    assert.equal(f.kind, 'unreachable');
    assert.match(f.message, /connection refused/);
    assert.ok(Date.now() - started < 1000);
  });

  it('times out a slow response, retries it, and succeeds once the server is fast again', async () => {
    const logs: string[] = [];
    const client = clientFor(fake.kubeconfig, { requestTimeoutMs: 200, attempts: 3 }, logs);
    fake.server.delay(/\/clusterissuers$/, 600, 1);
    const result = await client.list(RESOURCES.clusterissuers);
    assert.equal(result.items.length, 3);
    assert.ok(logs.some((l) => /did not answer within 0 s|did not answer within/.test(l)), logs.join('\n'));
  });

  it('fails with timeout when the server never answers', async () => {
    const client = clientFor(fake.kubeconfig, { requestTimeoutMs: 150, attempts: 2 });
    fake.server.hang = /\/namespaces$/;
    try {
      const f = await fault(client.list(RESOURCES.namespaces));
      assert.equal(f.kind, 'timeout');
    } finally {
      fake.server.hang = undefined;
    }
  });
});
