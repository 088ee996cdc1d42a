// The cluster views as plain data: what each node says, which icon it gets, what can be done on it.
// The VS Code client maps nodes to TreeItems one to one and decides nothing itself; tests read the
// same nodes without VS Code. Children are computed when asked, so a cluster with thousands of
// Certificates costs only the namespaces a person opens, and a Secret's certificates are decoded
// only when its node is expanded (and then cached by content).
import { codeLensTitle } from '../pem/render';
import { faultLabel } from './faults';
import { objectKey, RESOURCES, type KubeObject, type ResourceKey } from './resources';
import type { ClusterSnapshot } from './session';
import {
  bundleStatus,
  certificateLine,
  certificatesOf,
  certificateStatus,
  day,
  fromNow,
  HEALTH_WORDS,
  issuerStatus,
  reachedNamespaces,
  sansText,
  secretCertificatePem,
  secretStatus,
  worst,
  type BundleStatus,
  type Health,
} from './status';

export type ViewKind = 'certificates' | 'issuers' | 'bundles' | 'secrets';

export type NodeKind =
  | 'context'
  | 'namespace'
  | 'group'
  | 'certificate'
  | 'chain-certificate'
  | 'request'
  | 'issuer'
  | 'external-issuer'
  | 'bundle'
  | 'bundle-source'
  | 'bundle-target'
  | 'bundle-namespace'
  | 'secret'
  | 'note'
  | 'fault';

export type NodeIcon =
  | 'context'
  | 'offline'
  | 'namespace'
  | Health
  | 'forbidden'
  | 'missing'
  | 'error'
  | 'loading'
  | 'certificate'
  | 'group'
  | 'source'
  | 'info';

/** Things that can be done on a node; the client turns them into context-menu entries. */
export type NodeAction = 'openYaml' | 'inspect' | 'copyFingerprint' | 'verify' | 'renew';

export interface ObjectRef {
  readonly resource: ResourceKey;
  readonly namespace?: string;
  readonly name: string;
}

export interface TreeNode {
  /** Stable across refreshes, so an expanded node stays expanded. */
  readonly id: string;
  readonly view: ViewKind;
  readonly kind: NodeKind;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  readonly icon: NodeIcon;
  readonly expandable: boolean;
  readonly expanded?: boolean;
  readonly ref?: ObjectRef;
  /** A certificate inside a Secret's tls.crt (0 = the leaf). */
  readonly pem?: { readonly secret: ObjectRef; readonly index: number };
  readonly namespace?: string;
  readonly group?: string;
  readonly actions: readonly NodeAction[];
}

export interface TreeOptions {
  readonly now: number;
  /** Certificates expiring within this many days are "expiring". */
  readonly warningDays: number;
}

// ---------------------------------------------------------------------------------------------
// An index of one snapshot, built once per snapshot.
interface Index {
  certificatesByNamespace: Map<string, KubeObject[]>;
  issuersByNamespace: Map<string, KubeObject[]>;
  secretsByNamespace: Map<string, KubeObject[]>;
  requestsByCertificate: Map<string, KubeObject[]>;
}

const indexes = new WeakMap<ClusterSnapshot, Index>();

function group(objects: Iterable<KubeObject>, by: (o: KubeObject) => string | undefined): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const key = by(o);
    if (key === undefined) continue;
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(o);
  }
  for (const list of out.values()) list.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

function indexOf(snapshot: ClusterSnapshot): Index {
  let index = indexes.get(snapshot);
  if (index) return index;
  const r = snapshot.resources;
  index = {
    certificatesByNamespace: group(r.certificates.items.values(), (o) => o.metadata.namespace ?? ''),
    issuersByNamespace: group(r.issuers.items.values(), (o) => o.metadata.namespace ?? ''),
    secretsByNamespace: group(r.tlsSecrets.items.values(), (o) => o.metadata.namespace ?? ''),
    requestsByCertificate: group(r.certificaterequests.items.values(), (o) => {
      const owner = o.metadata.ownerReferences?.find((ref) => ref.kind === 'Certificate')?.name ?? o.metadata.annotations?.['cert-manager.io/certificate-name'];
      return owner ? `${o.metadata.namespace}/${owner}` : undefined;
    }),
  };
  indexes.set(snapshot, index);
  return index;
}

