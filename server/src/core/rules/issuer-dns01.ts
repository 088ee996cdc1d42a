// DNS01 solver rules of cert-manager's webhook (v1.21.1, ValidateACMEChallengeSolverDNS01), with
// the wording the cluster prints. Only providers the webhook reaches are checked; see dns01Providers.
import type { FieldPath } from '../model/path';
import { formatPath } from '../model/path';
import { asMap, asString, type JsonMap } from './access';
import { fieldError } from './k8s';
import {
  checkSecretKeySelector,
  dns01Blocks,
  dns01Provider,
  dns01Providers,
  DNS01_PROVIDERS,
  hasUnknownKey,
  ISSUER_KINDS,
  present,
  reportForbidden,
  reportRequired,
  requireString,
  type Dns01Provider,
} from './issuer-common';
import type { Rule, RuleContext } from './types';

const TSIG_ALGORITHMS = ['HMACMD5', 'HMACSHA1', 'HMACSHA256', 'HMACSHA512'];
const NAMESERVER_DETAIL =
  'nameserver must be set in the form host:port where host is an IPv4 address, an enclosed IPv6 address or a hostname and port is an optional port number.';

/** Secret references the webhook checks, per provider: [YAML field, name it prints, checked even when absent]. */
const SECRET_REFS: ReadonlyArray<readonly [provider: Dns01Provider, field: string, shown: string, always: boolean]> = [
  // Quirk: akamai's errors name the Go fields (accessToken, …), not the YAML keys.
  ['akamai', 'accessTokenSecretRef', 'accessToken', true],
  ['akamai', 'clientSecretSecretRef', 'clientSecret', true],
  ['akamai', 'clientTokenSecretRef', 'clientToken', true],
  ['azureDNS', 'clientSecretSecretRef', 'clientSecretSecretRef', false],
  ['cloudDNS', 'serviceAccountSecretRef', 'serviceAccountSecretRef', false],
  ['cloudflare', 'apiKeySecretRef', 'apiKeySecretRef', false],
  ['cloudflare', 'apiTokenSecretRef', 'apiTokenSecretRef', false],
  ['route53', 'accessKeyIDSecretRef', 'accessKeyIDSecretRef', false],
  ['acmeDNS', 'accountSecretRef', 'accountSecretRef', true],
  ['digitalocean', 'tokenSecretRef', 'tokenSecretRef', true],
];

