// The description of a zero-trust mTLS layout that `scaffoldMtls` turns into manifests: workloads
// in their namespaces, who calls whom, and where the root CA comes from. The CLI builds one from
// flags or reads it from a YAML file (same field names), the editor from its input boxes.
import { parse as parseYaml } from 'yaml';
import { DEFAULT_KEY_ALGORITHM, isKeyAlgorithm, KEY_ALGORITHMS, type KeyAlgorithm } from '../pki/algorithms';
import { checkDnsName, checkIp, checkUri } from '../pki/options';
import { dns1123Label, dns1123Subdomain } from '../rules/k8s';
import { NANOS, parseGoDuration } from '../rules/duration';

export type CaSource =
  /** A CA key pair the user already has, as a kubernetes.io/tls Secret in the trust namespace. */
  | { readonly secret: string }
  /** A root made inside the cluster by a selfSigned issuer: for development only. */
  | { readonly selfSigned: true };

export interface WorkloadInput {
  readonly name: string;
  readonly namespace: string;
  /** Server identity; default `<name>.<namespace>.svc` and its cluster-domain form. */
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** Client identity; default the SPIFFE ID of a service account named like the workload. */
  readonly uris?: readonly string[];
}

export interface ConnectionInput {
  /** `namespace/name` of the calling workload (the TLS client). */
  readonly from: string;
  /** `namespace/name` of the called workload (the TLS server). */
  readonly to: string;
}

/** As a user writes it; every field but `caSource` and `workloads` has a default. */
export interface LayoutInput {
  readonly caSource?: CaSource;
  readonly workloads?: readonly WorkloadInput[];
  /** Absent: every workload talks to every other (and itself). */
  readonly connections?: readonly ConnectionInput[];
  readonly prefix?: string;
  readonly trustNamespace?: string;
  readonly clusterDomain?: string;
  readonly keyAlgorithm?: string;
  readonly caDuration?: string;
  readonly leafDuration?: string;
}

export interface Workload {
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly uris: readonly string[];
  /** Called by some workload: gets a server certificate. */
  readonly server: boolean;
  /** Calls some workload: gets a client certificate. */
  readonly client: boolean;
}

export interface Layout {
  readonly caSource: CaSource;
  readonly prefix: string;
  readonly trustNamespace: string;
  readonly clusterDomain: string;
  readonly keyAlgorithm: KeyAlgorithm;
  /** Lifetime of each namespace's intermediate CA (hours). */
  readonly caHours: number;
  /** Lifetime of the leaves (hours). */
  readonly leafHours: number;
  readonly workloads: readonly Workload[];
  /** Namespaces in order of first appearance. */
  readonly namespaces: readonly string[];
  /** For each namespace, the namespaces whose intermediates it must trust (sorted, own first). */
  readonly trusts: ReadonlyMap<string, readonly string[]>;
}

export const LAYOUT_DEFAULTS = {
  prefix: 'mtls',
  trustNamespace: 'cert-manager',
  clusterDomain: 'cluster.local',
  keyAlgorithm: DEFAULT_KEY_ALGORITHM,
  caDuration: '8760h',
  leafDuration: '24h',
} as const;

/** cert-manager's minimum certificate duration. */
const MIN_HOURS = 1;
/** Trustwright's own lint: leaves over 2160h get certificate/leaf-lifetime, CAs over 43800h certificate/ca-lifetime. */
export const MAX_LEAF_HOURS = 2160;
export const MAX_CA_HOURS = 43800;

function hoursOf(what: string, text: string, problems: string[]): number | undefined {
  const parsed = parseGoDuration(text);
  if (!parsed.ok) {
    problems.push(`${what}: ${parsed.error}`);
    return undefined;
  }
  if (parsed.nanos % NANOS.hour !== 0) {
    problems.push(`${what} must be a whole number of hours, e.g. 24h (got ${text})`);
    return undefined;
  }
  return parsed.nanos / NANOS.hour;
}

/** The leaf lifetime as a user types it: a Go duration of whole hours, 1h to 2160h. */
export function checkLeafDuration(text: string): string | undefined {
  const problems: string[] = [];
  const hours = hoursOf('The lifetime', text.trim(), problems);
  if (problems.length > 0) return problems[0];
  return hours! < MIN_HOURS || hours! > MAX_LEAF_HOURS ? `The lifetime must be between 1h and ${MAX_LEAF_HOURS}h (90 days)` : undefined;
}

function nameProblems(what: string, value: unknown, check: (v: string) => string[]): string[] {
  if (typeof value !== 'string' || value === '') return [`${what} must be a non-empty string`];
  return check(value).map((problem) => `${what} "${value}" ${problem}`);
}

function stringList(what: string, value: unknown, problems: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    problems.push(`${what} must be a list of strings`);
    return undefined;
  }
  return value as string[];
}

const LAYOUT_FIELDS = ['caSource', 'workloads', 'connections', 'prefix', 'trustNamespace', 'clusterDomain', 'keyAlgorithm', 'caDuration', 'leafDuration'];
const WORKLOAD_FIELDS = ['name', 'namespace', 'dnsNames', 'ipAddresses', 'uris'];
const CONNECTION_FIELDS = ['from', 'to'];

