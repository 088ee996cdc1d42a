// The kinds the cluster views read, as the API server names them, and the plain shape of the
// objects that come back. Everything is read-only except the status update of `renew`.

export type ResourceKey =
  | 'namespaces'
  | 'certificates'
  | 'certificaterequests'
  | 'issuers'
  | 'clusterissuers'
  | 'bundles'
  | 'clusterbundles'
  | 'tlsSecrets';

export interface ResourceType {
  readonly key: ResourceKey;
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Narrows what is read (and so what secret data ever reaches us). */
  readonly fieldSelector?: string;
  /** `certificates.cert-manager.io`, as kubectl and RBAC messages name it. */
  readonly qualified: string;
  /** What installs the kind; named in the note shown when it is missing. */
  readonly installedBy: 'Kubernetes' | 'cert-manager' | 'trust-manager';
}

function type(key: ResourceKey, group: string, version: string, plural: string, kind: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType {
  const installedBy = group === '' ? 'Kubernetes' : group === 'cert-manager.io' ? 'cert-manager' : 'trust-manager';
  return { key, group, version, plural, kind, namespaced, qualified: group ? `${plural}.${group}` : plural, installedBy, ...extra };
}

export const RESOURCES: Readonly<Record<ResourceKey, ResourceType>> = {
  namespaces: type('namespaces', '', 'v1', 'namespaces', 'Namespace', false),
  certificates: type('certificates', 'cert-manager.io', 'v1', 'certificates', 'Certificate', true),
  certificaterequests: type('certificaterequests', 'cert-manager.io', 'v1', 'certificaterequests', 'CertificateRequest', true),
  issuers: type('issuers', 'cert-manager.io', 'v1', 'issuers', 'Issuer', true),
  clusterissuers: type('clusterissuers', 'cert-manager.io', 'v1', 'clusterissuers', 'ClusterIssuer', false),
  bundles: type('bundles', 'trust.cert-manager.io', 'v1alpha1', 'bundles', 'Bundle', false),
  clusterbundles: type('clusterbundles', 'trust-manager.io', 'v1alpha2', 'clusterbundles', 'ClusterBundle', false),
  // Only TLS Secrets are ever listed: no other Secret's data is read.
  tlsSecrets: type('tlsSecrets', '', 'v1', 'secrets', 'Secret', true, { fieldSelector: 'type=kubernetes.io/tls', qualified: 'secrets' }),
};

export const RESOURCE_KEYS = Object.keys(RESOURCES) as ResourceKey[];

/** `/api/v1` or `/apis/cert-manager.io/v1`, then the optional namespace and the plural. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  return type.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${type.plural}` : `${base}/${type.plural}`;
}

export function objectPath(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;
}

export interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly uid?: string;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
}

/** A Kubernetes object as the API returns it (JSON), with the fields we read typed loosely. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMeta;
  readonly spec?: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
  readonly data?: Readonly<Record<string, string>>;
  readonly type?: string;
  readonly [key: string]: unknown;
}

export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
  readonly observedGeneration?: number;
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(object: { metadata: { name: string; namespace?: string } }): string {
  return object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
}

export function conditionsOf(object: KubeObject | undefined): Condition[] {
  const list = object?.status?.conditions;
  return Array.isArray(list) ? (list.filter((c) => c && typeof c === 'object' && typeof c.type === 'string') as Condition[]) : [];
}

export function condition(object: KubeObject | undefined, type: string): Condition | undefined {
  return conditionsOf(object).find((c) => c.type === type);
}

/**
 * Secret keys whose values are certificates and may be kept. Everything else in a Secret's data
 * (tls.key, keystores, combined PEM files holding the key) is dropped the moment a response is
 * parsed, before any object is stored.
 */
export const KEPT_SECRET_KEYS: ReadonlySet<string> = new Set(['tls.crt', 'ca.crt']);

/**
 * `kubectl apply` copies the whole object, Secret data included, into this annotation: a Secret's
 * copy holds its private key.
 */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A Secret with only its certificates: what the stores keep. */
export function sanitizeSecret<T extends KubeObject>(secret: T): T {
  const data = secret.data ?? {};
  const kept: Record<string, string> = {};
  for (const key of Object.keys(data)) if (KEPT_SECRET_KEYS.has(key)) kept[key] = data[key];
  const { stringData: _dropped, ...rest } = secret as KubeObject & { stringData?: unknown };
  const { managedFields: _fields, ...metadata } = rest.metadata as ObjectMeta & { managedFields?: unknown };
  const annotations = metadata.annotations ? Object.fromEntries(Object.entries(metadata.annotations).filter(([key]) => key !== LAST_APPLIED)) : undefined;
  return { ...rest, metadata: { ...metadata, ...(annotations ? { annotations } : {}) }, data: kept } as unknown as T;
}

/**
 * JSON.parse reviver for Secret lists and watch events: every data key but the certificates, and
 * the last-applied copy, are gone before the parsed object exists.
 */
export function secretReviver(key: string, value: unknown): unknown {
  if (key === 'stringData' || key === LAST_APPLIED || key === 'managedFields') return undefined;
  if (key === 'data' && value && typeof value === 'object' && !Array.isArray(value)) {
    const kept: Record<string, unknown> = {};
    for (const name of Object.keys(value)) if (KEPT_SECRET_KEYS.has(name)) kept[name] = (value as Record<string, unknown>)[name];
    return kept;
  }
  return value;
}

/** JSON.parse reviver for every other kind: managedFields are never shown, so never kept. */
export function objectReviver(key: string, value: unknown): unknown {
  return key === 'managedFields' ? undefined : value;
}
