// Keeping the views fresh: watches that resume from the last resourceVersion, bookmarks, 410 Gone,
// dropped streams, back-off while the API server is away, and recovery when the cause goes away.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeCluster, TOKEN, type FakeCluster } from '../../cluster/harness';
import { eventually, liveSession } from '../../cluster/session';

describe('watches against the fake API server', () => {
  let fake: FakeCluster;
  before(async () => {
    fake = await startFakeCluster({ bookmarkIntervalMs: 100 });
  });
  after(() => fake.dispose());

  it('applies ADDED, MODIFIED and DELETED events as they happen', async () => {
    const { session } = await liveSession(fake.kubeconfig);
    try {
      const certificates = () => session.snapshot().resources.certificates.items;
      assert.equal(certificates().size, 5);
      fake.server.add('certificates', { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'fresh', namespace: 'apps' }, spec: { secretName: 'fresh-tls' } });
      await eventually(() => certificates().has('apps/fresh'), 'the new Certificate');
      fake.server.update('certificates', { ...fake.server.get('certificates', 'apps', 'fresh')!, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
      await eventually(() => (certificates().get('apps/fresh')?.status as { conditions?: unknown[] } | undefined)?.conditions?.length === 1, 'the status change');
      fake.server.remove('certificates', 'apps', 'fresh');
      await eventually(() => !certificates().has('apps/fresh'), 'the deletion');
    } finally {
      session.dispose();
    }
  });

  it('asks for bookmarks and advances its resourceVersion with them', async () => {
    const { session } = await liveSession(fake.kubeconfig, { resources: ['clusterissuers'] });
    try {
      await eventually(() => fake.server.requestsTo(/clusterissuers$/, (q) => q.watch === '1').length > 0, 'the watch');
      assert.equal(fake.server.requestsTo(/clusterissuers$/, (q) => q.watch === '1').at(-1)!.query.allowWatchBookmarks, 'true');
      // Something else changes: only a bookmark tells this watch about the new version.
      fake.server.add('namespaces', { metadata: { name: 'bookmark-probe' } });
      const target = String(fake.server.resourceVersion);
      await eventually(() => session.snapshot().resources.clusterissuers.resourceVersion === target, `resourceVersion ${target} from a bookmark`);
    } finally {
      session.dispose();
    }
  });

  it('resumes a dropped watch from the last resourceVersion it saw, without listing again', async () => {
    const { session, logs } = await liveSession(fake.kubeconfig, { resources: ['certificates'] });
    try {
      fake.server.add('certificates', { metadata: { name: 'before-drop', namespace: 'apps' }, spec: {} });
      await eventually(() => session.snapshot().resources.certificates.items.has('apps/before-drop'), 'the event before the drop');
      const seen = session.snapshot().resources.certificates.resourceVersion;
      const lists = fake.server.requestsTo(/certificates$/, (q) => !q.watch).length;
      fake.server.dropWatches();
      // Changed while no watch was open: the resumed watch must replay it.
      fake.server.add('certificates', { metadata: { name: 'during-drop', namespace: 'apps' }, spec: {} });
      await eventually(() => session.snapshot().resources.certificates.items.has('apps/during-drop'), 'the event made while disconnected');
      const resumed = fake.server.requestsTo(/certificates$/, (q) => q.watch === '1').at(-1)!;
      assert.ok(Number(resumed.query.resourceVersion) >= Number(seen), `resumed from ${resumed.query.resourceVersion}, had seen ${seen}`);
      assert.equal(fake.server.requestsTo(/certificates$/, (q) => !q.watch).length, lists, 'no new list');
      assert.ok(logs.some((l) => /watch certificates\.cert-manager\.io: .*cut off|closed|trying again/.test(l)), logs.join('\n'));
    } finally {
      session.dispose();
    }
  });

  it('a quiet watch past its idle timeout is resumed silently, with no fault shown', async () => {
    fake.server.quiet = true;
    const from = fake.server.requests.length;
    const { session, logs } = await liveSession(fake.kubeconfig, { resources: ['clusterissuers'], idleTimeoutMs: 150 });
    try {
      const watches = () => fake.server.requests.slice(from).filter((r) => r.path.endsWith('clusterissuers') && r.query.watch === '1');
      await eventually(() => watches().length >= 3, 'two silent resumptions');
      assert.equal(session.snapshot().resources.clusterissuers.fault, undefined, logs.join('\n'));
      const versions = new Set(watches().map((r) => r.query.resourceVersion));
      assert.equal(versions.size, 1, 'each resumed from the same version');
      assert.ok(logs.some((l) => /nothing received for 0 s; resuming from resourceVersion/.test(l)), logs.join('\n'));
    } finally {
      fake.server.quiet = false;
      session.dispose();
    }
  });

  it('lists again when the watch answers 410 Gone (history compacted)', async () => {
    const { session, logs } = await liveSession(fake.kubeconfig, { resources: ['issuers'] });
    try {
      const lists = () => fake.server.requestsTo(/\/issuers$/, (q) => !q.watch).length;
      const before = lists();
      fake.server.add('issuers', { metadata: { name: 'added-then-compacted', namespace: 'apps' }, spec: { selfSigned: {} } });
      fake.server.compact();
      fake.server.dropWatches();
      await eventually(() => lists() > before, 'a fresh list after 410');
      await eventually(() => session.snapshot().resources.issuers.items.has('apps/added-then-compacted'), 'the object from the new list');
      assert.ok(logs.some((l) => /too old resource version|410 Gone/.test(l) && /listing again/.test(l)), logs.join('\n'));
    } finally {
      session.dispose();
      fake.server.remove('issuers', 'apps', 'added-then-compacted');
    }
  });

  it('backs off while the API server fails, keeps the last objects, and recovers', async () => {
    const { session, logs } = await liveSession(fake.kubeconfig, { resources: ['clusterissuers'] });
    try {
      fake.server.fail({ path: /clusterissuers$/, status: 500, count: 1000 });
      fake.server.dropWatches();
      await eventually(() => session.snapshot().resources.clusterissuers.fault?.kind === 'server-error', 'the fault on the kind');
      const state = session.snapshot().resources.clusterissuers;
      assert.equal(state.items.size, 3, 'the last good objects stay');
      await new Promise((r) => setTimeout(r, 400));
      const attempts = fake.server.requestsTo(/clusterissuers$/).filter((r) => r.status === 500).length;
      // With 30 ms base and a 200 ms cap, and four attempts per request, far fewer than a busy loop.
      assert.ok(attempts < 60, `${attempts} attempts in 400 ms`);
      fake.server.failures.length = 0;
      await eventually(() => !session.snapshot().resources.clusterissuers.fault, 'recovery');
      assert.ok(logs.some((l) => /trying again in/.test(l)));
      assert.ok(logs.some((l) => /recovered/.test(l)), logs.join('\n'));
    } finally {
      fake.server.failures.length = 0;
      session.dispose();
    }
  });

  it('recovers from an expired token once the kubeconfig holds a good one again', async () => {
    const jwt = ['{"alg":"none"}', JSON.stringify({ exp: Math.floor(Date.now() / 1000) - 5 }), 'x'].map((p) => Buffer.from(p).toString('base64url')).join('.');
    const path = fake.writeKubeconfig('rotating', { context: 'rotating', user: { token: jwt } });
    const { session, logs } = await liveSession(path, { resources: ['namespaces', 'clusterissuers'] });
    try {
      const state = session.snapshot().resources.namespaces;
      assert.equal(state.fault?.kind, 'token-expired');
      assert.equal(state.phase, 'failed');
      // The user logs in again: the kubeconfig is rewritten with a valid token.
      fake.writeKubeconfig('rotating', { context: 'rotating', user: { token: TOKEN } });
      await eventually(() => session.snapshot().resources.namespaces.phase === 'ready' && !session.snapshot().resources.namespaces.fault, 'recovery with the new token', 10_000);
      const text = logs.join('\n');
      assert.ok(!text.includes(TOKEN) && !text.includes(jwt), 'no token in the log');
    } finally {
      session.dispose();
    }
  });

  it('lists the context namespace when listing across namespaces is forbidden', async () => {
    fake.server.forbid({ user: 'token-user', storage: 'certificates', allowNamespace: 'apps' });
    const path = fake.writeKubeconfig('tenant', { context: 'tenant', namespace: 'apps', user: { token: TOKEN } });
    const { session, logs } = await liveSession(path, { resources: ['certificates'] });
    try {
      const state = session.snapshot().resources.certificates;
      assert.equal(state.scope, 'apps');
      assert.equal(state.fault, undefined);
      const keys = [...state.items.keys()];
      assert.ok(keys.includes('apps/api') && keys.includes('apps/web'));
      assert.ok(keys.every((k) => k.startsWith('apps/')), keys.join(', '));
      assert.ok(logs.some((l) => /not allowed across namespaces; listing namespace apps only/.test(l)));
      await eventually(() => fake.server.requestsTo(/namespaces\/apps\/certificates$/, (q) => q.watch === '1').length > 0, 'a namespaced watch');
    } finally {
      fake.server.forbidden.length = 0;
      session.dispose();
    }
  });
});
