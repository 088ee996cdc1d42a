// The zero-trust mTLS layout as cert-manager and trust-manager objects, from a resolved Layout:
//
//   ca.yaml                the root: a ClusterIssuer over an existing CA Secret, or (development
//                          only) a selfSigned bootstrap that makes one in the cluster;
//   intermediates/NS.yaml  one intermediate CA per workload namespace, kept in the trust namespace
//                          (so Bundles can read it), and the ClusterIssuer that signs with it;
//   workloads/NS.yaml      a server and/or client Certificate per workload, short-lived;
//   bundles/NS.yaml        one Bundle per namespace: the root and the intermediates of the namespaces
//                          it talks to, delivered to that namespace only.
//
// Pure: the same layout gives the same text, byte for byte.
import { Document, isMap, isSeq, type Node } from 'yaml';
import { keyAlgorithm } from '../pki/algorithms';
import type { Layout, Workload } from './layout';
import { CONFIG_FILE } from '../config';
import { DEFAULT_SETTINGS } from '../settings';

export interface ScaffoldFile {
  /** Relative, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

interface YamlObject {
  readonly comment?: string;
  readonly object: Record<string, unknown>;
  /** Comments on list items, by path: `[['spec', 'sources', 0], 'the root']`. */
  readonly itemComments?: readonly (readonly [readonly (string | number)[], string])[];
}

const CERT_MANAGER = 'cert-manager.io/v1';
const TRUST_MANAGER = 'trust.cert-manager.io/v1alpha1';
/** Set by Kubernetes on every namespace (1.21+): a selector for exactly one namespace. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const DEVELOPMENT_LABEL = 'trustwright.dev/development-only';

export function scaffoldMtls(layout: Layout): ScaffoldFile[] {
  const names = namesOf(layout);
  const files: ScaffoldFile[] = [{ path: 'ca.yaml', text: render(caSource(layout, names)) }];
  for (const namespace of layout.namespaces) {
    files.push({ path: `intermediates/${namespace}.yaml`, text: render(intermediate(layout, names, namespace)) });
  }
  for (const namespace of layout.namespaces) {
    const workloads = layout.workloads.filter((w) => w.namespace === namespace);
    files.push({ path: `workloads/${namespace}.yaml`, text: render(workloads.flatMap((w) => leafCertificates(layout, names, w))) });
  }
  for (const namespace of layout.namespaces) {
    files.push({ path: `bundles/${namespace}.yaml`, text: render([bundle(layout, names, namespace)]) });
  }
  if (layout.trustNamespace !== DEFAULT_SETTINGS.trustNamespace) files.push({ path: CONFIG_FILE, text: projectConfig(layout) });
  return files;
}

/**
 * With a trust namespace of its own, the layout is only clean for a linter that knows it: the
 * folder's .trustwright.yaml says so, for the CLI and the editor alike.
 */
function projectConfig(layout: Layout): string {
  return [
    '# Written by trustwright generate manifests: the namespace these manifests use as the trust',
    "# namespace (trust-manager's) and as cert-manager's cluster resource namespace.",
    `trustNamespace: ${layout.trustNamespace}`,
    `clusterResourceNamespace: ${layout.trustNamespace}`,
    '',
  ].join('\n');
}

interface Names {
  readonly bootstrap: string;
  readonly rootIssuer: string;
  readonly rootSecret: string;
  readonly intermediate: (namespace: string) => string;
  readonly bundle: (namespace: string) => string;
}

function namesOf(layout: Layout): Names {
  const { prefix, caSource } = layout;
  return {
    bootstrap: `${prefix}-bootstrap`,
    rootIssuer: `${prefix}-root`,
    rootSecret: 'secret' in caSource ? caSource.secret : `${prefix}-root`,
    // The Certificate, its Secret and the ClusterIssuer share one name.
    intermediate: (namespace) => `${prefix}-${namespace}-ca`,
    bundle: (namespace) => `${prefix}-${namespace}`,
  };
}

