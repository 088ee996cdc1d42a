// The mTLS handshake question asked of a live (or saved) cluster: would a client in namespace N,
// trusting what the bundle delivers to N, accept the certificate a server presents from Secret S?
// What N receives is read where trust-manager wrote it (the target ConfigMap or Secret named after
// the bundle, in N); when that cannot be read it is composed from the bundle's own sources, and the
// answer says so.
import { verifyChain, type ChainVerdict } from '../pki/verify';
import type { KubeClient } from './client';
import { ClusterFault } from './faults';
import { RESOURCES, type KubeObject } from './resources';
import type { ClusterSnapshot } from './session';
import { secretCertificatePem, type BundleStatus } from './status';
import { bundleObject, bundleReach, type ObjectRef } from './tree';

export interface BundleCheckInput {
  readonly snapshot: ClusterSnapshot;
  /** The live client; absent for offline sources. */
  readonly client?: KubeClient;
  /** trust-manager's trust namespace, where Bundle sources are read. */
  readonly trustNamespace: string;
  readonly secret: ObjectRef;
  readonly bundle: ObjectRef;
  /** The namespace of the client whose trust is in question. */
  readonly namespace: string;
  readonly now?: number;
  readonly host?: string;
}

export interface BundleCheck {
  readonly accepted: boolean;
  /** Whether the bundle's selector reaches the namespace (undefined: cannot be known). */
  readonly delivered?: boolean;
  readonly verdict: ChainVerdict;
  /** Where the trusted certificates were read. */
  readonly bundleSource: string;
  readonly notes: readonly string[];
  /** One sentence that answers the question. */
  readonly summary: string;
}

type Read = (resource: 'configmaps' | 'secrets', namespace: string, name: string, key: string) => Promise<string | undefined>;

function offlineReader(snapshot: ClusterSnapshot): Read {
  return async (resource, namespace, name, key) => {
    const pool: readonly KubeObject[] =
      resource === 'configmaps' ? snapshot.offline?.configMaps ?? [] : [...(snapshot.offline?.otherSecrets ?? []), ...snapshot.resources.tlsSecrets.items.values()];
    const found = pool.find((o) => o.metadata.namespace === namespace && o.metadata.name === name);
    const value = found?.data?.[key];
    if (typeof value !== 'string') return undefined;
    return resource === 'secrets' ? Buffer.from(value, 'base64').toString('utf8') : value;
  };
}

function liveReader(client: KubeClient): Read {
  return async (resource, namespace, name, key) => {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}`;
    try {
      const object = await client.getPath(path, `get ${resource === 'configmaps' ? 'ConfigMap' : 'Secret'} ${namespace}/${name}`, resource === 'secrets' ? [key] : undefined);
      const value = object.data?.[key];
      if (typeof value !== 'string') return undefined;
      return resource === 'secrets' ? Buffer.from(value, 'base64').toString('utf8') : value;
    } catch (error) {
      if (error instanceof ClusterFault && error.kind === 'not-found') return undefined;
      throw error;
    }
  };
}

/** The certificates the bundle puts into `namespace`, and where they were read. */
async function deliveredPem(status: BundleStatus, namespace: string, read: Read, trustNamespace: string): Promise<{ pem: string; source: string; notes: string[] }> {
  const notes: string[] = [];
  for (const target of status.targets) {
    try {
      const pem = await read(target.kind === 'ConfigMap' ? 'configmaps' : 'secrets', namespace, status.name, target.key);
      if (pem !== undefined) return { pem, source: `${target.kind} ${namespace}/${status.name}, key ${target.key} (what trust-manager wrote there)`, notes };
      notes.push(`${target.kind} ${namespace}/${status.name} (key ${target.key}) was not found`);
    } catch (error) {
      notes.push(`${target.kind} ${namespace}/${status.name}: ${(error as Error).message}`);
    }
  }
  // Not readable where it is delivered: compose it from the sources, as trust-manager would.
  const parts: string[] = [];
  for (const source of status.sources) {
    if (source.type === 'inLine' && source.pem) parts.push(source.pem);
    else if ((source.type === 'configMap' || source.type === 'secret') && source.name && source.key && source.key !== '*' && !source.selector) {
      try {
        const pem = await read(source.type === 'configMap' ? 'configmaps' : 'secrets', trustNamespace, source.name, source.key);
        if (pem !== undefined) parts.push(pem);
        else notes.push(`source ${source.text} was not found in the trust namespace ${trustNamespace}`);
      } catch (error) {
        notes.push(`source ${source.text}: ${(error as Error).message}`);
      }
    } else if (source.type === 'useDefaultCAs' || source.type === 'defaultCAs') {
      notes.push('the public CAs (default CAs) are not part of this check');
    } else {
      notes.push(`source ${source.text} cannot be resolved here (selector or every key)`);
    }
  }
  return { pem: parts.join('\n'), source: `${status.kind} ${status.name}'s own sources (composed as trust-manager would)`, notes };
}

export async function checkSecretAgainstBundle(input: BundleCheckInput): Promise<BundleCheck> {
  const { snapshot, secret: secretRef, bundle: bundleRef, namespace } = input;
  const read = input.client ? liveReader(input.client) : offlineReader(snapshot);

  let chainPem = secretCertificatePem(snapshot.resources.tlsSecrets.items.get(`${secretRef.namespace}/${secretRef.name}`));
  if (!chainPem && input.client) chainPem = (await read('secrets', secretRef.namespace ?? 'default', secretRef.name, 'tls.crt')) ?? '';
  if (!chainPem) throw new ClusterFault('not-found', `Secret ${secretRef.namespace}/${secretRef.name} has no tls.crt (or does not exist, or cannot be read)`);

  const found = bundleObject(snapshot, bundleRef);
  if (!found) throw new ClusterFault('not-found', `${RESOURCES[bundleRef.resource].kind} ${bundleRef.name} does not exist (or cannot be listed)`);
  const { status } = found;

  const reach = bundleReach(snapshot, status);
  const notes: string[] = [];
  let delivered: boolean | undefined;
  if (reach.problem) notes.push(`which namespaces receive the bundle is unknown: ${reach.problem}`);
  else if (reach.labelsUnknown) notes.push('namespace labels are unknown in this source, so whether the bundle reaches the namespace is not known');
  else delivered = reach.namespaces.includes(namespace);

  const content = await deliveredPem(status, namespace, read, input.trustNamespace);
  notes.push(...content.notes);
  const verdict = verifyChain(chainPem, content.pem, { now: input.now, host: input.host, purpose: 'server' });
  const who = `a client in namespace ${namespace} trusting ${status.kind} ${status.name}`;
  const what = `the certificate of Secret ${secretRef.namespace}/${secretRef.name}`;
  let summary: string;
  let accepted: boolean;
  if (delivered === false) {
    accepted = false;
    summary = `${status.kind} ${status.name} is not delivered to namespace ${namespace} (its namespaceSelector ${status.selectorText} does not match), so ${what} is not trusted there`;
  } else {
    accepted = verdict.ok;
    summary = `${who[0].toUpperCase()}${who.slice(1)} would ${verdict.ok ? 'accept' : 'reject'} ${what}: ${verdict.reason}`;
  }
  return { accepted, delivered, verdict, bundleSource: content.source, notes, summary };
}
