// The fake Kubernetes API server of the e2e run (test/cluster/serve.ts: test/cluster/fake-apiserver.ts
// fed from test/fixtures/cluster/, its certificates made by openssl), started once per run as a
// process of its own on 127.0.0.1 and shared by every stage that reads a cluster: the
// extension-host run (exec-plugin kubeconfig), the Restricted Mode run (a kubeconfig that must never
// be read) and the UI run (client-certificate kubeconfig). No real kube-apiserver is involved, or
// can be on these machines. It removes its keys and kubeconfigs when it stops (SIGTERM, or when its
// stdin closes because this process ended).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { log } from './harness.mjs';
import { repo } from './paths.mjs';

/** Starts test/cluster/serve.ts; resolves with its ready line (URL, kubeconfigs, openssl's answers). */
export async function startFakeApiServer(scope) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'test', 'cluster', 'serve.ts')], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  scope.add(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const ready = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the fake API server did not start within 60 s:\n${stderr}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the fake API server exited (${code}):\n${stderr}`));
    });
  });
  log(`fake API server ${child.pid} on ${ready.url}`);
  return ready;
}

/**
 * Settings that point Trustwright's cluster views at the fake API server through `kubeconfig` (one
 * of the kubeconfigs it wrote), and pass openssl's answers to the extension-host tests.
 */
export function clusterSettings(ready, kubeconfig) {
  return {
    'trustwright.kubeconfig': kubeconfig,
    // What openssl answered, for the extension-host tests to compare with.
    'trustwright-e2e.cluster': ready,
  };
}