export const dns01Rules: readonly Rule[] = [
  {
    id: 'issuer/dns01-provider',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'A dns01 solver configures no DNS provider, or more than one.',
      details:
        'Each `dns01` solver talks to exactly one DNS provider (cloudflare, route53, azureDNS, …). To use several, write one solver per provider and choose between them with `selector.dnsZones`. An empty `dns01:` usually means the provider key is indented one level too shallow. Quirk followed on purpose: cert-manager v1.21.1 skips this count for `acmeDNS`, so acmeDNS next to akamai, azureDNS, cloudDNS, cloudflare or route53 is accepted; cert-manager still uses only one of them, so remove the other anyway.',
    },
    check(context) {
      for (const { value: dns01, path } of dns01Blocks(context)) {
        const { validated, rejected } = dns01Providers(dns01);
        const stray = hasUnknownKey(dns01, ['cnameStrategy', ...DNS01_PROVIDERS]);
        if (validated.length === 0 && !stray) reportRequired(context, path, 'no DNS01 provider configured');
        for (const provider of rejected) reportForbidden(context, [...path, provider], 'may not specify more than one provider type');
      }
    },
  },
  {
    id: 'issuer/dns01-secret-ref',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'A DNS provider\'s Secret reference lacks its name or its key.',
      details:
        'cert-manager reads DNS credentials from one key of a Secret, so a provider\'s `…SecretRef` needs both `name` (the Secret) and `key` (the entry inside it, such as `api-token`). The schema only asks for `name`; the webhook also rejects a missing `key`. route53 `secretAccessKeySecretRef` is not checked by the webhook. Quirk: akamai errors name `accessToken`, `clientSecret` and `clientToken` rather than the YAML keys ending in `SecretRef`.',
    },
    check(context) {
      for (const [provider, field, shown, always] of SECRET_REFS) {
        for (const { value: config, path } of dns01Provider(context, provider)) {
          if (!always && !present(config[field])) continue;
          checkSecretKeySelector(context, config[field], [...path, field], `${formatPath(path)}.${shown}`);
        }
      }
    },
  },
  {
    id: 'issuer/dns01-required',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'akamai.serviceConsumerDomain, cloudDNS.project or acmeDNS.host is empty.',
      details:
        'These are the one piece of addressing each provider cannot work without: the Akamai API host, the Google Cloud project that owns the zone, and the acme-dns server URL. The schema requires the keys; the webhook also rejects empty strings.',
    },
    check(context) {
      for (const [provider, field] of [
        ['akamai', 'serviceConsumerDomain'],
        ['cloudDNS', 'project'],
        ['acmeDNS', 'host'],
      ] as const) {
        for (const { value, path } of dns01Provider(context, provider)) requireString(context, value, path, field);
      }
    },
  },
  {
    id: 'issuer/dns01-azure',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'azureDNS mixes service-principal and managed-identity credentials, or one of them is incomplete.',
      details:
        'azureDNS authenticates either as a service principal (all three of `clientID`, `tenantID` and `clientSecretSecretRef`) or through `managedIdentity` (workload or pod identity), never both. Inside `managedIdentity`, `resourceID` excludes `clientID` and `tenantID`, and `tenantID` needs `clientID`. `subscriptionID` and `resourceGroupName` must not be empty.',
    },
    check(context) {
      for (const { value: azure, path } of dns01Provider(context, 'azureDNS')) {
        const identity = asMap(azure.managedIdentity);
        if (asString(azure.clientID) || asString(azure.tenantID) || present(azure.clientSecretSecretRef)) {
          for (const field of ['clientID', 'clientSecretSecretRef', 'tenantID']) {
            const missing = field === 'clientSecretSecretRef' ? !present(azure[field]) : !asString(azure[field]);
            if (missing) reportRequired(context, [...path, field]);
          }
          if (identity) {
            const detail = 'managed identity cannot be used at the same time as clientID, clientSecretSecretRef or tenantID';
            reportForbidden(context, [...path, 'managedIdentity'], detail);
          }
        } else if (identity) {
          checkManagedIdentity(context, identity, [...path, 'managedIdentity']);
        }
        requireString(context, azure, path, 'subscriptionID');
        requireString(context, azure, path, 'resourceGroupName');
      }
    },
  },
  {
    id: 'issuer/dns01-cloudflare',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'cloudflare sets both or neither of apiKeySecretRef and apiTokenSecretRef, or an API key without email.',
      details:
        'Use exactly one credential: an API token (`apiTokenSecretRef`, recommended, scoped to Zone:DNS:Edit) or the legacy global API key (`apiKeySecretRef`), which also needs the account `email`. `email` next to a token is allowed and ignored.',
    },
    check(context) {
      for (const { value: cloudflare, path } of dns01Provider(context, 'cloudflare')) {
        const key = present(cloudflare.apiKeySecretRef);
        const token = present(cloudflare.apiTokenSecretRef);
        if (key && token) reportForbidden(context, path, 'apiKeySecretRef and apiTokenSecretRef cannot both be specified');
        if (!key && !token) reportRequired(context, path, 'apiKeySecretRef or apiTokenSecretRef is required');
        if (key) requireString(context, cloudflare, path, 'email');
      }
    },
  },
  {
    id: 'issuer/dns01-route53',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'route53 sets both accessKeyID and accessKeyIDSecretRef.',
      details:
        'Give the AWS access key ID either literally (`accessKeyID`) or from a Secret (`accessKeyIDSecretRef`), not both. Leaving out both is fine: cert-manager then uses ambient credentials (IRSA, instance profile or `auth.kubernetes`).',
    },
    check(context) {
      for (const { value: route53, path } of dns01Provider(context, 'route53')) {
        if (asString(route53.accessKeyID) && present(route53.accessKeyIDSecretRef)) {
          reportRequired(context, path, 'accessKeyID and accessKeyIDSecretRef cannot both be specified');
        }
      }
    },
  },
  {
    id: 'issuer/dns01-rfc2136',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'rfc2136 has an unusable nameserver, an unknown TSIG algorithm, or only half of the TSIG key.',
      details:
        '`nameserver` is `host:port` or just `host` (port 53); an IPv6 address must be in brackets, as in `[2001:db8::53]:53`. `tsigAlgorithm` is one of HMACMD5, HMACSHA1, HMACSHA256 or HMACSHA512 (any case). `tsigKeyName` and `tsigSecretSecretRef` (with name and key) go together. Quirk: for an unknown algorithm the webhook prints the rejected value as "".',
    },
    check(context) {
      for (const { value: rfc, path } of dns01Provider(context, 'rfc2136')) {
        const shown = formatPath(path);
        const nameserver = asString(rfc.nameserver) ?? '';
        if (nameserver === '') {
          reportRequired(context, [...path, 'nameserver']);
        } else if (!validNameserver(nameserver)) {
          context.report([...path, 'nameserver'], fieldError.invalid(`${shown}.nameserver`, nameserver, NAMESERVER_DETAIL));
        }

        const algorithm = asString(rfc.tsigAlgorithm);
        if (algorithm && !TSIG_ALGORITHMS.includes(algorithm.toUpperCase())) {
          context.report([...path, 'tsigAlgorithm'], fieldError.notSupported(`${shown}.tsigAlgorithm`, '', TSIG_ALGORITHMS));
        }

        const keyName = asString(rfc.tsigKeyName);
        const secret = asMap(rfc.tsigSecretSecretRef);
        if (keyName) checkSecretKeySelector(context, secret, [...path, 'tsigSecretSecretRef']);
        if (!keyName && asString(secret?.name) && asString(secret?.key)) reportRequired(context, [...path, 'tsigKeyName']);
      }
    },
  },
  {
    id: 'issuer/dns01-webhook',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'A dns01 webhook solver has an empty solverName.',
      details:
        'External DNS providers run as webhook servers; `groupName` selects the API group the server registered and `solverName` the solver inside it. Both come from the webhook\'s own documentation (for example `groupName: acme.example.com`, `solverName: linode`).',
    },
    check(context) {
      for (const { value: webhook, path } of dns01Provider(context, 'webhook')) {
        requireString(context, webhook, path, 'solverName', 'solver name must be specified');
      }
    },
  },
];

