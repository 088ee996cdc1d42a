// The fake API server as a process of its own, for the real-VS-Code suite (test/e2e/lib/fake-apiserver.mjs):
// starts it with the fixture cluster on 127.0.0.1, writes a kubeconfig for it, and prints one JSON
// line with where things are and what openssl says the answers are. Stops (removing every key and
// kubeconfig it wrote) on SIGTERM, SIGINT, or when its parent's stdin closes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startFakeCluster, TOKEN } from './harness';
import { opensslFingerprint, opensslVerify } from './openssl';

async function main(): Promise<void> {
  const fake = await startFakeCluster();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await fake.dispose();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();

  const verify = (
    [
      ['apps/web-tls', 'internal-ca', 'payments'],
      ['team-b/partner-gateway-tls', 'internal-ca', 'apps'],
      ['payments/checkout-tls', 'internal-ca', 'apps'],
    ] as const
  ).map(([secret, bundle, namespace]) => ({
    secret,
    bundle,
    namespace,
    accepted: opensslVerify(fake.workshop, fake.cluster.chains[secret], fake.cluster.root.pem).ok,
  }));
  // Exec credential plugins (as cloud CLIs use): each leaves a marker file when it runs, so a test
  // can tell whether a kubeconfig was used at all (it must not be in Restricted Mode).
  const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: TOKEN } });
  const exec = (name: string) => {
    const marker = join(fake.dir, `${name}.ran`);
    const path = fake.writeKubeconfig(name, {
      context: 'fake-exec',
      namespace: 'apps',
      user: {},
      extra: {},
    });
    const config = parse(readFileSync(path, 'utf8'));
    config.users[0].user = {
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: '/bin/sh', args: ['-c', `touch '${marker}'; printf '%s' '${credential}'`], interactiveMode: 'Never' },
    };
    writeFileSync(path, stringify(config), { mode: 0o600 });
    return { kubeconfig: path, marker };
  };
  const ready = {
    url: fake.server.url,
    kubeconfig: fake.kubeconfig,
    exec: exec('exec-trusted'),
    execUntrusted: exec('exec-untrusted'),
    context: 'fake-admin',
    namespace: 'apps',
    verify,
    fingerprints: { 'apps/web-tls': opensslFingerprint(fake.workshop, fake.cluster.leaves['apps/web'].pem) },
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

void main().catch((error) => {
  process.stderr.write(`fake API server: ${error?.stack ?? error}\n`);
  process.exit(1);
});
