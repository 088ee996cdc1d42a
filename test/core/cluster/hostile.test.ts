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

  it('recovers once the server behaves again', async () => {
    fake.server.hostile = undefined;
    const result = await clientFor(fake.kubeconfig).list(RESOURCES.certificates);
    assert.ok(Array.isArray(result.items));
  });
});
