// Starts the fake API server with the fixture cluster and writes kubeconfigs for it, all under one
// temporary folder (0700; kubeconfigs and keys 0600) that `dispose()` removes. The API server's CA,
// its serving certificate (IP:127.0.0.1) and the client certificate are made with openssl here.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Workshop, type Made } from '../pki';
import { FakeApiServer, type FakeApiServerOptions } from './fake-apiserver';
import { buildFixtureCluster, loadInto, type FixtureCluster } from './fixture-cluster';

export const TOKEN = 'tw-test-token-0123456789';

/** A certificate for the fake API server or a client, signed by `ca`, with the given extensions. */
function issue(workshop: Workshop, name: string, ca: Made, cn: string, extensions: string): Made {
  const ext = join(workshop.dir, `${name}.ext`);
  writeFileSync(ext, `basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n${extensions}\n`);
  const keyPath = join(workshop.dir, `${name}.key`);
  const csr = join(workshop.dir, `${name}.csr`);
  const path = join(workshop.dir, `${name}.pem`);
  workshop.openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath]);
  chmodSync(keyPath, 0o600);
  workshop.openssl(['req', '-new', '-config', 'openssl.cnf', '-key', keyPath, '-subj', `/CN=${cn}`, '-out', csr]);
  workshop.openssl(['x509', '-req', '-in', csr, '-CA', ca.path, '-CAkey', ca.keyPath, '-set_serial', String(Date.now() % 1e9), '-days', '2', '-extfile', ext, '-out', path]);
  return { pem: readFileSync(path, 'utf8'), path, keyPath };
}

export interface KubeconfigUser {
  readonly token?: string;
  readonly cert?: Made;
}

export interface FakeCluster {
  readonly server: FakeApiServer;
  readonly cluster: FixtureCluster;
  readonly workshop: Workshop;
  readonly dir: string;
  readonly apiCa: Made;
  readonly client: Made;
  /** kubeconfig with a client-certificate user (context `fake-admin`, namespace apps). */
  readonly kubeconfig: string;
  /** kubeconfig with a bearer-token user (context `fake-token`). */
  readonly tokenKubeconfig: string;
  writeKubeconfig(name: string, options: { user: KubeconfigUser; context?: string; namespace?: string; caPem?: string; server?: string; extra?: Record<string, unknown> }): string;
  dispose(): Promise<void>;
}

export async function startFakeCluster(options: Partial<FakeApiServerOptions> & { now?: number } = {}): Promise<FakeCluster> {
  const workshop = new Workshop();
  const dir = join(workshop.dir, 'kube');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const apiCa = workshop.ca('apiserver-ca', { cn: 'fake-apiserver-ca' });
  const serving = issue(workshop, 'apiserver', apiCa, 'fake-apiserver', 'extendedKeyUsage = serverAuth\nsubjectAltName = IP:127.0.0.1, DNS:localhost');
  const client = issue(workshop, 'admin', apiCa, 'admin', 'extendedKeyUsage = clientAuth');
  const cluster = buildFixtureCluster(workshop, options.now);
  const server = new FakeApiServer({
    key: readFileSync(serving.keyPath, 'utf8'),
    cert: serving.pem,
    clientCa: apiCa.pem,
    tokens: { [TOKEN]: 'token-user' },
    ...options,
  });
  server.missingGroups.add('trust-manager.io');
  loadInto(server, cluster);
  await server.start();

  const writeKubeconfig: FakeCluster['writeKubeconfig'] = (name, o) => {
    const context = o.context ?? name;
    const user: Record<string, string> = {};
    if (o.user.token) user.token = o.user.token;
    if (o.user.cert) {
      user['client-certificate-data'] = Buffer.from(o.user.cert.pem).toString('base64');
      user['client-key-data'] = readFileSync(o.user.cert.keyPath).toString('base64');
    }
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: `${context}-cluster`, cluster: { server: o.server ?? server.url, 'certificate-authority-data': Buffer.from(o.caPem ?? apiCa.pem).toString('base64') } }],
      users: [{ name: `${context}-user`, user }],
      contexts: [{ name: context, context: { cluster: `${context}-cluster`, user: `${context}-user`, ...(o.namespace ? { namespace: o.namespace } : {}) } }],
      'current-context': context,
      ...o.extra,
    };
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, stringify(config), { mode: 0o600 });
    return path;
  };

  const kubeconfig = writeKubeconfig('admin', { context: 'fake-admin', user: { cert: client }, namespace: 'apps' });
  const tokenKubeconfig = writeKubeconfig('token', { context: 'fake-token', user: { token: TOKEN } });
  return {
    server,
    cluster,
    workshop,
    dir,
    apiCa,
    client,
    kubeconfig,
    tokenKubeconfig,
    writeKubeconfig,
    async dispose() {
      await server.stop();
      workshop.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
