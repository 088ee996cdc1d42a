// The fixture cluster: the YAML under test/fixtures/cluster plus what cannot be committed, made with
// openssl at test time: a root and an intermediate CA, a partner root, one leaf per Certificate
// (dated as its `trustwright.test/valid` annotation says), the TLS Secrets holding them (with their
// private keys, as in a real cluster, so tests can prove the keys never get through), the
// ConfigMaps trust-manager would write, and each Certificate's status dates read by openssl.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Workshop, type Made } from '../pki';
import { STORAGE_KEYS, type FakeApiServer, type Obj, type StorageKey } from './fake-apiserver';

export const FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'cluster');
const DAY = 86400_000;

export interface FixtureCluster {
  readonly objects: Record<StorageKey, Obj[]>;
  readonly root: Made;
  readonly intermediate: Made;
  readonly partner: Made;
  /** Leaf per Certificate, by `namespace/name`. */
  readonly leaves: Readonly<Record<string, Made>>;
  /** tls.crt text per Secret, by `namespace/name`. */
  readonly chains: Readonly<Record<string, string>>;
  /** Private key text per Secret (to assert that none ever shows up). */
  readonly keys: readonly string[];
}

const KIND_TO_STORAGE: Readonly<Record<string, StorageKey>> = {
  Namespace: 'namespaces',
  Secret: 'secrets',
  ConfigMap: 'configmaps',
  Certificate: 'certificates',
  CertificateRequest: 'certificaterequests',
  Issuer: 'issuers',
  ClusterIssuer: 'clusterissuers',
  Bundle: 'bundles',
  ClusterBundle: 'clusterbundles',
};

const b64 = (text: string) => Buffer.from(text).toString('base64');

function tlsSecret(namespace: string, name: string, chain: string, key: string, ca: string, certificate?: string): Obj {
  const data = { 'tls.crt': b64(chain), 'tls.key': b64(key), 'ca.crt': b64(ca) };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: {
      name,
      namespace,
      annotations: {
        ...(certificate ? { 'cert-manager.io/certificate-name': certificate } : {}),
        // What `kubectl apply` leaves behind: the whole Secret again, private key included.
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data }),
      },
      managedFields: [{ manager: 'cert-manager-certificates-issuing', operation: 'Apply', fieldsV1: { 'f:data': { 'f:tls.key': {} } } }],
    },
    data,
  };
}

