// A first screen within a second for a normal cluster, and a large one that does not stall:
// measured against the fake API server on loopback (so network latency is not part of it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { walkTree, treeChildren, treeRoots } from '../../../server/src/core/cluster/tree';
import { startFakeCluster, type FakeCluster } from '../../cluster/harness';
import { manyCertificates } from '../../cluster/fixture-cluster';
import { liveSession } from '../../cluster/session';

describe('first screen', () => {
  let fake: FakeCluster;
  before(async () => {
    fake = await startFakeCluster();
  });
  after(() => fake.dispose());

  it('the fixture cluster: every kind listed and the tree built well within a second', async () => {
    const started = performance.now();
    const { session } = await liveSession(fake.kubeconfig);
    const snapshot = session.snapshot();
    const nodes = walkTree(snapshot, 'certificates', { now: Date.now(), warningDays: 30 }).length;
    const elapsed = performance.now() - started;
    session.dispose();
    console.log(`# first screen, fixture cluster (8 kinds, ${nodes} certificate nodes): ${elapsed.toFixed(0)} ms`);
    assert.ok(elapsed < 1000, `${elapsed} ms`);
  });

  it('5,000 Certificates in 50 namespaces: listed in pages, top level built in milliseconds', async () => {
    const many = manyCertificates(5000, 50);
    fake.server.load('namespaces', many.namespaces);
    fake.server.load('certificates', many.certificates);
    const started = performance.now();
    const { session } = await liveSession(fake.kubeconfig, { resources: ['namespaces', 'certificates'] });
    const listed = performance.now() - started;
    const snapshot = session.snapshot();
    const buildStarted = performance.now();
    const [root] = treeRoots(snapshot, 'certificates');
    const namespaces = treeChildren(snapshot, root, { now: Date.now(), warningDays: 30 });
    const oneNamespace = treeChildren(snapshot, namespaces[10], { now: Date.now(), warningDays: 30 });
    const built = performance.now() - buildStarted;
    session.dispose();
    console.log(`# 5,005 Certificates: listed in ${listed.toFixed(0)} ms (11 pages), context + 53 namespaces + one namespace's 100 nodes built in ${built.toFixed(1)} ms`);
    assert.equal(namespaces.length, 53);
    assert.equal(oneNamespace.length, 100);
    assert.ok(built < 300, `${built} ms`);
    assert.ok(listed < 5000, `${listed} ms`);
  });
});
