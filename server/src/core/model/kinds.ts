// Which objects Trustwright validates, and what to say about apiVersions that look like ours but
// are not served.

export type TargetKind =
  | 'Certificate'
  | 'CertificateRequest'
  | 'Issuer'
  | 'ClusterIssuer'
  | 'Bundle'
  | 'ClusterBundle'
  | 'ClusterTrustBundle';

export interface KindInfo {
  readonly kind: TargetKind;
  readonly group: string;
  readonly versions: readonly string[];
  readonly namespaced: boolean;
  /** Product that serves the kind, for messages. */
  readonly servedBy: string;
}

export const TARGET_KINDS: readonly KindInfo[] = [
  { kind: 'Certificate', group: 'cert-manager.io', versions: ['v1'], namespaced: true, servedBy: 'cert-manager' },
  { kind: 'CertificateRequest', group: 'cert-manager.io', versions: ['v1'], namespaced: true, servedBy: 'cert-manager' },
  { kind: 'Issuer', group: 'cert-manager.io', versions: ['v1'], namespaced: true, servedBy: 'cert-manager' },
  { kind: 'ClusterIssuer', group: 'cert-manager.io', versions: ['v1'], namespaced: false, servedBy: 'cert-manager' },
  { kind: 'Bundle', group: 'trust.cert-manager.io', versions: ['v1alpha1'], namespaced: false, servedBy: 'trust-manager' },
  { kind: 'ClusterBundle', group: 'trust-manager.io', versions: ['v1alpha2'], namespaced: false, servedBy: 'trust-manager' },
  {
    kind: 'ClusterTrustBundle',
    group: 'certificates.k8s.io',
    versions: ['v1beta1', 'v1alpha1'],
    namespaced: false,
    servedBy: 'Kubernetes',
  },
];

const CERT_MANAGER_KINDS = new Set(['Certificate', 'CertificateRequest', 'Issuer', 'ClusterIssuer']);

/** Versions cert-manager once served and no longer does, with the release that removed them. */
const REMOVED_CERT_MANAGER_VERSIONS: Readonly<Record<string, string>> = {
  v1alpha2: 'v1.6',
  v1alpha3: 'v1.6',
  v1beta1: 'v1.6',
};

export type Classification =
  | { readonly status: 'target'; readonly info: KindInfo; readonly version: string }
  | {
      /** Looks like one of ours but the cluster would not accept the apiVersion. */
      readonly status: 'unserved';
      readonly info: KindInfo;
      readonly rule: 'api/removed-version' | 'api/unknown-group' | 'api/unknown-version';
      readonly message: string;
    }
  | {
      /** Right group, but the kind does not exist there (typo). */
      readonly status: 'unknown-kind';
      readonly message: string;
    }
  | { readonly status: 'other' };

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function kindInfo(kind: string): KindInfo | undefined {
  return TARGET_KINDS.find((k) => k.kind === kind);
}

export function classify(apiVersion: unknown, kind: unknown): Classification {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return { status: 'other' };
  const { group, version } = splitApiVersion(apiVersion);
  const info = kindInfo(kind);

  if (info && info.group === group) {
    if (info.versions.includes(version)) return { status: 'target', info, version };
    return unservedVersion(info, apiVersion, version);
  }

  if (info && CERT_MANAGER_KINDS.has(kind)) {
    const current = `${info.group}/${info.versions[0]}`;
    if (group === 'certmanager.k8s.io') {
      return {
        status: 'unserved',
        info,
        rule: 'api/removed-version',
        message: `apiVersion ${apiVersion} is the API group of cert-manager before v0.11 and is no longer served; use ${current} (the fields changed too: see the cert-manager upgrade notes)`,
      };
    }
    if (looksLike(group, 'cert-manager.io')) {
      return {
        status: 'unserved',
        info,
        rule: 'api/unknown-group',
        message: `apiVersion ${apiVersion}: no API group "${group}" serves ${kind}; did you mean ${current}?`,
      };
    }
  }

  if (info && (kind === 'Bundle' || kind === 'ClusterBundle') && (looksLike(group, 'trust.cert-manager.io') || looksLike(group, 'trust-manager.io'))) {
    const current = `${info.group}/${info.versions[0]}`;
    return {
      status: 'unserved',
      info,
      rule: 'api/unknown-group',
      message: `apiVersion ${apiVersion} does not serve ${kind}; ${kind} is ${current}`,
    };
  }

  // A typo in the kind within one of our groups: "no matches for kind".
  const sameGroup = TARGET_KINDS.filter((k) => k.group === group);
  if (sameGroup.length > 0 && !info) {
    const near = closest(kind, sameGroup.map((k) => k.kind));
    return {
      status: 'unknown-kind',
      message: `kind ${kind} does not exist in ${apiVersion} ("no matches for kind")${near ? `; did you mean ${near}?` : ''}`,
    };
  }

  return { status: 'other' };
}

function unservedVersion(info: KindInfo, apiVersion: string, version: string): Classification {
  const current = `${info.group}/${info.versions[0]}`;
  const removedIn = info.group === 'cert-manager.io' ? REMOVED_CERT_MANAGER_VERSIONS[version] : undefined;
  if (removedIn) {
    return {
      status: 'unserved',
      info,
      rule: 'api/removed-version',
      message: `apiVersion ${apiVersion} was removed in cert-manager ${removedIn} and is no longer served ("no matches for kind ${info.kind}"); use ${current}`,
    };
  }
  return {
    status: 'unserved',
    info,
    rule: 'api/unknown-version',
    message: `apiVersion ${apiVersion} is not served by ${info.servedBy} ("no matches for kind ${info.kind} in version ${apiVersion}"); use ${current}`,
  };
}

/** Same letters give or take punctuation and one edit: `certmanager.io`, `cert-manger.io`. */
function looksLike(group: string, wanted: string): boolean {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return squash(group) === squash(wanted) || editDistance(group.toLowerCase(), wanted) <= 2;
}

export function closest(word: string, candidates: readonly string[], maxDistance = 3): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.min(maxDistance, Math.max(1, Math.floor(word.length / 3)));
  return bestDistance <= limit ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
