// The offline source: the fixture cluster saved as a List, as a folder of manifests (YAML and
// JSON), and as a must-gather-like tree, read into the same kinds with Secrets reduced to their
// certificates.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOfflineSource } from '../../../server/src/core/cluster/offline';
import { ClusterSession } from '../../../server/src/core/cluster/session';
import { walkTree } from '../../../server/src/core/cluster/tree';
import { Workshop } from '../../pki';
import { buildFixtureCluster, type FixtureCluster } from '../../cluster/fixture-cluster';
import { writeListFile, writeManifestFolder, writeMustGather } from '../../cluster/dumps';

describe('offline cluster sources', () => {
  const workshop = new Workshop();
  let cluster: FixtureCluster;
  let dir: string;
  before(() => {
    cluster = buildFixtureCluster(workshop);
    dir = mkdtempSync(join(tmpdir(), 'trustwright-offline-'));
  });
  after(() => {
    workshop.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const counts = (path: string) => {
    const data = readOfflineSource(path);
    return {
      namespaces: data.objects.namespaces.length,
      certificates: data.objects.certificates.length,
      certificaterequests: data.objects.certificaterequests.length,
      issuers: data.objects.issuers.length,
      clusterissuers: data.objects.clusterissuers.length,
      bundles: data.objects.bundles.length,
      tlsSecrets: data.objects.tlsSecrets.length,
      configMaps: data.configMaps.length,
    };
  };
  const expected = { namespaces: 5, certificates: 5, certificaterequests: 2, issuers: 2, clusterissuers: 3, bundles: 2, tlsSecrets: 5, configMaps: 3 };

  it('reads `kubectl get -o yaml` output (a List)', () => {
    assert.deepEqual(counts(writeListFile(cluster, join(dir, 'list.yaml'))), expected);
  });

  it('reads a folder of manifests, YAML and JSON, skipping what is not YAML', () => {
    const folder = writeManifestFolder(cluster, join(dir, 'manifests'));
    assert.deepEqual(counts(folder), expected);
    const data = readOfflineSource(folder);
    assert.equal(data.skipped.length, 1);
    assert.match(data.skipped[0], /broken\.yaml: not YAML or JSON/);
  });

  it('reads a must-gather-like dump (Lists per namespace and group, one file per cluster-scoped object)', () => {
    const gather = writeMustGather(cluster, join(dir, 'gather'));
    assert.deepEqual(counts(gather), expected);
  });

  it('keeps only the certificates of Secrets, and no other Secret at all', () => {
    const data = readOfflineSource(join(dir, 'list.yaml'));
    const text = JSON.stringify(data);
    assert.ok(!text.includes('PRIVATE KEY'));
    for (const key of cluster.keys) assert.ok(!text.includes(Buffer.from(key).toString('base64')));
    assert.ok(data.objects.tlsSecrets.every((s) => Object.keys(s.data ?? {}).every((k) => k === 'tls.crt' || k === 'ca.crt')));
    assert.ok(!text.includes('hunter2'), 'an Opaque Secret keeps no data but certificates');
  });

  it('without Namespace objects, names namespaces from the objects and says their labels are unknown', async () => {
    const only = join(dir, 'only-certificates');
    mkdirSync(only);
    const copy: FixtureCluster = { ...cluster, objects: { ...cluster.objects, namespaces: [] } };
    writeListFile(copy, join(only, 'all.yaml'));
    const data = readOfflineSource(only);
    assert.equal(data.namespacesDerived, true);
    assert.deepEqual(data.objects.namespaces.map((n) => n.metadata.name), ['apps', 'cert-manager', 'legacy', 'payments', 'team-b']);
    const session = new ClusterSession({ kind: 'offline', path: only });
    await session.start();
    const group = walkTree(session.snapshot(), 'bundles', { now: Date.now(), warningDays: 30 }).find(({ node }) => node.kind === 'group')!.node;
    assert.match(group.tooltip!, /labels are unknown/);
  });

  it('a path that does not exist is a clear fault on the source', async () => {
    const session = new ClusterSession({ kind: 'offline', path: join(dir, 'missing') });
    await session.start();
    assert.match(session.snapshot().fault!.message, /cannot read .*missing: ENOENT/);
  });
});