function caSource(layout: Layout, names: Names): YamlObject[] {
  const rootIssuer = {
    apiVersion: CERT_MANAGER,
    kind: 'ClusterIssuer',
    metadata: { name: names.rootIssuer },
    spec: { ca: { secretName: names.rootSecret } },
  };
  if ('secret' in layout.caSource) {
    return [
      {
        comment: [
          `The root of trust: your CA's key pair, as the kubernetes.io/tls Secret "${names.rootSecret}"`,
          `in namespace "${layout.trustNamespace}" (cert-manager's cluster resource namespace). Create it first:`,
          `  kubectl -n ${layout.trustNamespace} create secret tls ${names.rootSecret} --cert=ca.crt --key=ca.key`,
          'If that CA is itself an intermediate, put its chain up to the root in tls.crt: the root then',
          'reaches every issued Secret as ca.crt, and from there the Bundles.',
          'It signs only the per-namespace intermediate CAs; no workload uses it directly.',
        ].join('\n'),
        object: rootIssuer,
      },
    ];
  }

  const rootHours = Math.min(Math.max(2 * layout.caHours, 17520), 43800);
  return [
    {
      comment: [
        'DEVELOPMENT ONLY: a self-signed root CA made inside the cluster. Its private key is a Secret',
        `in the "${layout.trustNamespace}" namespace, so anyone who can read Secrets there can mint any identity.`,
        'For production, scaffold with an existing CA Secret from your PKI instead (--ca-secret NAME).',
      ].join('\n'),
      object: {
        apiVersion: CERT_MANAGER,
        kind: 'ClusterIssuer',
        metadata: { name: names.bootstrap, labels: { [DEVELOPMENT_LABEL]: 'true' } },
        spec: { selfSigned: {} },
      },
    },
    {
      comment: 'DEVELOPMENT ONLY: the root CA certificate, signed by itself through the bootstrap issuer.',
      object: {
        apiVersion: CERT_MANAGER,
        kind: 'Certificate',
        metadata: { name: names.rootSecret, namespace: layout.trustNamespace, labels: { [DEVELOPMENT_LABEL]: 'true' } },
        spec: {
          isCA: true,
          commonName: `${layout.prefix} development root CA`.slice(0, 64),
          secretName: names.rootSecret,
          duration: hours(rootHours),
          renewBefore: third(rootHours),
          privateKey: privateKey(layout, true),
          issuerRef: { name: names.bootstrap, kind: 'ClusterIssuer' },
        },
      },
    },
    {
      comment: 'Signs the per-namespace intermediate CAs with the development root.',
      object: { ...rootIssuer, metadata: { name: names.rootIssuer, labels: { [DEVELOPMENT_LABEL]: 'true' } } },
    },
  ];
}

function intermediate(layout: Layout, names: Names, namespace: string): YamlObject[] {
  const name = names.intermediate(namespace);
  const workloads = layout.workloads.filter((w) => w.namespace === namespace);
  const dnsDomains = permittedDomains(layout, namespace, workloads);
  const ipRanges = [...new Set(workloads.filter((w) => w.server).flatMap((w) => w.ipAddresses))].map((ip) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`));
  const commonName = `${namespace} intermediate CA`.length <= 64 ? `${namespace} intermediate CA` : namespace;
  return [
    {
      comment: [
        `The intermediate CA of namespace "${namespace}": it signs only that namespace's workloads, and its name`,
        "constraints keep it to that namespace's DNS names. It lives in the trust namespace so that",
        "trust-manager can put it into the Bundles of the namespaces that talk to this one.",
      ].join('\n'),
      object: {
        apiVersion: CERT_MANAGER,
        kind: 'Certificate',
        metadata: { name, namespace: layout.trustNamespace },
        spec: {
          isCA: true,
          commonName,
          secretName: name,
          duration: hours(layout.caHours),
          renewBefore: third(layout.caHours),
          privateKey: privateKey(layout, true),
          nameConstraints: {
            critical: true,
            permitted: { dnsDomains, ...(ipRanges.length > 0 ? { ipRanges } : {}) },
          },
          issuerRef: { name: names.rootIssuer, kind: 'ClusterIssuer' },
        },
      },
    },
    {
      comment: [
        `Issues the "${namespace}" workloads' certificates. A ClusterIssuer because a namespaced Issuer can only`,
        `read a CA Secret in its own namespace, where no Bundle could read it; only "${namespace}"'s`,
        'Certificates should name it (enforce that with cert-manager approver-policy).',
      ].join('\n'),
      object: {
        apiVersion: CERT_MANAGER,
        kind: 'ClusterIssuer',
        metadata: { name },
        spec: { ca: { secretName: name } },
      },
    },
  ];
}

/** The namespace's service domains, plus any DNS name of its servers outside them. */
function permittedDomains(layout: Layout, namespace: string, workloads: readonly Workload[]): string[] {
  const own = [`${namespace}.svc`, `${namespace}.svc.${layout.clusterDomain}`];
  const covered = (dns: string) => own.some((domain) => dns === domain || dns.endsWith(`.${domain}`));
  const extra = workloads.filter((w) => w.server).flatMap((w) => w.dnsNames.filter((dns) => !covered(dns)));
  return [...own, ...new Set(extra)];
}