// ---------------------------------------------------------------------------------------------
const HEALTH_ICON: Readonly<Record<Health, NodeIcon>> = { ok: 'ok', expiring: 'expiring', expired: 'expired', 'not-ready': 'not-ready', issuing: 'issuing', unknown: 'unknown' };

function contextNode(snapshot: ClusterSnapshot, view: ViewKind): TreeNode {
  const live = snapshot.source === 'live';
  const description = live ? `${snapshot.location}${snapshot.namespace ? ` · namespace ${snapshot.namespace}` : ''}` : `offline: ${snapshot.location}`;
  return {
    id: `${view}/context/${snapshot.source}/${snapshot.name}`,
    view,
    kind: 'context',
    label: snapshot.name,
    description,
    tooltip: live ? `Context ${snapshot.name}\n${snapshot.location}` : `Read from ${snapshot.location}; nothing here is live`,
    icon: live ? 'context' : 'offline',
    expandable: true,
    expanded: true,
    actions: [],
  };
}

function note(parent: string, view: ViewKind, label: string, icon: NodeIcon = 'info', tooltip?: string): TreeNode {
  return { id: `${parent}/note/${label}`, view, kind: icon === 'info' || icon === 'loading' ? 'note' : 'fault', label, tooltip: tooltip ?? label, icon, expandable: false, actions: [] };
}

/**
 * What a kind's state means for a node that lists it: a fault note (forbidden, missing, unreachable…),
 * "loading…", a scope note, or nothing. Faults show only on the nodes of the kind they affect.
 */
function stateNotes(snapshot: ClusterSnapshot, key: ResourceKey, parent: string, view: ViewKind): TreeNode[] {
  const state = snapshot.resources[key];
  const type = RESOURCES[key];
  const notes: TreeNode[] = [];
  if (state.fault) {
    const icon: NodeIcon = state.fault.kind === 'forbidden' ? 'forbidden' : state.fault.kind === 'missing' ? 'missing' : 'error';
    const stale = state.phase === 'ready' && state.items.size > 0 ? ' (showing the last objects read)' : '';
    notes.push(note(parent, view, `${faultLabel(state.fault, type)}${stale}`, icon, state.fault.message));
  } else if (state.phase === 'loading') {
    notes.push(note(parent, view, `loading ${type.qualified}…`, 'loading'));
  }
  if (state.scope) notes.push(note(parent, view, `only namespace ${state.scope}: no permission to list ${type.qualified} in every namespace`, 'info'));
  return notes;
}

function emptyNote(parent: string, view: ViewKind, what: string, snapshot: ClusterSnapshot, key: ResourceKey): TreeNode[] {
  const state = snapshot.resources[key];
  return state.phase === 'ready' && !state.fault && state.items.size === 0 ? [note(parent, view, `no ${what}`)] : [];
}

// ---------------------------------------------------------------------------------------------
export function treeRoots(snapshot: ClusterSnapshot, view: ViewKind): TreeNode[] {
  if (snapshot.fault) {
    return [{ ...contextNode(snapshot, view), expandable: false, expanded: false, icon: 'error', description: snapshot.fault.message, tooltip: snapshot.fault.message }];
  }
  return [contextNode(snapshot, view)];
}

