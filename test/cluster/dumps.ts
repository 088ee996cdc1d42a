// The fixture cluster saved the three ways the offline source reads: one `kubectl get -o yaml` List,
// a folder of manifests (one object per file), and a must-gather-like tree
// (namespaces/<ns>/<group>/<resource>.yaml, cluster-scoped-resources/<group>/<resource>/<name>.yaml).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { STORAGE_KEYS, type Obj, type StorageKey } from './fake-apiserver';
import type { FixtureCluster } from './fixture-cluster';

const GROUP: Readonly<Record<StorageKey, string>> = {
  namespaces: 'core',
  secrets: 'core',
  configmaps: 'core',
  certificates: 'cert-manager.io',
  certificaterequests: 'cert-manager.io',
  issuers: 'cert-manager.io',
  clusterissuers: 'cert-manager.io',
  bundles: 'trust.cert-manager.io',
  clusterbundles: 'trust-manager.io',
};

function all(cluster: FixtureCluster): { storage: StorageKey; object: Obj }[] {
  return STORAGE_KEYS.flatMap((storage) => cluster.objects[storage].map((object) => ({ storage, object })));
}

export function writeListFile(cluster: FixtureCluster, path: string): string {
  writeFileSync(path, stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: all(cluster).map((o) => o.object) }));
  return path;
}

export function writeManifestFolder(cluster: FixtureCluster, dir: string): string {
  for (const { storage, object } of all(cluster)) {
    const folder = join(dir, object.metadata.namespace ?? '_cluster');
    mkdirSync(folder, { recursive: true });
    const json = storage === 'certificates';
    // Certificates as JSON (kubectl -o json), the rest as YAML, and a README that is not a manifest.
    writeFileSync(join(folder, `${storage}-${object.metadata.name}.${json ? 'json' : 'yaml'}`), json ? JSON.stringify(object, null, 2) : stringify(object));
  }
  writeFileSync(join(dir, 'notes.yaml'), 'just: some notes\nnot: a kubernetes object\n');
  writeFileSync(join(dir, 'broken.yaml'), 'key: [unclosed\n');
  return dir;
}

export function writeMustGather(cluster: FixtureCluster, dir: string): string {
  const root = join(dir, 'must-gather.local.1234', 'quay-io-openshift-must-gather-sha256-abc');
  const byFile = new Map<string, Obj[]>();
  for (const { storage, object } of all(cluster)) {
    let file: string;
    if (storage === 'namespaces') file = join(root, 'namespaces', object.metadata.name, `${object.metadata.name}.yaml`);
    else if (object.metadata.namespace) file = join(root, 'namespaces', object.metadata.namespace, GROUP[storage], `${storage}.yaml`);
    else file = join(root, 'cluster-scoped-resources', GROUP[storage], storage, `${object.metadata.name}.yaml`);
    byFile.set(file, [...(byFile.get(file) ?? []), object]);
  }
  for (const [file, objects] of byFile) {
    mkdirSync(join(file, '..'), { recursive: true });
    const single = /cluster-scoped-resources|\/namespaces\/[^/]+\/[^/]+\.yaml$/.test(file) && objects.length === 1;
    writeFileSync(file, stringify(single ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects }));
  }
  writeFileSync(join(root, 'timestamp'), 'not yaml at all');
  return dir;
}