export function buildFixtureCluster(workshop: Workshop, now = Date.now()): FixtureCluster {
  const objects = Object.fromEntries(STORAGE_KEYS.map((k) => [k, [] as Obj[]])) as Record<StorageKey, Obj[]>;
  for (const file of readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    const list = parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as { items: Obj[] };
    for (const item of list.items) objects[KIND_TO_STORAGE[item.kind!]].push(item);
  }

  const root = workshop.ca('root', { cn: 'Trustwright Test Root CA', days: 3650 });
  const intermediate = workshop.signed('intermediate', root, { cn: 'Trustwright Test Intermediate CA', extensions: 'ca', start: new Date(now - 30 * DAY), end: new Date(now + 1000 * DAY) });
  const partner = workshop.ca('partner', { cn: 'Partner Root CA', days: 3650 });
  const keys: string[] = [];
  const leaves: Record<string, Made> = {};
  const chains: Record<string, string> = {};

  for (const certificate of objects.certificates) {
    const annotations = certificate.metadata.annotations ?? {};
    const signer = annotations['trustwright.test/signer'] as string | undefined;
    const valid = annotations['trustwright.test/valid'] as string | undefined;
    if (!signer || !valid) continue;
    const [startDays, endDays] = valid.split('..').map(Number);
    const id = `${certificate.metadata.namespace}/${certificate.metadata.name}`;
    const issuer = signer === 'partner' ? partner : signer === 'root' ? root : intermediate;
    const leaf = workshop.signed(`leaf-${certificate.metadata.namespace}-${certificate.metadata.name}`, issuer, {
      cn: certificate.spec.dnsNames[0],
      start: new Date(now + startDays * DAY),
      end: new Date(now + endDays * DAY),
    });
    leaves[id] = leaf;
    const facts = workshop.facts(leaf);
    const duration = facts.notAfter.getTime() - facts.notBefore.getTime();
    certificate.status = {
      ...certificate.status,
      notBefore: facts.notBefore.toISOString().replace('.000Z', 'Z'),
      notAfter: facts.notAfter.toISOString().replace('.000Z', 'Z'),
      renewalTime: new Date(facts.notBefore.getTime() + (duration * 2) / 3).toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    const chain = signer === 'intermediate' ? leaf.pem + intermediate.pem : leaf.pem;
    const key = readFileSync(leaf.keyPath, 'utf8');
    keys.push(key);
    const secretId = `${certificate.metadata.namespace}/${certificate.spec.secretName}`;
    chains[secretId] = chain;
    objects.secrets.push(tlsSecret(certificate.metadata.namespace!, certificate.spec.secretName, chain, key, signer === 'partner' ? partner.pem : root.pem, certificate.metadata.name));
  }

  // The CA issuer's key pair, and a Secret that is not TLS at all (never to be listed).
  const caKey = readFileSync(intermediate.keyPath, 'utf8');
  keys.push(caKey);
  objects.secrets.push(tlsSecret('cert-manager', 'internal-intermediate-ca', intermediate.pem, caKey, root.pem));
  objects.secrets.push({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'db-password', namespace: 'payments' }, data: { password: b64('hunter2-not-a-real-password') } });

  // Bundles: the generated roots in place of the placeholders, and the ConfigMaps trust-manager writes.
  const placeholders: Record<string, string> = { '${ROOT_PEM}': root.pem, '${PARTNER_PEM}': partner.pem };
  for (const bundle of objects.bundles) {
    for (const source of bundle.spec.sources) if (typeof source.inLine === 'string') source.inLine = placeholders[source.inLine.trim()] ?? source.inLine;
  }
  const reach: Record<string, string[]> = { 'internal-ca': ['apps', 'payments'], 'partner-roots': ['team-b'] };
  for (const bundle of objects.bundles) {
    const pem = bundle.spec.sources.map((s: { inLine?: string }) => s.inLine ?? '').join('');
    for (const namespace of reach[bundle.metadata.name] ?? []) {
      objects.configmaps.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: bundle.metadata.name, namespace, labels: { 'trust.cert-manager.io/bundle': bundle.metadata.name } }, data: { 'ca.crt': pem } });
    }
  }
  return { objects, root, intermediate, partner, leaves, chains, keys };
}

export function loadInto(server: FakeApiServer, cluster: FixtureCluster): void {
  for (const key of STORAGE_KEYS) server.load(key, cluster.objects[key]);
}

/** `count` more Certificates (statuses only) spread over `namespaces` namespaces: a large cluster. */
export function manyCertificates(count: number, namespaces: number, now = Date.now()): { namespaces: Obj[]; certificates: Obj[] } {
  const nsList = Array.from({ length: namespaces }, (_, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `tenant-${String(i).padStart(3, '0')}`, labels: { tenant: 'yes' } } }));
  const certificates = Array.from({ length: count }, (_, i) => {
    const expires = new Date(now + ((i % 400) - 20) * DAY);
    return {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: `svc-${String(i).padStart(5, '0')}`, namespace: nsList[i % namespaces].metadata.name, generation: 1 },
      spec: { secretName: `svc-${i}-tls`, dnsNames: [`svc-${i}.example.com`], issuerRef: { name: 'internal-ca', kind: 'ClusterIssuer' } },
      status: {
        conditions: [{ type: 'Ready', status: i % 50 === 7 ? 'False' : 'True', reason: i % 50 === 7 ? 'Failed' : 'Ready' }],
        notAfter: expires.toISOString(),
        notBefore: new Date(expires.getTime() - 90 * DAY).toISOString(),
        renewalTime: new Date(expires.getTime() - 30 * DAY).toISOString(),
      },
    };
  });
  return { namespaces: nsList, certificates };
}

export { Workshop };