function checkManagedIdentity(context: RuleContext, identity: JsonMap, path: FieldPath): void {
  const clientID = Boolean(asString(identity.clientID));
  const tenantID = Boolean(asString(identity.tenantID));
  const resourceID = Boolean(asString(identity.resourceID));
  if (clientID && resourceID) {
    reportForbidden(context, path, 'managedIdentityClientID and managedIdentityResourceID cannot both be specified');
  }
  if (tenantID && resourceID) {
    reportForbidden(context, path, 'managedIdentityTenantID and managedIdentityResourceID cannot both be specified');
  }
  if (tenantID && !clientID) reportRequired(context, path, 'managedIdentityClientID is required when using managedIdentityTenantID');
}

/**
 * cert-manager's ValidNameserver over Go's net.SplitHostPort: a bare host gets port 53, a port must be
 * 1-65535, and an IPv6 address must be bracketed (a bare one has "too many colons").
 */
export function validNameserver(raw: string): boolean {
  const text = raw.trim();
  if (text === '') return false;
  const split = splitHostPort(text);
  let host: string;
  let port = '';
  if ('error' in split) {
    if (!split.error.includes('missing port')) return false;
    host = text.replace(/^[[\]]+|[[\]]+$/g, '');
  } else {
    ({ host, port } = split);
  }
  if (host === '') return false;
  if (port === '') return true;
  if (!/^[0-9]+$/.test(port)) return false;
  const number = Number(port);
  return number > 0 && number <= 65535;
}

function splitHostPort(hostport: string): { host: string; port: string } | { error: string } {
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) return { error: 'missing port in address' };
  let host: string;
  let open = 0;
  let close = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return { error: "missing ']' in address" };
    if (end + 1 === hostport.length) return { error: 'missing port in address' };
    if (end + 1 !== colon) return { error: hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address' };
    host = hostport.slice(1, end);
    open = 1;
    close = end + 1;
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(':')) return { error: 'too many colons in address' };
  }
  if (hostport.slice(open).includes('[')) return { error: "unexpected '[' in address" };
  if (hostport.slice(close).includes(']')) return { error: "unexpected ']' in address" };
  return { host, port: hostport.slice(colon + 1) };
}