/** A misspelt field would silently fall back to its default: name it instead. */
function unknownFields(what: string, value: unknown, known: readonly string[]): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => `${what}: unknown field "${key}" (known: ${known.join(', ')})`);
}

/** Checks a layout and fills in the defaults; all problems are returned together. */
export function resolveLayout(input: LayoutInput): { readonly layout?: Layout; readonly problems: readonly string[] } {
  const problems: string[] = [...unknownFields('layout', input, LAYOUT_FIELDS)];
  (Array.isArray(input.workloads) ? input.workloads : []).forEach((w, i) => problems.push(...unknownFields(`workloads[${i}]`, w, WORKLOAD_FIELDS)));
  (Array.isArray(input.connections) ? input.connections : []).forEach((c, i) => problems.push(...unknownFields(`connections[${i}]`, c, CONNECTION_FIELDS)));
  const prefix = input.prefix ?? LAYOUT_DEFAULTS.prefix;
  problems.push(...nameProblems('prefix', prefix, dns1123Label));
  const trustNamespace = input.trustNamespace ?? LAYOUT_DEFAULTS.trustNamespace;
  problems.push(...nameProblems('trustNamespace', trustNamespace, dns1123Label));
  const clusterDomain = input.clusterDomain ?? LAYOUT_DEFAULTS.clusterDomain;
  problems.push(...nameProblems('clusterDomain', clusterDomain, dns1123Subdomain));

  const keyAlgorithm = input.keyAlgorithm ?? LAYOUT_DEFAULTS.keyAlgorithm;
  if (!isKeyAlgorithm(keyAlgorithm)) problems.push(`keyAlgorithm must be one of ${KEY_ALGORITHMS.join(', ')} (got "${keyAlgorithm}")`);

  const caHours = hoursOf('caDuration', input.caDuration ?? LAYOUT_DEFAULTS.caDuration, problems);
  const leafHours = hoursOf('leafDuration', input.leafDuration ?? LAYOUT_DEFAULTS.leafDuration, problems);
  if (leafHours !== undefined && (leafHours < MIN_HOURS || leafHours > MAX_LEAF_HOURS)) {
    problems.push(`leafDuration must be between 1h and ${MAX_LEAF_HOURS}h (90 days): zero trust wants short-lived leaves (got ${leafHours}h)`);
  }
  if (caHours !== undefined && (caHours < MIN_HOURS || caHours > MAX_CA_HOURS)) {
    problems.push(`caDuration must be between 1h and ${MAX_CA_HOURS}h (5 years) (got ${caHours}h)`);
  }
  if (caHours !== undefined && leafHours !== undefined && caHours < 3 * leafHours) {
    problems.push(`caDuration (${caHours}h) must be at least three times leafDuration (${leafHours}h), or leaves are cut short whenever the intermediate nears its end`);
  }

  const caSource = input.caSource;
  if (!caSource || ('secret' in caSource ? false : !('selfSigned' in caSource))) {
    problems.push('caSource is required: an existing CA Secret ({secret: NAME}) or a self-signed bootstrap for development ({selfSigned: true})');
  } else if ('secret' in caSource) {
    problems.push(...nameProblems('caSource.secret', caSource.secret, dns1123Subdomain));
  }

  const workloads = resolveWorkloads(input, clusterDomain, problems);
  const namespaces = [...new Set(workloads.map((w) => w.namespace))];
  const trusts = new Map<string, readonly string[]>();
  const edges = resolveConnections(input, workloads, problems);
  for (const namespace of namespaces) {
    const peers = new Set<string>();
    for (const [from, to] of edges) {
      if (from.namespace === namespace) peers.add(to.namespace);
      if (to.namespace === namespace) peers.add(from.namespace);
    }
    trusts.set(namespace, [...peers].sort((a, b) => (a === namespace ? -1 : b === namespace ? 1 : a.localeCompare(b))));
  }
  const roles = workloads.map((w) => ({
    ...w,
    server: edges.some(([, to]) => to.id === w.id),
    client: edges.some(([from]) => from.id === w.id),
  }));

  // Generated names must not collide with each other or with the CA Secret.
  if (caSource && 'secret' in caSource) {
    const taken = [`${prefix}-root`, ...namespaces.map((n) => `${prefix}-${n}-ca`)];
    if (taken.includes(caSource.secret)) problems.push(`caSource.secret "${caSource.secret}" is a name the layout uses for its own Secrets; rename the CA Secret or choose another prefix`);
  }
  for (const namespace of namespaces) {
    for (const name of [`${prefix}-${namespace}-ca`, `${prefix}-${namespace}`]) {
      if (name.length > 63) problems.push(`the name ${name} (prefix, namespace) is longer than 63 characters; use a shorter prefix`);
    }
  }

  if (problems.length > 0 || !caSource) return { problems };
  return {
    layout: {
      caSource,
      prefix,
      trustNamespace,
      clusterDomain,
      keyAlgorithm: keyAlgorithm as KeyAlgorithm,
      caHours: caHours!,
      leafHours: leafHours!,
      workloads: roles,
      namespaces,
      trusts,
    },
    problems,
  };
}

