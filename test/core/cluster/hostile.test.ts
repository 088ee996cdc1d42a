// The cluster client against a hostile API server: every answer that could exhaust memory, loop
// forever or send credentials elsewhere ends in a bounded, clearly worded fault.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../../../server/src/core/cluster/resources';
import { startFakeCluster, type FakeCluster } from '../../cluster/harness';
import { clientFor, fault } from '../../cluster/session';

describe('KubeClient against a hostile API server', () => {
  let fake: FakeCluster;
  before(async () => {
    fake = await startFakeCluster();
  });
  after(() => fake.dispose());

  const hostile = (mode: Parameters<typeof fake.server.hostile extends infer H ? (h: NonNullable<H>) => void : never>[0]['mode']) => {
    fake.server.hostile = { path: /certificates/, mode };
  };

  it('refuses a redirect to another host, naming it without its query', async () => {
    hostile('redirect');
    const before = fake.server.requests.length;
    const f = await fault(clientFor(fake.kubeconfig).list(RESOURCES.certificates));
    assert.match(f.message, /redirect to https:\/\/metadata\.invalid\/computeMetadata\/v1\/ \(302\); redirects are not followed/);
    assert.ok(!f.message.includes('recursive'), 'the query is not echoed');
    assert.equal(fake.server.requests.length - before, 1, 'one request, no retry to the other host');
  });

  it('says so when the answer is not JSON', async () => {
    hostile('not-json');
    const f = await fault(clientFor(fake.kubeconfig).list(RESOURCES.certificates));
    assert.match(f.message, /the API server's answer is not JSON/);
  });

  it('stops reading a list page that never ends, with memory bounded by the limit', async () => {
    hostile('huge');
    const heapBefore = process.memoryUsage().heapUsed;
    const f = await fault(clientFor(fake.kubeconfig, { maxResponseBytes: 2 * 1024 * 1024, attempts: 1 }).list(RESOURCES.certificates));
    assert.match(f.message, /larger than 2 MiB; refused rather than held in memory/);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024);
  });

  it('closes a watch whose event never ends', async () => {
    hostile('endless-line');
    const f = await fault(clientFor(fake.kubeconfig, { maxWatchLineBytes: 1024 * 1024 }).watch(RESOURCES.certificates, { resourceVersion: '1', onEvent: () => undefined }));
    assert.match(f.message, /an event longer than 1 MiB; the stream was closed/);
  });

  it('cuts off continue tokens that never stop, and a token that repeats', async () => {
    hostile('endless-pages');
    const f = await fault(clientFor(fake.kubeconfig, { maxPages: 5 }).list(RESOURCES.certificates));
    assert.match(f.message, /kept sending continue tokens past 5 pages/);
    hostile('repeated-token');
    const g = await fault(clientFor(fake.kubeconfig).list(RESOURCES.certificates));
    assert.match(g.message, /sent the same continue token twice/);
  });

  it('ends a request whose answer drips in slower than its deadline (4 × the request timeout)', async () => {
    hostile('slow-drip');
    const started = Date.now();
    const f = await fault(clientFor(fake.kubeconfig, { requestTimeoutMs: 300, attempts: 1 }).list(RESOURCES.certificates));
    const elapsed = Date.now() - started;
    assert.equal(f.kind, 'timeout');
    assert.match(f.message, /^list certificates\.cert-manager\.io: https:\/\/127\.0\.0\.1:\d+ did not send the whole answer within 1\.2 s$/);
    assert.ok(elapsed >= 1100 && elapsed < 3000, `ended after ${elapsed} ms`);
  });

  it('keeps a quiet watch open past the deadline of ordinary requests', async () => {
    fake.server.hostile = undefined;
    const client = clientFor(fake.kubeconfig, { requestTimeoutMs: 200 });
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), 1500);
    const started = Date.now();
    await client.watch(RESOURCES.certificates, { resourceVersion: String(fake.server.resourceVersion), signal: stop.signal, onEvent: () => undefined });
    clearTimeout(timer);
    assert.ok(Date.now() - started >= 1400, 'the watch stayed open until it was stopped');
  });

  it('skips list items that are not objects with a name, with a note, and keeps the rest', async () => {
    hostile('malformed-items');
    const logs: string[] = [];
    const result = await clientFor(fake.kubeconfig, {}, logs).list(RESOURCES.certificates);
    assert.deepEqual(result.items.map((i) => i.metadata.name), ['fine']);
    assert.deepEqual(logs, ['list certificates.cert-manager.io: skipped 3 malformed item(s) (not an object with metadata.name)']);
  });

  it('names what was asked once in a retry message', async () => {
    fake.server.hostile = undefined;
    fake.server.fail({ path: /certificates/, status: 503, count: 1 });
    const logs: string[] = [];
    await clientFor(fake.kubeconfig, {}, logs).list(RESOURCES.certificates);
    const retry = logs.find((l) => /retrying/.test(l));
    assert.ok(retry, logs.join('\n'));
    assert.match(retry, /^list certificates\.cert-manager\.io: the API server answered 503: Internal error occurred: injected by the test; retrying in \d+ ms \(attempt 2 of 4\)$/);
  });

  it('recovers once the server behaves again', async () => {
    fake.server.hostile = undefined;
    const result = await clientFor(fake.kubeconfig).list(RESOURCES.certificates);
    assert.ok(Array.isArray(result.items));
  });
});