function leafCertificates(layout: Layout, names: Names, workload: Workload): YamlObject[] {
  const algorithm = keyAlgorithm(layout.keyAlgorithm);
  const common = {
    duration: hours(layout.leafHours),
    renewBefore: third(layout.leafHours),
  };
  const issuerRef = { name: names.intermediate(workload.namespace), kind: 'ClusterIssuer' };
  const objects: YamlObject[] = [];
  if (workload.server) {
    objects.push({
      comment: `${workload.id} as a TLS server: the names its callers dial, server auth only.`,
      object: {
        apiVersion: CERT_MANAGER,
        kind: 'Certificate',
        metadata: { name: `${workload.name}-server`, namespace: workload.namespace },
        spec: {
          secretName: `${workload.name}-server-tls`,
          ...common,
          dnsNames: workload.dnsNames.length > 0 ? workload.dnsNames : undefined,
          ipAddresses: workload.ipAddresses.length > 0 ? workload.ipAddresses : undefined,
          usages: ['digital signature', ...(algorithm.keyEncipherment ? ['key encipherment'] : []), 'server auth'],
          privateKey: privateKey(layout, false),
          issuerRef,
        },
      },
    });
  }
  if (workload.client) {
    objects.push({
      comment: `${workload.id} as a TLS client: its workload identity, client auth only.`,
      object: {
        apiVersion: CERT_MANAGER,
        kind: 'Certificate',
        metadata: { name: `${workload.name}-client`, namespace: workload.namespace },
        spec: {
          secretName: `${workload.name}-client-tls`,
          ...common,
          uris: workload.uris,
          usages: ['digital signature', 'client auth'],
          privateKey: privateKey(layout, false),
          issuerRef,
        },
      },
    });
  }
  return objects;
}

// Limitation: every Bundle holds the shared root (verifiers that need a self-signed anchor require
// it), so a peer presenting leaf and intermediate chains to the root whatever its namespace; the
// intermediates narrow trust only for peers presenting the leaf alone, or verifiers that anchor at
// intermediates. Workloads should still authorize peers by their SANs.
function bundle(layout: Layout, names: Names, namespace: string): YamlObject {
  const trusted = layout.trusts.get(namespace) ?? [];
  const sources = [
    { secret: { name: names.intermediate(namespace), key: 'ca.crt' } },
    ...trusted.map((peer) => ({ secret: { name: names.intermediate(peer), key: 'tls.crt' } })),
  ];
  const peers = trusted.filter((peer) => peer !== namespace);
  return {
    comment: [
      `What workloads in "${namespace}" trust, written to the ConfigMap ${names.bundle(namespace)} (key ca.crt) in "${namespace}" only:`,
      `the root, and the intermediate CAs of ${describeTrust(namespace, trusted, peers)}.`,
    ].join('\n'),
    object: {
      apiVersion: TRUST_MANAGER,
      kind: 'Bundle',
      metadata: { name: names.bundle(namespace) },
      spec: {
        sources,
        target: {
          configMap: { key: 'ca.crt' },
          namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
        },
      },
    },
    itemComments: [
      [['spec', 'sources', 0], 'the root CA (ca.crt of every Secret the root chain issued)'],
      ...trusted.map((peer, index) => [['spec', 'sources', index + 1], `intermediate CA of "${peer}"`] as const),
    ],
  };
}

function describeTrust(namespace: string, trusted: readonly string[], peers: readonly string[]): string {
  const parts: string[] = [];
  if (trusted.includes(namespace)) parts.push('its own workloads');
  if (peers.length > 0) parts.push(`the namespaces it talks to (${peers.join(', ')})`);
  return parts.length > 0 ? parts.join(' and ') : 'no namespace (it talks to nobody)';
}

function privateKey(layout: Layout, ca: boolean): Record<string, unknown> {
  const { algorithm, size } = keyAlgorithm(layout.keyAlgorithm).certManager;
  // CA keys sign for years: never below RSA 3072 (certificate/weak-key).
  const caSize = algorithm === 'RSA' && ca ? Math.max(size ?? 0, 3072) : size;
  return { algorithm, ...(caSize !== undefined ? { size: caSize } : {}), rotationPolicy: 'Always' };
}

function hours(value: number): string {
  return `${value}h`;
}

/** A third of the lifetime: cert-manager's own default ratio, inside certificate/renew-before-ratio. */
function third(lifetimeHours: number): string {
  const minutes = lifetimeHours * 20;
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

function render(objects: readonly YamlObject[]): string {
  return objects
    .map(({ comment, object, itemComments }) => {
      // YAML 1.1, as Kubernetes reads it: "yes", "on" and friends are quoted.
      const document = new Document(stripUndefined(object), { version: '1.1' });
      for (const [path, text] of itemComments ?? []) {
        const node = document.getIn(path, true) as Node | undefined;
        if (node && (isMap(node) || isSeq(node) || 'commentBefore' in node)) node.commentBefore = ` ${text}`;
      }
      const header = comment ? `${comment.split('\n').map((line) => `# ${line}`.trimEnd()).join('\n')}\n` : '';
      return header + document.toString({ indentSeq: false, lineWidth: 0 });
    })
    .join('---\n');
}

function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
