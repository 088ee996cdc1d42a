// Which kubeconfig is read, and how several merge: the kubectl rules, on generated files only (the
// real ~/.kube/config is never read: HOME and KUBECONFIG point into a temporary folder).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { chooseContext, kubeconfigFiles, loadKubeconfig } from '../../../server/src/core/cluster/kubeconfig';

function config(name: string, server: string, options: { current?: string; namespace?: string; extraContext?: string } = {}) {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: `${name}-cluster`, cluster: { server, 'certificate-authority': 'ca.pem' } }],
    users: [{ name: `${name}-user`, user: { token: `${name}-token` } }],
    contexts: [
      { name, context: { cluster: `${name}-cluster`, user: `${name}-user`, ...(options.namespace ? { namespace: options.namespace } : {}) } },
      ...(options.extraContext ? [{ name: options.extraContext, context: { cluster: `${name}-cluster`, user: `${name}-user`, namespace: 'shadowed' } }] : []),
    ],
    ...(options.current ? { 'current-context': options.current } : {}),
  });
}

describe('kubeconfig loading', () => {
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'trustwright-kubeconfig-'));
    mkdirSync(join(home, '.kube'));
    mkdirSync(join(home, 'a'));
    writeFileSync(join(home, '.kube', 'config'), config('home', 'https://127.0.0.1:1001', { current: 'home' }), { mode: 0o600 });
    writeFileSync(join(home, 'a', 'one.yaml'), config('one', 'https://127.0.0.1:1002', { current: 'one', namespace: 'team-a', extraContext: 'shared' }), { mode: 0o600 });
    writeFileSync(join(home, 'two.yaml'), config('two', 'https://127.0.0.1:1003', { current: 'two', extraContext: 'shared' }), { mode: 0o600 });
    writeFileSync(join(home, 'extension.yaml'), config('ext', 'https://127.0.0.1:1004', { current: 'ext' }), { mode: 0o600 });
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('prefers trustwright.kubeconfig, then vs-kubernetes.kubeconfig, then KUBECONFIG, then ~/.kube/config', () => {
    const env = { KUBECONFIG: join(home, 'two.yaml') };
    assert.deepEqual(kubeconfigFiles({ setting: '~/a/one.yaml', kubernetesExtension: join(home, 'extension.yaml'), env, home }), { origin: 'trustwright.kubeconfig', files: [join(home, 'a', 'one.yaml')] });
    assert.deepEqual(kubeconfigFiles({ kubernetesExtension: join(home, 'extension.yaml'), env, home }).origin, 'vs-kubernetes.kubeconfig');
    assert.deepEqual(kubeconfigFiles({ env, home }), { origin: 'KUBECONFIG', files: [join(home, 'two.yaml')] });
    assert.deepEqual(kubeconfigFiles({ env: {}, home }), { origin: '~/.kube/config', files: [join(home, '.kube', 'config')] });
    assert.equal(loadKubeconfig({ env: {}, home }).currentContext, 'home');
  });

  it('merges several KUBECONFIG files as kubectl does: first file wins, missing files skipped', () => {
    const env = { KUBECONFIG: [join(home, 'a', 'one.yaml'), join(home, 'does-not-exist.yaml'), join(home, 'two.yaml')].join(delimiter) };
    const loaded = loadKubeconfig({ env, home });
    assert.equal(loaded.origin, 'KUBECONFIG');
    assert.equal(loaded.files.length, 2);
    assert.equal(loaded.currentContext, 'one', 'current-context from the first file that sets one');
    assert.deepEqual(loaded.contexts.map((c) => c.name), ['one', 'shared', 'two']);
    assert.equal(loaded.contexts.find((c) => c.name === 'shared')!.server, 'https://127.0.0.1:1002', 'the first definition of a name wins');
    assert.equal(chooseContext(loaded).namespace, 'team-a');
    assert.equal(chooseContext(loaded, 'two').namespace, 'default');
    // Relative file references resolve against the file that holds them.
    const cluster = loaded.forContext('one').getCurrentCluster()!;
    assert.equal(cluster.caFile, join(home, 'a', 'ca.pem'));
    assert.equal(loaded.forContext('two').getCurrentUser()!.token, 'two-token');
  });

  it('says what is wrong when nothing can be used', () => {
    assert.throws(() => loadKubeconfig({ env: {}, home: join(home, 'a') }), /no kubeconfig found: set KUBECONFIG, create ~\/\.kube\/config, or set trustwright\.kubeconfig/);
    assert.throws(() => loadKubeconfig({ env: { KUBECONFIG: join(home, 'nope.yaml') }, home }), /KUBECONFIG names no file that exists/);
    assert.throws(() => loadKubeconfig({ setting: join(home, 'nope.yaml'), home }), /kubeconfig .*nope\.yaml does not exist/);
    const loaded = loadKubeconfig({ setting: join(home, 'two.yaml'), home });
    assert.throws(() => chooseContext(loaded, 'prod'), /no context named "prod"; it has: two, shared/);
  });
});