export function treeChildren(snapshot: ClusterSnapshot, node: TreeNode, options: TreeOptions): TreeNode[] {
  switch (node.view) {
    case 'certificates':
      return certificateChildren(snapshot, node, options);
    case 'issuers':
      return issuerChildren(snapshot, node);
    case 'bundles':
      return bundleChildren(snapshot, node);
    case 'secrets':
      return secretChildren(snapshot, node, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Certificates: context → namespace → Certificate → (chain, CertificateRequests)
function certificateChildren(snapshot: ClusterSnapshot, node: TreeNode, options: TreeOptions): TreeNode[] {
  const index = indexOf(snapshot);
  if (node.kind === 'context') {
    const namespaces = [...index.certificatesByNamespace].map(([namespace, certificates]): TreeNode => {
      const statuses = certificates.map((c) => certificateStatus(c, options.now, options.warningDays));
      const counts = (['expired', 'not-ready', 'expiring'] as const)
        .map((h) => [h, statuses.filter((s) => s.health === h).length] as const)
        .filter(([, n]) => n > 0)
        .map(([h, n]) => `${n} ${HEALTH_WORDS[h]}`);
      const health = worst(statuses.map((s) => s.health));
      return {
        id: `${node.id}/ns/${namespace}`,
        view: node.view,
        kind: 'namespace',
        label: namespace,
        description: [`${certificates.length} certificate${certificates.length === 1 ? '' : 's'}`, ...counts].join(' · '),
        icon: health === 'ok' ? 'namespace' : HEALTH_ICON[health],
        namespace,
        expandable: true,
        actions: [],
      };
    });
    return [...stateNotes(snapshot, 'certificates', node.id, node.view), ...namespaces, ...emptyNote(node.id, node.view, 'Certificates', snapshot, 'certificates')];
  }
  if (node.kind === 'namespace') {
    return (index.certificatesByNamespace.get(node.namespace!) ?? []).map((certificate) => certificateNode(snapshot, node, certificate, options));
  }
  if (node.kind === 'certificate' && node.ref) return certificateDetails(snapshot, node, options);
  return [];
}

function certificateNode(snapshot: ClusterSnapshot, parent: TreeNode, certificate: KubeObject, options: TreeOptions): TreeNode {
  const status = certificateStatus(certificate, options.now, options.warningDays);
  const lines = [
    `Certificate ${status.namespace}/${status.name}: ${HEALTH_WORDS[status.health]}`,
    `Ready: ${status.ready}${status.readyReason ? ` (${status.readyReason})` : ''}${status.readyMessage ? `: ${status.readyMessage}` : ''}`,
    status.notAfter ? `Not after: ${status.notAfter.toISOString()} (${fromNow(status.notAfter, options.now)})` : 'Not after: not in status',
    status.renewalTime ? `Renewal: ${status.renewalTime.toISOString()} (${fromNow(status.renewalTime, options.now)})` : '',
    status.issuerRef ? `Issuer: ${status.issuerRef.kind} ${status.issuerRef.name}${status.issuerRef.group !== 'cert-manager.io' ? ` (${status.issuerRef.group})` : ''}` : '',
    status.secretName ? `Secret: ${status.secretName}` : '',
    status.dnsNames.length ? `DNS names: ${status.dnsNames.join(', ')}` : '',
  ].filter(Boolean);
  const actions: NodeAction[] = ['openYaml', 'inspect', 'copyFingerprint', 'verify'];
  if (snapshot.source === 'live') actions.push('renew');
  return {
    id: `${parent.id}/${status.name}`,
    view: parent.view,
    kind: 'certificate',
    label: status.name,
    description: certificateLine(status, options.now),
    tooltip: lines.join('\n'),
    icon: HEALTH_ICON[status.health],
    expandable: true,
    ref: { resource: 'certificates', namespace: status.namespace, name: status.name },
    namespace: status.namespace,
    actions,
  };
}

/** The Secret a Certificate writes, when the snapshot holds it. */
export function secretOfCertificate(snapshot: ClusterSnapshot, certificate: KubeObject): KubeObject | undefined {
  const name = typeof certificate.spec?.secretName === 'string' ? certificate.spec.secretName : undefined;
  return name ? snapshot.resources.tlsSecrets.items.get(`${certificate.metadata.namespace}/${name}`) : undefined;
}

function certificateDetails(snapshot: ClusterSnapshot, node: TreeNode, options: TreeOptions): TreeNode[] {
  const certificate = snapshot.resources.certificates.items.get(objectKey({ metadata: { name: node.ref!.name, namespace: node.ref!.namespace } }));
  if (!certificate) return [];
  const out: TreeNode[] = [];
  const secretName = typeof certificate.spec?.secretName === 'string' ? certificate.spec.secretName : undefined;
  const secret = secretOfCertificate(snapshot, certificate);
  if (secret) out.push(...chainNodes(node, secret, options));
  else if (secretName) {
    const secrets = snapshot.resources.tlsSecrets;
    if (secrets.fault) out.push(note(node.id, node.view, `Secret ${secretName}: ${faultLabel(secrets.fault, secrets.type)}`, secrets.fault.kind === 'forbidden' ? 'forbidden' : 'error'));
    else out.push(note(node.id, node.view, `Secret ${secretName} does not exist (yet)`));
  }
  const requests = indexOf(snapshot).requestsByCertificate.get(`${node.ref!.namespace}/${node.ref!.name}`) ?? [];
  for (const request of requests) {
    const ready = request.status?.conditions as { type: string; status: string; reason?: string; message?: string }[] | undefined;
    const find = (type: string) => ready?.find((c) => c.type === type);
    const approved = find('Approved')?.status === 'True' ? 'Approved' : find('Denied')?.status === 'True' ? 'Denied' : 'not approved yet';
    const r = find('Ready');
    const revision = request.metadata.annotations?.['cert-manager.io/certificate-revision'];
    const health: Health = r?.status === 'True' ? 'ok' : r?.reason === 'Pending' || !r ? 'issuing' : 'not-ready';
    out.push({
      id: `${node.id}/cr/${request.metadata.name}`,
      view: node.view,
      kind: 'request',
      label: `CertificateRequest ${request.metadata.name}`,
      description: [revision ? `revision ${revision}` : '', approved, r ? `Ready ${r.status}${r.reason ? ` (${r.reason})` : ''}` : 'no Ready condition'].filter(Boolean).join(' · '),
      tooltip: r?.message ?? undefined,
      icon: HEALTH_ICON[health],
      expandable: false,
      ref: { resource: 'certificaterequests', namespace: request.metadata.namespace, name: request.metadata.name },
      actions: ['openYaml'],
    });
  }
  const scope = snapshot.resources.certificaterequests;
  if (scope.fault) out.push(note(node.id, node.view, `CertificateRequests: ${faultLabel(scope.fault, scope.type)}`, scope.fault.kind === 'forbidden' ? 'forbidden' : 'error'));
  return out;
}

/** One node per certificate of a Secret's tls.crt: the CodeLens line, decoded once per content. */
function chainNodes(parent: TreeNode, secret: KubeObject, options: TreeOptions): TreeNode[] {
  const ref: ObjectRef = { resource: 'tlsSecrets', namespace: secret.metadata.namespace, name: secret.metadata.name };
  const certificates = certificatesOf(secretCertificatePem(secret));
  if (certificates.length === 0) return [note(parent.id, parent.view, `Secret ${secret.metadata.name}: tls.crt holds no certificate`, 'error')];
  return certificates.map((c) => {
    const s = c.summary;
    const health: Health = !s ? 'unknown' : s.notAfter.getTime() < options.now ? 'expired' : s.notAfter.getTime() - options.now < options.warningDays * 86400_000 ? 'expiring' : 'ok';
    return {
      id: `${parent.id}/pem/${c.index}`,
      view: parent.view,
      kind: 'chain-certificate',
      label: s ? codeLensTitle(s, options.now) : 'certificate that does not parse',
      description: `${c.index === 0 && !s?.isCA ? 'leaf' : `certificate ${c.index + 1}`} of Secret ${secret.metadata.name}`,
      tooltip: s ? `Subject: ${s.subject}\nIssuer: ${s.issuer}\nValid: ${s.notBefore.toISOString()} → ${s.notAfter.toISOString()}\nSHA-256: ${s.sha256}` : undefined,
      icon: health === 'ok' ? 'certificate' : HEALTH_ICON[health],
      expandable: false,
      pem: { secret: ref, index: c.index },
      actions: ['inspect', 'copyFingerprint', ...(c.index === 0 ? (['verify'] as const) : [])],
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Issuers: context → ClusterIssuers / namespace → issuer; external issuers as referenced.
function issuerChildren(snapshot: ClusterSnapshot, node: TreeNode): TreeNode[] {
  const index = indexOf(snapshot);
  if (node.kind === 'context') {
    const clusterIssuers = snapshot.resources.clusterissuers;
    const out: TreeNode[] = [
      {
        id: `${node.id}/cluster`,
        view: node.view,
        kind: 'group',
        label: 'ClusterIssuers',
        description: clusterIssuers.fault ? faultLabel(clusterIssuers.fault, clusterIssuers.type) : `${clusterIssuers.items.size}`,
        icon: clusterIssuers.fault ? (clusterIssuers.fault.kind === 'forbidden' ? 'forbidden' : 'error') : 'group',
        group: 'clusterissuers',
        expandable: true,
        expanded: true,
        actions: [],
      },
    ];
    out.push(...stateNotes(snapshot, 'issuers', node.id, node.view));
    for (const [namespace, issuers] of index.issuersByNamespace) {
      const health = worst(issuers.map((i) => issuerStatus(i, 'Issuer').health));
      out.push({
        id: `${node.id}/ns/${namespace}`,
        view: node.view,
        kind: 'namespace',
        label: namespace,
        description: `${issuers.length} Issuer${issuers.length === 1 ? '' : 's'}`,
        icon: health === 'ok' || health === 'unknown' ? 'namespace' : HEALTH_ICON[health],
        namespace,
        expandable: true,
        actions: [],
      });
    }
    const external = externalIssuers(snapshot);
    if (external.length > 0) {
      out.push({ id: `${node.id}/external`, view: node.view, kind: 'group', label: 'External issuers', description: `${external.length} referenced`, tooltip: 'Issuers of other API groups, as Certificates reference them; their status is not read', icon: 'group', group: 'external', expandable: true, actions: [] });
    }
    return out;
  }
  if (node.kind === 'group' && node.group === 'clusterissuers') {
    const items = [...snapshot.resources.clusterissuers.items.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    return [...stateNotes(snapshot, 'clusterissuers', node.id, node.view), ...items.map((i) => issuerNode(node, i, 'ClusterIssuer')), ...emptyNote(node.id, node.view, 'ClusterIssuers', snapshot, 'clusterissuers')];
  }
  if (node.kind === 'group' && node.group === 'external') {
    return externalIssuers(snapshot).map(({ key, count }) => ({
      id: `${node.id}/${key}`,
      view: node.view,
      kind: 'external-issuer',
      label: key,
      description: `external · referenced by ${count} Certificate${count === 1 ? '' : 's'}`,
      icon: 'unknown',
      expandable: false,
      actions: [],
    }));
  }
  if (node.kind === 'namespace') return (index.issuersByNamespace.get(node.namespace!) ?? []).map((i) => issuerNode(node, i, 'Issuer'));
  return [];
}

function issuerNode(parent: TreeNode, issuer: KubeObject, kind: 'Issuer' | 'ClusterIssuer'): TreeNode {
  const s = issuerStatus(issuer, kind);
  const readiness = s.ready === 'True' ? 'Ready' : s.ready === 'absent' ? 'no Ready condition' : `not Ready${s.reason ? ` (${s.reason})` : ''}`;
  return {
    id: `${parent.id}/${s.name}`,
    view: parent.view,
    kind: 'issuer',
    label: s.name,
    description: `${s.type} · ${readiness}`,
    tooltip: [`${kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`, `Type: ${s.type}${s.detail ? ` (${s.detail})` : ''}`, `Ready: ${s.ready}${s.message ? `: ${s.message}` : ''}`].join('\n'),
    icon: HEALTH_ICON[s.health],
    expandable: false,
    ref: { resource: kind === 'Issuer' ? 'issuers' : 'clusterissuers', namespace: s.namespace, name: s.name },
    actions: ['openYaml'],
  };
}

/** `group/Kind name` of every issuer of another API group that a Certificate references. */
function externalIssuers(snapshot: ClusterSnapshot): { key: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const certificate of snapshot.resources.certificates.items.values()) {
    const ref = certificate.spec?.issuerRef as { group?: string; kind?: string; name?: string } | undefined;
    if (!ref?.name || !ref.group || ref.group === 'cert-manager.io') continue;
    const scope = /Cluster/.test(ref.kind ?? '') ? '' : `${certificate.metadata.namespace}/`;
    const key = `${ref.group}/${ref.kind ?? 'Issuer'} ${scope}${ref.name}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => ({ key, count }));
}

// ---------------------------------------------------------------------------------------------
// Trust bundles: context → Bundle / ClusterBundle → sources, target, namespaces reached.
export function bundleObject(snapshot: ClusterSnapshot, ref: ObjectRef): { object: KubeObject; status: BundleStatus } | undefined {
  const object = snapshot.resources[ref.resource].items.get(ref.name);
  if (!object) return undefined;
  return { object, status: bundleStatus(object, ref.resource === 'clusterbundles' ? 'ClusterBundle' : 'Bundle') };
}

/** The namespaces a bundle reaches, or why that cannot be known. */
export function bundleReach(snapshot: ClusterSnapshot, status: BundleStatus): { namespaces: string[]; problem?: string; labelsUnknown?: boolean } {
  const state = snapshot.resources.namespaces;
  if (state.fault && state.items.size === 0) return { namespaces: [], problem: faultLabel(state.fault, state.type) };
  const namespaces = reachedNamespaces(status, [...state.items.values()]);
  return { namespaces, labelsUnknown: state.derived };
}

function bundleChildren(snapshot: ClusterSnapshot, node: TreeNode): TreeNode[] {
  if (node.kind === 'context') {
    const out: TreeNode[] = [];
    for (const key of ['bundles', 'clusterbundles'] as const) {
      const state = snapshot.resources[key];
      // trust-manager not installed: one quiet note, not an error.
      if (state.fault?.kind === 'missing') {
        out.push(note(node.id, node.view, key === 'bundles' ? 'trust-manager is not installed (no Bundle CRD): nothing to show' : 'ClusterBundle (trust-manager.io/v1alpha2) is not served in this cluster', 'missing', state.fault.message));
        continue;
      }
      out.push(...stateNotes(snapshot, key, `${node.id}/${key}`, node.view));
      const items = [...state.items.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      for (const object of items) out.push(bundleNode(snapshot, node, key, object));
    }
    if (out.length === 0 || out.every((n) => n.kind === 'note' && n.icon === 'missing')) {
      if (snapshot.resources.bundles.phase === 'ready' && !snapshot.resources.bundles.fault && snapshot.resources.bundles.items.size === 0) out.push(note(node.id, node.view, 'no Bundles'));
    }
    return out;
  }
  if (node.kind === 'bundle' && node.ref) {
    const found = bundleObject(snapshot, node.ref);
    if (!found) return [];
    const { status } = found;
    const out: TreeNode[] = status.sources.map((source, i) => ({
      id: `${node.id}/source/${i}`,
      view: node.view,
      kind: 'bundle-source' as const,
      label: source.text,
      description: 'source',
      icon: 'source' as const,
      expandable: false,
      actions: [],
    }));
    for (const target of status.targets) {
      out.push({ id: `${node.id}/target/${target.kind}/${target.key}`, view: node.view, kind: 'bundle-target', label: `${target.kind} ${status.name}, key ${target.key}`, description: 'target in each namespace', icon: 'source', expandable: false, actions: [] });
    }
    const reach = bundleReach(snapshot, status);
    out.push({
      id: `${node.id}/namespaces`,
      view: node.view,
      kind: 'group',
      label: 'Namespaces',
      description: reach.problem ?? `${reach.namespaces.length} reached · selector: ${status.selectorText}`,
      tooltip: reach.labelsUnknown ? 'The source holds no Namespace objects: their labels are unknown, so the selector was matched against no labels' : `namespaceSelector: ${status.selectorText}`,
      icon: reach.problem ? 'forbidden' : 'group',
      group: 'bundle-namespaces',
      ref: node.ref,
      expandable: !reach.problem && reach.namespaces.length > 0,
      actions: [],
    });
    return out;
  }
  if (node.kind === 'group' && node.group === 'bundle-namespaces' && node.ref) {
    const found = bundleObject(snapshot, node.ref);
    if (!found) return [];
    return bundleReach(snapshot, found.status).namespaces.map((namespace) => ({
      id: `${node.id}/${namespace}`,
      view: node.view,
      kind: 'bundle-namespace' as const,
      label: namespace,
      description: 'receives the bundle',
      icon: 'namespace' as const,
      namespace,
      ref: node.ref,
      expandable: false,
      actions: [],
    }));
  }
  return [];
}

function bundleNode(snapshot: ClusterSnapshot, parent: TreeNode, key: 'bundles' | 'clusterbundles', object: KubeObject): TreeNode {
  const status = bundleStatus(object, key === 'bundles' ? 'Bundle' : 'ClusterBundle');
  const reach = bundleReach(snapshot, status);
  const synced = status.synced === 'True' ? 'Synced' : status.synced === 'absent' ? 'no Synced condition' : `not Synced${status.reason ? ` (${status.reason})` : ''}`;
  const reached = reach.problem ? 'namespaces unknown' : `${reach.namespaces.length} namespace${reach.namespaces.length === 1 ? '' : 's'}`;
  return {
    id: `${parent.id}/${key}/${status.name}`,
    view: parent.view,
    kind: 'bundle',
    label: status.name,
    description: `${status.kind} · ${synced} · ${status.sources.length} source${status.sources.length === 1 ? '' : 's'} · ${reached}`,
    tooltip: [`${status.kind} ${status.name}`, `Synced: ${status.synced}${status.message ? `: ${status.message}` : ''}`, `namespaceSelector: ${status.selectorText}`].join('\n'),
    icon: HEALTH_ICON[status.health],
    expandable: true,
    ref: { resource: key, name: status.name },
    actions: ['openYaml'],
  };
}

// ---------------------------------------------------------------------------------------------
// TLS Secrets: context → namespace → Secret → its certificates.
function secretChildren(snapshot: ClusterSnapshot, node: TreeNode, options: TreeOptions): TreeNode[] {
  const index = indexOf(snapshot);
  if (node.kind === 'context') {
    const namespaces = [...index.secretsByNamespace].map(([namespace, secrets]): TreeNode => ({
      id: `${node.id}/ns/${namespace}`,
      view: node.view,
      kind: 'namespace',
      label: namespace,
      description: `${secrets.length} TLS Secret${secrets.length === 1 ? '' : 's'}`,
      icon: 'namespace',
      namespace,
      expandable: true,
      actions: [],
    }));
    return [...stateNotes(snapshot, 'tlsSecrets', node.id, node.view), ...namespaces, ...emptyNote(node.id, node.view, 'TLS Secrets', snapshot, 'tlsSecrets')];
  }
  if (node.kind === 'namespace') {
    return (index.secretsByNamespace.get(node.namespace!) ?? []).map((secret): TreeNode => {
      const s = secretStatus(secret, options.now, options.warningDays);
      const leaf = s.leaf;
      const cn = leaf ? (leaf.commonName ? `CN=${leaf.commonName}` : leaf.subject || '(no subject)') : s.problem ?? '';
      const description = leaf
        ? [cn, leaf.sans.dns.length || leaf.sans.ip.length ? sansText(leaf) : '', `${leaf.notAfter.getTime() < options.now ? 'expired' : 'expires'} ${day(leaf.notAfter)}`, `issuer ${/CN=([^,]*)/.exec(leaf.issuer)?.[0] ?? leaf.issuer}`].filter(Boolean).join(' · ')
        : cn;
      return {
        id: `${node.id}/${s.name}`,
        view: node.view,
        kind: 'secret',
        label: s.name,
        description,
        tooltip: leaf
          ? [`Secret ${s.namespace}/${s.name}${s.certificateName ? ` (written by Certificate ${s.certificateName})` : ''}`, `Subject: ${leaf.subject}`, `SANs: ${sansText(leaf) || 'none'}`, `Issuer: ${leaf.issuer}`, `Not after: ${leaf.notAfter.toISOString()} (${fromNow(leaf.notAfter, options.now)})`, `Chain: ${s.chainLength} certificate(s)`].join('\n')
          : s.problem,
        icon: HEALTH_ICON[s.health],
        expandable: s.chainLength > 0,
        ref: { resource: 'tlsSecrets', namespace: s.namespace, name: s.name },
        namespace: s.namespace,
        actions: leaf ? ['openYaml', 'inspect', 'copyFingerprint', 'verify'] : ['openYaml'],
      };
    });
  }
  if (node.kind === 'secret' && node.ref) {
    const secret = snapshot.resources.tlsSecrets.items.get(`${node.ref.namespace}/${node.ref.name}`);
    return secret ? chainNodes(node, secret, options) : [];
  }
  return [];
}

/** Every node of a view, depth first, expanding everything (tests and the CLI's offline checks). */
export function walkTree(snapshot: ClusterSnapshot, view: ViewKind, options: TreeOptions): { node: TreeNode; depth: number }[] {
  const out: { node: TreeNode; depth: number }[] = [];
  const visit = (node: TreeNode, depth: number) => {
    out.push({ node, depth });
    if (node.expandable) for (const child of treeChildren(snapshot, node, options)) visit(child, depth + 1);
  };
  for (const root of treeRoots(snapshot, view)) visit(root, 0);
  return out;
}