function resolveWorkloads(input: LayoutInput, clusterDomain: string, problems: string[]): Workload[] {
  const list = input.workloads ?? [];
  if (!Array.isArray(list) || list.length === 0) {
    problems.push('workloads: name at least one workload (namespace/name)');
    return [];
  }
  const seen = new Set<string>();
  const workloads: Workload[] = [];
  list.forEach((workload, index) => {
    const at = `workloads[${index}]`;
    const before = problems.length;
    problems.push(...nameProblems(`${at}.name`, workload?.name, dns1123Label));
    problems.push(...nameProblems(`${at}.namespace`, workload?.namespace, dns1123Label));
    if (problems.length > before) return;
    const { name, namespace } = workload;
    const id = `${namespace}/${name}`;
    if (seen.has(id)) problems.push(`${at}: ${id} is listed twice`);
    seen.add(id);
    // Certificate names are <name>-server and <name>-client; keep them within 63 characters.
    if (name.length > 56) problems.push(`${at}.name "${name}" is longer than 56 characters, too long for the "-server" and "-client" Certificates`);

    const dnsNames = stringList(`${at}.dnsNames`, workload.dnsNames, problems) ?? [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.${clusterDomain}`];
    const ipAddresses = stringList(`${at}.ipAddresses`, workload.ipAddresses, problems) ?? [];
    const uris = stringList(`${at}.uris`, workload.uris, problems) ?? [`spiffe://${clusterDomain}/ns/${namespace}/sa/${name}`];
    for (const dns of dnsNames) {
      const problem = checkDnsName(dns);
      if (problem) problems.push(`${at}.dnsNames: ${problem}`);
      else if (dns.startsWith('*')) problems.push(`${at}.dnsNames: "${dns}" is a wildcard; give each workload its own names`);
    }
    for (const ip of ipAddresses) if (checkIp(ip)) problems.push(`${at}.ipAddresses: ${checkIp(ip)}`);
    for (const uri of uris) if (checkUri(uri)) problems.push(`${at}.uris: ${checkUri(uri)}`);
    if (dnsNames.length + ipAddresses.length === 0) problems.push(`${at}: a server needs at least one DNS name or IP address`);
    if (uris.length === 0) problems.push(`${at}: a client needs at least one URI (its SPIFFE ID)`);
    workloads.push({ id, name, namespace, dnsNames: dnsNames.map((d) => d.toLowerCase()), ipAddresses, uris, server: false, client: false });
  });
  return workloads;
}

/** Pairs of (client, server). Without explicit connections, every ordered pair including self. */
function resolveConnections(input: LayoutInput, workloads: readonly Workload[], problems: string[]): [Workload, Workload][] {
  const byId = new Map(workloads.map((w) => [w.id, w]));
  if (input.connections === undefined) return workloads.flatMap((from) => workloads.map((to) => [from, to] as [Workload, Workload]));
  if (!Array.isArray(input.connections) || input.connections.length === 0) {
    problems.push('connections: name at least one, or leave the field out so that every workload talks to every other');
    return [];
  }
  const edges: [Workload, Workload][] = [];
  input.connections.forEach((connection, index) => {
    const from = byId.get(connection?.from);
    const to = byId.get(connection?.to);
    if (!from) problems.push(`connections[${index}].from: "${connection?.from}" is not a workload (namespace/name) of this layout`);
    if (!to) problems.push(`connections[${index}].to: "${connection?.to}" is not a workload (namespace/name) of this layout`);
    if (from && to) edges.push([from, to]);
  });
  for (const workload of workloads) {
    if (problems.length === 0 && !edges.some(([from, to]) => from === workload || to === workload)) {
      problems.push(`${workload.id} takes part in no connection; connect it or leave it out`);
    }
  }
  return edges;
}

/** A `--connect` flag: `web/frontend=backend/api` (client = server). */
export function parseConnection(text: string): ConnectionInput | undefined {
  const match = /^([^=\s]+)=([^=\s]+)$/.exec(text.trim());
  return match ? { from: match[1], to: match[2] } : undefined;
}

/** A `--workload` flag: `namespace/name`. */
export function parseWorkloadId(text: string): WorkloadInput | undefined {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(text.trim());
  return match ? { namespace: match[1], name: match[2] } : undefined;
}

/** A layout file's text (YAML or JSON) as a LayoutInput; throws with a one-line reason. */
export function parseLayoutText(text: string): LayoutInput {
  let value: unknown;
  try {
    value = parseYaml(text, { version: '1.1' });
  } catch (error) {
    throw new Error(`not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a mapping with caSource and workloads');
  const layout = value as Record<string, unknown>;
  // `caSource: {selfSigned: {}}` reads better in YAML than `selfSigned: true`; accept both.
  const caSource = layout.caSource as Record<string, unknown> | undefined;
  if (caSource && typeof caSource === 'object' && 'selfSigned' in caSource && caSource.selfSigned !== false) {
    return { ...(layout as LayoutInput), caSource: { selfSigned: true } };
  }
  return layout as LayoutInput;
}
