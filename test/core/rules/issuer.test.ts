import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFinding, lint, summary } from '../../helpers';

/** An Issuer (or ClusterIssuer); `spec` lines are appended under `spec:` (indent 2). */
function issuer(spec: string, kind: 'Issuer' | 'ClusterIssuer' = 'Issuer'): string {
  const meta = kind === 'Issuer' ? 'name: web\n  namespace: apps' : 'name: web';
  return `apiVersion: cert-manager.io/v1\nkind: ${kind}\nmetadata:\n  ${meta}\nspec:\n${spec}`;
}

/** A complete ACME issuer whose solvers are `solvers` (list items at indent 4). */
function acme(solvers: string, extra = ''): string {
  return `  acme:
    server: https://acme-staging-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: le-account
${extra}    solvers:
${solvers}`;
}

/** One dns01 solver; `provider` lines sit at indent 8, under dns01. */
function dns01(provider: string): string {
  return acme(`    - dns01:\n${provider}`);
}

const ingressSolver = `    - http01:
        ingress:
          ingressClassName: nginx
`;

/** A real self-signed CA certificate (EC P-256), generated for this test with openssl. */
const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBkTCCATegAwIBAgIUYfNSj0KUojFtlWYgdFRCukMU+bowCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTVHJ1c3R3cmlnaHQgVGVzdCBDQTAeFw0yNjEyMDQxNTQ1MTNa
Fw0zNjEyMDExNTQ1MTNaMB4xHDAaBgNVBAMME1RydXN0d3JpZ2h0IFRlc3QgQ0Ew
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQyPou9/TMq4gnLSGFe3IfQQWm9eJs0
bkk49x4bXhIppIUrvWEYrDD/h32AFjL78kywwz8l4h9VBCYUIaFRmHrpo1MwUTAd
BgNVHQ4EFgQUqS0ugsSrPm2+JkVc3vP07CFylgwwHwYDVR0jBBgwFoAUqS0ugsSr
Pm2+JkVc3vP07CFylgwwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF
AiEA6Z61IlWMxeidwPtb0sjhrOFC3g4C+fBiPgivrD/YXgwCIBQQkmL58kOd9ym+
rEmkserkSzd4XReyRFEO935k0QYV
-----END CERTIFICATE-----
`;
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const GOOD_BUNDLE = b64(CA_PEM);
/** Documentation style: the PEM body elided as "....". */
const ELIDED_BUNDLE = b64('-----BEGIN CERTIFICATE-----\n....\n-----END CERTIFICATE-----\n');
/** The certificate's DER, base64-encoded once: no PEM armour at all. */
const DER_BUNDLE = b64(Buffer.from(CA_PEM.split('\n').filter((l) => l && !l.startsWith('-----')).join(''), 'base64'));

const SUBDOMAIN_PROBLEM =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const NAMESERVER_PROBLEM =
  'nameserver must be set in the form host:port where host is an IPv4 address, an enclosed IPv6 address or a hostname and port is an optional port number.';

interface Case {
  readonly name: string;
  readonly spec: string;
  readonly kind?: 'Issuer' | 'ClusterIssuer';
  /** `rule@field` of every webhook-layer finding expected. */
  readonly expected: readonly string[];
  /** The exact message of the first expected finding. */
  readonly message?: string | RegExp;
  readonly severity?: 'error' | 'warning';
}

const typeCases: readonly Case[] = [
  { name: 'a selfSigned Issuer passes', spec: '  selfSigned: {}\n', expected: [] },
  {
    name: 'CA and selfSigned in one Issuer: the later type is rejected',
    spec: '  ca:\n    secretName: root-ca\n  selfSigned: {}\n',
    expected: ['issuer/type@spec.selfSigned'],
    message: 'spec.selfSigned: Forbidden: may not specify more than one issuer type',
  },
  {
    name: 'a ClusterIssuer with acme and vault: vault is rejected and not looked into',
    kind: 'ClusterIssuer',
    spec: acme(ingressSolver) + '  vault:\n    server: ""\n    path: pki/sign/web\n    auth: {}\n',
    expected: ['issuer/type@spec.vault'],
    message: 'spec.vault: Forbidden: may not specify more than one issuer type',
  },
  {
    name: 'an Issuer whose only type is explicitly null configures nothing',
    spec: '  selfSigned: null\n',
    expected: ['issuer/type@spec'],
    message: 'spec: Required value: at least one issuer must be configured',
  },
  {
    name: 'a misspelt type key is left to the schema\'s unknown-field error, not reported twice',
    spec: '  selfsigned: {}\n',
    expected: [],
  },
];

const acmeCases: readonly Case[] = [
  { name: 'a Let\'s Encrypt ClusterIssuer with an ingressClassName solver passes', kind: 'ClusterIssuer', spec: acme(ingressSolver), expected: [] },
  {
    name: 'an empty ACME server URL',
    spec: acme(ingressSolver).replace(/server: \S+/, 'server: ""'),
    expected: ['issuer/acme-required@spec.acme.server'],
    message: 'spec.acme.server: Required value: acme server URL is a required field',
  },
  {
    name: 'an empty account key Secret name',
    spec: acme(ingressSolver).replace('name: le-account', 'name: ""'),
    expected: ['issuer/acme-required@spec.acme.privateKeySecretRef.name'],
    message: 'spec.acme.privateKeySecretRef.name: Required value: private key secret name is a required field',
  },
  {
    name: 'a custom CA bundle together with skipTLSVerify',
    spec: acme(ingressSolver, `    caBundle: ${GOOD_BUNDLE}\n    skipTLSVerify: true\n`),
    expected: ['issuer/acme-ca-bundle@spec.acme.caBundle', 'issuer/acme-ca-bundle@spec.acme.skipTLSVerify'],
    message: 'spec.acme.caBundle: Invalid value: "": caBundle and skipTLSVerify are mutually exclusive and cannot both be set',
  },
  {
    name: 'caBundle whose PEM body was elided in the docs',
    spec: acme(ingressSolver, `    caBundle: ${ELIDED_BUNDLE}\n`),
    expected: ['issuer/acme-ca-bundle@spec.acme.caBundle'],
    message: 'spec.acme.caBundle: Invalid value: "": cert bundle didn\'t contain any valid certificates',
  },
  {
    name: 'caBundle holding base64 DER instead of base64 PEM',
    spec: acme(ingressSolver, `    caBundle: ${DER_BUNDLE}\n`),
    expected: ['issuer/acme-ca-bundle@spec.acme.caBundle'],
  },
  { name: 'a private ACME CA trusted through caBundle passes', spec: acme(ingressSolver, `    caBundle: ${GOOD_BUNDLE}\n`), expected: [] },
  { name: 'skipTLSVerify alone is accepted', spec: acme(ingressSolver, '    skipTLSVerify: true\n'), expected: [] },
  {
    name: 'EAB keySecretRef without the key inside the Secret',
    spec: acme(ingressSolver, '    externalAccountBinding:\n      keyID: kid-1\n      keySecretRef:\n        name: eab-hmac\n'),
    expected: ['issuer/acme-eab@spec.acme.externalAccountBinding.keySecretRef.key'],
    message: 'spec.acme.externalAccountBinding.keySecretRef.key: Required value: secret key is required',
  },
  {
    name: 'EAB with an empty keyID',
    spec: acme(ingressSolver, '    externalAccountBinding:\n      keyID: ""\n      keySecretRef:\n        name: eab-hmac\n        key: secret\n'),
    expected: ['issuer/acme-eab@spec.acme.externalAccountBinding.keyID'],
    message: 'spec.acme.externalAccountBinding.keyID: Required value: the keyID field is required when using externalAccountBinding',
  },
  {
    name: 'the deprecated EAB keyAlgorithm is only a warning',
    spec: acme(ingressSolver, '    externalAccountBinding:\n      keyID: kid-1\n      keyAlgorithm: HS256\n      keySecretRef:\n        name: eab-hmac\n        key: secret\n'),
    expected: ['issuer/acme-eab@spec.acme.externalAccountBinding.keyAlgorithm'],
    message: "ACME issuer spec field 'externalAccount.keyAlgorithm' is deprecated. The value of this field will be ignored.",
    severity: 'warning',
  },
  {
    name: 'a complete external account binding passes',
    spec: acme(ingressSolver, '    externalAccountBinding:\n      keyID: kid-1\n      keySecretRef:\n        name: eab-hmac\n        key: secret\n'),
    expected: [],
  },
];

const solverCases: readonly Case[] = [
  {
    name: 'http01 and dns01 in the same solver entry',
    spec: acme('    - http01:\n        ingress: {}\n      dns01:\n        cloudflare:\n          apiTokenSecretRef: {name: cf, key: token}\n'),
    expected: ['issuer/acme-solver@spec.acme.solvers[0]'],
    message: 'spec.acme.solvers[0]: Forbidden: may not specify more than one solver type in a single solver',
  },
  {
    name: 'a solver with only a selector',
    spec: acme('    - selector:\n        dnsZones: [example.com]\n'),
    expected: ['issuer/acme-solver@spec.acme.solvers[0]'],
    message: 'spec.acme.solvers[0]: Required value: no solver type configured',
  },
  {
    name: 'a webhook provider indented at dns01\'s level is left to the unknown-field error (corpus 52)',
    spec: acme('    - dns01:\n      webhook:\n        solverName: linode\n        groupName: acme.example.com\n'),
    expected: [],
  },
  {
    name: 'a negative waitInsteadOfSelfCheck',
    spec: acme(ingressSolver + '      waitInsteadOfSelfCheck: -30s\n'),
    expected: ['issuer/acme-solver@spec.acme.solvers[0].waitInsteadOfSelfCheck'],
    message: 'spec.acme.solvers[0].waitInsteadOfSelfCheck: Invalid value: -30s: waitInsteadOfSelfCheck must not be negative',
  },
  {
    name: 'waitInsteadOfSelfCheck in days, which Go durations do not have',
    spec: acme(ingressSolver + '      waitInsteadOfSelfCheck: 1d\n'),
    expected: ['issuer/acme-solver@spec.acme.solvers[0].waitInsteadOfSelfCheck'],
  },
  { name: 'waitInsteadOfSelfCheck of zero skips the self-check and passes', spec: acme(ingressSolver + '      waitInsteadOfSelfCheck: 0s\n'), expected: [] },
  {
    name: 'an http01 solver with neither ingress nor gatewayHTTPRoute',
    spec: acme('    - http01: {}\n'),
    expected: ['issuer/http01@spec.acme.solvers[0].http01'],
    message: 'spec.acme.solvers[0].http01: Required value: no HTTP01 solver type configured',
  },
  {
    name: 'an http01 solver with both ingress and gatewayHTTPRoute',
    spec: acme('    - http01:\n        ingress:\n          ingressClassName: nginx\n        gatewayHTTPRoute:\n          parentRefs:\n          - name: gw\n'),
    expected: ['issuer/http01@spec.acme.solvers[0].http01'],
    message: 'spec.acme.solvers[0].http01: Required value: only 1 HTTP01 solver type may be configured',
  },
  {
    name: 'a LoadBalancer solver Service on the gateway route, reported under http01.gateway',
    spec: acme('    - http01:\n        gatewayHTTPRoute:\n          serviceType: LoadBalancer\n          parentRefs:\n          - name: gw\n'),
    expected: ['issuer/http01@spec.acme.solvers[0].http01.gatewayHTTPRoute.serviceType'],
    message: 'spec.acme.solvers[0].http01.gateway.serviceType: Invalid value: "LoadBalancer": must be empty, "ClusterIP" or "NodePort"',
  },
  {
    name: 'a Gateway API solver with parentRefs passes (corpus 20)',
    spec: acme('    - http01:\n        gatewayHTTPRoute:\n          parentRefs:\n          - name: traefik\n            namespace: traefik\n            kind: Gateway\n'),
    expected: [],
  },
  {
    name: 'ingressClassName together with class (cert-manager#6651)',
    spec: acme('    - http01:\n        ingress:\n          ingressClassName: nginx\n          class: nginx\n'),
    expected: ['issuer/http01-ingress@spec.acme.solvers[0].http01.ingress'],
    message: "spec.acme.solvers[0].http01.ingress: Forbidden: only one of 'ingressClassName', 'name' or 'class' should be specified",
  },
  {
    name: 'class together with name is rejected since v1.19',
    spec: acme('    - http01:\n        ingress:\n          class: nginx\n          name: web-ingress\n'),
    expected: ['issuer/http01-ingress@spec.acme.solvers[0].http01.ingress'],
  },
  {
    name: 'an annotation-style class value put in ingressClassName',
    spec: acme('    - http01:\n        ingress:\n          ingressClassName: azure/application-gateway\n'),
    expected: ['issuer/http01-ingress@spec.acme.solvers[0].http01.ingress.ingressClassName'],
    message: `spec.acme.solvers[0].http01.ingress.ingressClassName: Invalid value: "azure/application-gateway": must be a valid IngressClass name: ${SUBDOMAIN_PROBLEM}`,
  },
  { name: 'the same value in the legacy class field passes', spec: acme('    - http01:\n        ingress:\n          class: azure/application-gateway\n'), expected: [] },
  {
    name: 'a LoadBalancer solver Service on the ingress',
    spec: acme('    - http01:\n        ingress:\n          name: web-ingress\n          serviceType: LoadBalancer\n'),
    expected: ['issuer/http01-ingress@spec.acme.solvers[0].http01.ingress.serviceType'],
    message: 'spec.acme.solvers[0].http01.ingress.serviceType: Invalid value: "LoadBalancer": must be empty, "ClusterIP" or "NodePort"',
  },
  { name: 'an existing Ingress by name with a ClusterIP Service passes', spec: acme('    - http01:\n        ingress:\n          name: web-ingress\n          serviceType: ClusterIP\n'), expected: [] },
];

const dns01Cases: readonly Case[] = [
  {
    name: 'cloudflare and route53 in one dns01 solver',
    spec: dns01('        cloudflare:\n          apiTokenSecretRef: {name: cf, key: token}\n        route53:\n          region: eu-west-1\n'),
    expected: ['issuer/dns01-provider@spec.acme.solvers[0].dns01.route53'],
    message: 'spec.acme.solvers[0].dns01.route53: Forbidden: may not specify more than one provider type',
  },
  {
    name: 'a dns01 solver with only cnameStrategy has no provider',
    spec: dns01('        cnameStrategy: Follow\n'),
    expected: ['issuer/dns01-provider@spec.acme.solvers[0].dns01'],
    message: 'spec.acme.solvers[0].dns01: Required value: no DNS01 provider configured',
  },
  {
    name: 'acmeDNS next to cloudflare is accepted by v1.21.1 (acmeDNS skips the count)',
    spec: dns01('        cloudflare:\n          apiTokenSecretRef: {name: cf, key: token}\n        acmeDNS:\n          host: https://auth.example.com\n          accountSecretRef: {name: acme-dns, key: acmedns.json}\n'),
    expected: [],
  },
  {
    name: 'digitalocean after acmeDNS is still rejected',
    spec: dns01('        acmeDNS:\n          host: https://auth.example.com\n          accountSecretRef: {name: acme-dns, key: acmedns.json}\n        digitalocean:\n          tokenSecretRef: {name: do, key: token}\n'),
    expected: ['issuer/dns01-provider@spec.acme.solvers[0].dns01.digitalocean'],
  },
  {
    name: 'a Cloudflare token Secret reference without its key',
    spec: dns01('        cloudflare:\n          apiTokenSecretRef:\n            name: cloudflare-api-token\n'),
    expected: ['issuer/dns01-secret-ref@spec.acme.solvers[0].dns01.cloudflare.apiTokenSecretRef.key'],
    message: 'spec.acme.solvers[0].dns01.cloudflare.apiTokenSecretRef.key: Required value: secret key is required',
  },
  {
    name: 'an Akamai token reference without its key is printed under the Go field name',
    spec: dns01(
      '        akamai:\n          serviceConsumerDomain: akab-x.luna.akamaiapis.net\n          accessTokenSecretRef: {name: akamai}\n          clientSecretSecretRef: {name: akamai, key: secret}\n          clientTokenSecretRef: {name: akamai, key: token}\n',
    ),
    expected: ['issuer/dns01-secret-ref@spec.acme.solvers[0].dns01.akamai.accessTokenSecretRef.key'],
    message: 'spec.acme.solvers[0].dns01.akamai.accessToken.key: Required value: secret key is required',
  },
  {
    name: 'a route53 secretAccessKeySecretRef without key is not checked by the webhook',
    spec: dns01('        route53:\n          region: eu-west-1\n          accessKeyID: AKIAEXAMPLE\n          secretAccessKeySecretRef:\n            name: route53-credentials\n'),
    expected: [],
  },
  {
    name: 'the Cloudflare token solver from home-ops passes (corpus 28)',
    kind: 'ClusterIssuer',
    spec: dns01('        cloudflare:\n          apiTokenSecretRef:\n            name: cloudflare-issuer-secret\n            key: CLOUDFLARE_DNS_TOKEN\n'),
    expected: [],
  },
  {
    name: 'cloudDNS with an empty project',
    spec: dns01('        cloudDNS:\n          project: ""\n'),
    expected: ['issuer/dns01-required@spec.acme.solvers[0].dns01.cloudDNS.project'],
    message: 'spec.acme.solvers[0].dns01.cloudDNS.project: Required value',
  },
  { name: 'cloudDNS with workload identity (no Secret) passes', spec: dns01('        cloudDNS:\n          project: my-project\n'), expected: [] },
  {
    name: 'azureDNS with a clientID but no secret or tenant',
    spec: dns01('        azureDNS:\n          subscriptionID: sub\n          resourceGroupName: dns\n          clientID: app-id\n'),
    expected: ['issuer/dns01-azure@spec.acme.solvers[0].dns01.azureDNS.clientSecretSecretRef', 'issuer/dns01-azure@spec.acme.solvers[0].dns01.azureDNS.tenantID'],
    message: 'spec.acme.solvers[0].dns01.azureDNS.clientSecretSecretRef: Required value',
  },
  {
    name: 'azureDNS service principal together with managedIdentity',
    spec: dns01(
      '        azureDNS:\n          subscriptionID: sub\n          resourceGroupName: dns\n          clientID: app-id\n          tenantID: tenant\n          clientSecretSecretRef: {name: azure, key: secret}\n          managedIdentity:\n            clientID: mi-id\n',
    ),
    expected: ['issuer/dns01-azure@spec.acme.solvers[0].dns01.azureDNS.managedIdentity'],
    message: 'spec.acme.solvers[0].dns01.azureDNS.managedIdentity: Forbidden: managed identity cannot be used at the same time as clientID, clientSecretSecretRef or tenantID',
  },
  {
    name: 'azureDNS managedIdentity with a tenantID but no clientID',
    spec: dns01('        azureDNS:\n          subscriptionID: sub\n          resourceGroupName: dns\n          managedIdentity:\n            tenantID: tenant\n'),
    expected: ['issuer/dns01-azure@spec.acme.solvers[0].dns01.azureDNS.managedIdentity'],
    message: 'spec.acme.solvers[0].dns01.azureDNS.managedIdentity: Required value: managedIdentityClientID is required when using managedIdentityTenantID',
  },
  {
    name: 'azureDNS managedIdentity with both clientID and resourceID',
    spec: dns01('        azureDNS:\n          subscriptionID: sub\n          resourceGroupName: dns\n          managedIdentity:\n            clientID: mi-id\n            resourceID: /subscriptions/sub/rg/mi\n'),
    expected: ['issuer/dns01-azure@spec.acme.solvers[0].dns01.azureDNS.managedIdentity'],
    message: 'spec.acme.solvers[0].dns01.azureDNS.managedIdentity: Forbidden: managedIdentityClientID and managedIdentityResourceID cannot both be specified',
  },
  {
    name: 'azureDNS with workload identity passes',
    spec: dns01('        azureDNS:\n          subscriptionID: sub\n          resourceGroupName: dns\n          hostedZoneName: example.com\n          managedIdentity:\n            clientID: mi-id\n'),
    expected: [],
  },
  {
    name: 'Cloudflare with both an API key and an API token',
    spec: dns01('        cloudflare:\n          email: user@example.com\n          apiKeySecretRef: {name: cf, key: key}\n          apiTokenSecretRef: {name: cf, key: token}\n'),
    expected: ['issuer/dns01-cloudflare@spec.acme.solvers[0].dns01.cloudflare'],
    message: 'spec.acme.solvers[0].dns01.cloudflare: Forbidden: apiKeySecretRef and apiTokenSecretRef cannot both be specified',
  },
  {
    name: 'Cloudflare with no credentials at all',
    spec: dns01('        cloudflare:\n          email: user@example.com\n'),
    expected: ['issuer/dns01-cloudflare@spec.acme.solvers[0].dns01.cloudflare'],
    message: 'spec.acme.solvers[0].dns01.cloudflare: Required value: apiKeySecretRef or apiTokenSecretRef is required',
  },
  {
    name: 'a Cloudflare global API key without the account email',
    spec: dns01('        cloudflare:\n          apiKeySecretRef: {name: cf, key: key}\n'),
    expected: ['issuer/dns01-cloudflare@spec.acme.solvers[0].dns01.cloudflare.email'],
    message: 'spec.acme.solvers[0].dns01.cloudflare.email: Required value',
  },
  {
    name: 'Cloudflare email next to an API token is allowed (corpus 31)',
    kind: 'ClusterIssuer',
    spec: dns01('        cloudflare:\n          email: admin@example.com\n          apiTokenSecretRef:\n            name: cloudflare-api-token\n            key: api-token\n'),
    expected: [],
  },
  {
    name: 'route53 access key ID given both literally and from a Secret',
    spec: dns01('        route53:\n          region: eu-west-1\n          accessKeyID: AKIAEXAMPLE\n          accessKeyIDSecretRef: {name: aws, key: id}\n'),
    expected: ['issuer/dns01-route53@spec.acme.solvers[0].dns01.route53'],
    message: 'spec.acme.solvers[0].dns01.route53: Required value: accessKeyID and accessKeyIDSecretRef cannot both be specified',
  },
  { name: 'route53 with ambient credentials passes', spec: dns01('        route53:\n          region: eu-west-1\n'), expected: [] },
  {
    name: 'an RFC 2136 nameserver given as a bare IPv6 address',
    spec: dns01('        rfc2136:\n          nameserver: "2001:db8::53"\n'),
    expected: ['issuer/dns01-rfc2136@spec.acme.solvers[0].dns01.rfc2136.nameserver'],
    message: `spec.acme.solvers[0].dns01.rfc2136.nameserver: Invalid value: "2001:db8::53": ${NAMESERVER_PROBLEM}`,
  },
  {
    name: 'an RFC 2136 nameserver with port 0',
    spec: dns01('        rfc2136:\n          nameserver: ns1.example.com:0\n'),
    expected: ['issuer/dns01-rfc2136@spec.acme.solvers[0].dns01.rfc2136.nameserver'],
  },
  {
    name: 'an RFC 2136 nameserver with a port above 65535',
    spec: dns01('        rfc2136:\n          nameserver: 10.0.0.53:99999\n'),
    expected: ['issuer/dns01-rfc2136@spec.acme.solvers[0].dns01.rfc2136.nameserver'],
  },
  { name: 'a bracketed IPv6 nameserver with a port passes', spec: dns01('        rfc2136:\n          nameserver: "[2001:db8::53]:53"\n'), expected: [] },
  { name: 'a hostname nameserver without a port passes (port 53)', spec: dns01('        rfc2136:\n          nameserver: ns1.example.com\n'), expected: [] },
  {
    name: 'an RFC 2136 TSIG algorithm cert-manager does not support, printed as ""',
    spec: dns01('        rfc2136:\n          nameserver: 10.0.0.53:53\n          tsigAlgorithm: HMACSHA384\n'),
    expected: ['issuer/dns01-rfc2136@spec.acme.solvers[0].dns01.rfc2136.tsigAlgorithm'],
    message: 'spec.acme.solvers[0].dns01.rfc2136.tsigAlgorithm: Unsupported value: "": supported values: "HMACMD5", "HMACSHA1", "HMACSHA256", "HMACSHA512"',
  },
  {
    name: 'a lower-case TSIG algorithm with key name and secret passes',
    spec: dns01('        rfc2136:\n          nameserver: 10.0.0.53:53\n          tsigAlgorithm: hmacsha256\n          tsigKeyName: acme-key\n          tsigSecretSecretRef: {name: tsig, key: secret}\n'),
    expected: [],
  },
  {
    name: 'a TSIG key name without the TSIG secret',
    spec: dns01('        rfc2136:\n          nameserver: 10.0.0.53:53\n          tsigKeyName: acme-key\n'),
    expected: [
      'issuer/dns01-rfc2136@spec.acme.solvers[0].dns01.rfc2136.tsigSecretSecretRef.key',
      'issuer/dns01-rfc2136@spec.acme.solvers[0].dns01.rfc2136.tsigSecretSecretRef.name',
    ],
    message: 'spec.acme.solvers[0].dns01.rfc2136.tsigSecretSecretRef.key: Required value: secret key is required',
  },
  {
    name: 'a TSIG secret without the TSIG key name',
    spec: dns01('        rfc2136:\n          nameserver: 10.0.0.53:53\n          tsigSecretSecretRef: {name: tsig, key: secret}\n'),
    expected: ['issuer/dns01-rfc2136@spec.acme.solvers[0].dns01.rfc2136.tsigKeyName'],
    message: 'spec.acme.solvers[0].dns01.rfc2136.tsigKeyName: Required value',
  },
  {
    name: 'a DNS webhook solver with an empty solverName',
    spec: dns01('        webhook:\n          groupName: acme.example.com\n          solverName: ""\n'),
    expected: ['issuer/dns01-webhook@spec.acme.solvers[0].dns01.webhook.solverName'],
    message: 'spec.acme.solvers[0].dns01.webhook.solverName: Required value: solver name must be specified',
  },
  {
    name: 'the Linode webhook solver indented correctly passes',
    kind: 'ClusterIssuer',
    spec: dns01('        webhook:\n          solverName: linode\n          groupName: acme.example.com\n'),
    expected: [],
  },
];

const otherCases: readonly Case[] = [
  {
    name: 'a CA issuer with an empty secretName',
    spec: '  ca:\n    secretName: ""\n',
    expected: ['issuer/ca@spec.ca.secretName'],
    message: 'spec.ca.secretName: Required value',
  },
  {
    name: 'an empty OCSP server entry, printed as ca.ocspServer[0]',
    spec: '  ca:\n    secretName: root-ca\n    ocspServers: [""]\n',
    expected: ['issuer/ca@spec.ca.ocspServers[0]'],
    message: 'spec.ca.ocspServer[0]: Invalid value: "": must be a valid URL, e.g., http://ocsp.int-x3.letsencrypt.org',
  },
  {
    name: 'an empty issuing certificate URL after a real one',
    spec: '  ca:\n    secretName: root-ca\n    issuingCertificateURLs:\n    - http://ca.example.com/ca.crt\n    - ""\n',
    expected: ['issuer/ca@spec.ca.issuingCertificateURLs[1]'],
    message: 'spec.ca.issuingCertificateURLs[1]: Invalid value: "": must be a valid URL',
  },
  { name: 'CA URLs that are not URLs are not parsed by the webhook', spec: '  ca:\n    secretName: root-ca\n    ocspServers: [ocsp]\n', expected: [] },
  {
    name: 'a Vault issuer with an empty server address',
    spec: '  vault:\n    server: ""\n    path: pki/sign/web\n    auth:\n      tokenSecretRef: {name: vault-token, key: token}\n',
    expected: ['issuer/vault@spec.vault.server'],
    message: 'spec.vault.server: Required value',
  },
  {
    name: 'Vault CA given both inline and from a Secret',
    spec: `  vault:\n    server: https://vault:8200\n    path: pki/sign/web\n    caBundle: ${GOOD_BUNDLE}\n    caBundleSecretRef: {name: vault-ca, key: ca.crt}\n    auth:\n      tokenSecretRef: {name: vault-token, key: token}\n`,
    expected: ['issuer/vault@spec.vault.caBundle', 'issuer/vault@spec.vault.caBundleSecretRef'],
    message: 'spec.vault.caBundle: Invalid value: "<snip>": specified caBundle and caBundleSecretRef cannot be used together',
  },
  {
    name: 'a Vault caBundle with no certificate in it',
    spec: `  vault:\n    server: https://vault:8200\n    path: pki/sign/web\n    caBundle: ${ELIDED_BUNDLE}\n    auth:\n      tokenSecretRef: {name: vault-token, key: token}\n`,
    expected: ['issuer/vault@spec.vault.caBundle'],
    message: 'spec.vault.caBundle: Invalid value: "<snip>": cert bundle didn\'t contain any valid certificates',
  },
  {
    name: 'a Vault client certificate without its key',
    spec: '  vault:\n    server: https://vault:8200\n    path: pki/sign/web\n    clientCertSecretRef: {name: vault-client-tls, key: tls.crt}\n    auth:\n      tokenSecretRef: {name: vault-token, key: token}\n',
    expected: ['issuer/vault@spec.vault.clientKeySecretRef'],
    message: 'spec.vault.clientKeySecretRef: Invalid value: "<snip>": clientKeySecretRef must be provided when defining the clientCertSecretRef',
  },
  {
    name: 'a Vault client key without its certificate',
    kind: 'ClusterIssuer',
    spec: '  vault:\n    server: https://vault:8200\n    path: pki/sign/web\n    clientKeySecretRef: {name: vault-client-tls, key: tls.key}\n    auth:\n      tokenSecretRef: {name: vault-token, key: token}\n',
    expected: ['issuer/vault@spec.vault.clientCertSecretRef'],
    message: 'spec.vault.clientCertSecretRef: Invalid value: "<snip>": clientCertSecretRef must be provided when defining the clientKeySecretRef',
  },
  {
    name: 'the Vault mTLS issuer with kubernetes auth from the docs passes (corpus 16)',
    spec: '  vault:\n    path: pki_int/sign/application-1\n    server: https://vault.vault:8200\n    caBundleSecretRef: {key: server_ca.crt, name: vault-client-tls}\n    clientCertSecretRef: {name: vault-client-tls, key: client.crt}\n    clientKeySecretRef: {name: vault-client-tls, key: client.key}\n    auth:\n      kubernetes:\n        role: vault-issuer\n        mountPath: /v1/auth/kubernetes\n        serviceAccountRef:\n          name: vault-issuer\n',
    expected: [],
  },
  {
    name: 'a Vault signing path that climbs out of its mount',
    spec: '  vault:\n    server: https://vault:8200\n    path: pki/../sys/raw\n    auth:\n      tokenSecretRef: {name: vault-token, key: token}\n',
    expected: ['issuer/vault-path@spec.vault.path'],
    message: 'spec.vault.path: Invalid value: "pki/../sys/raw": must not contain \'..\' path segments',
  },
  {
    name: 'a kubernetes auth mountPath with "..", printed as kubernetes.path',
    spec: '  vault:\n    server: https://vault:8200\n    path: pki/sign/web\n    auth:\n      kubernetes:\n        role: web\n        mountPath: /v1/auth/../sys\n        serviceAccountRef: {name: web}\n',
    expected: ['issuer/vault-path@spec.vault.auth.kubernetes.mountPath'],
    message: 'spec.vault.auth.kubernetes.path: Invalid value: "/v1/auth/../sys": must not contain \'..\' path segments',
  },
  {
    name: 'two dots inside a path segment are fine',
    spec: '  vault:\n    server: https://vault:8200\n    path: pki..int/sign/web\n    auth:\n      tokenSecretRef: {name: vault-token, key: token}\n',
    expected: [],
  },
  {
    name: 'Vault auth with no method',
    spec: '  vault:\n    server: https://vault:8200\n    path: pki/sign/web\n    auth: {}\n',
    expected: ['issuer/vault-auth@spec.vault.auth'],
    message: 'spec.vault.auth: Required value: please supply one of: appRole, kubernetes, tokenSecretRef, clientCertificate, aws',
  },
  {
    name: 'Vault kubernetes auth with both a token Secret and a service account',
    spec: '  vault:\n    server: https://vault:8200\n    path: pki/sign/web\n    auth:\n      kubernetes:\n        role: web\n        secretRef: {name: sa-token, key: token}\n        serviceAccountRef: {name: web}\n',
    expected: ['issuer/vault-auth@spec.vault.auth.kubernetes'],
    message: 'spec.vault.auth.kubernetes: Forbidden: please supply one of: secretRef, serviceAccountRef',
  },
  {
    name: 'Vault kubernetes auth with only a role',
    spec: '  vault:\n    server: https://vault:8200\n    path: pki/sign/web\n    auth:\n      kubernetes:\n        role: web\n',
    expected: ['issuer/vault-auth@spec.vault.auth.kubernetes'],
    message: 'spec.vault.auth.kubernetes: Required value: please supply one of: secretRef, serviceAccountRef',
  },
  {
    name: 'Vault AppRole auth with an empty roleId',
    spec: '  vault:\n    server: https://vault:8200\n    path: pki/sign/web\n    auth:\n      appRole:\n        path: approle\n        roleId: ""\n        secretRef: {name: approle, key: secretId}\n',
    expected: ['issuer/vault-auth@spec.vault.auth.appRole.roleId'],
    message: 'spec.vault.auth.appRole.roleId: Required value',
  },
  {
    name: 'Vault AWS IRSA auth without iamRoleArn',
    kind: 'ClusterIssuer',
    spec: '  vault:\n    server: https://vault:8200\n    path: pki/sign/web\n    auth:\n      aws:\n        role: web\n        serviceAccountRef: {name: web}\n',
    expected: ['issuer/vault-auth@spec.vault.auth.aws.iamRoleArn'],
    message: 'spec.vault.auth.aws.iamRoleArn: Required value: iamRoleArn is required when using serviceAccountRef for IRSA',
  },
  {
    name: 'several Vault auth methods are accepted (the first one wins)',
    spec: '  vault:\n    server: https://vault:8200\n    path: pki/sign/web\n    auth:\n      tokenSecretRef: {name: vault-token, key: token}\n      appRole:\n        path: approle\n        roleId: role\n        secretRef: {name: approle, key: secretId}\n',
    expected: [],
  },
  {
    name: 'a Venafi TPP CA given both inline and from a Secret',
    spec: `  venafi:\n    zone: devops\\\\cert-manager\n    tpp:\n      url: https://tpp.example.com/vedsdk\n      caBundle: ${GOOD_BUNDLE}\n      caBundleSecretRef: {name: tpp-ca, key: ca.crt}\n      credentialsRef: {name: tpp-secret}\n`,
    expected: ['issuer/venafi@spec.venafi.tpp'],
    message: 'spec.venafi.tpp: Forbidden: may not specify more than one of caBundle/caBundleSecretRef as TPP CA Bundle',
  },
  {
    name: 'a Venafi issuer with an empty zone',
    spec: '  venafi:\n    zone: ""\n    cloud:\n      apiTokenSecretRef: {name: api-key-secret, key: apikey}\n',
    expected: ['issuer/venafi@spec.venafi.zone'],
    message: 'spec.venafi.zone: Required value',
  },
  {
    name: 'a Venafi NGTS backend with an empty tsgID',
    spec: "  venafi:\n    zone: 'My CIT'\n    ngts:\n      tsgID: ''\n      credentialsRef: {name: ngts-credentials}\n",
    expected: ['issuer/venafi@spec.venafi.ngts.tsgID'],
    message: 'spec.venafi.ngts.tsgID: Required value',
  },
  {
    name: 'the Venafi Cloud issuer from the tutorial passes (corpus 41)',
    spec: "  venafi:\n    zone: 'My Application\\My CIT'\n    cloud:\n      apiTokenSecretRef:\n        name: api-key-secret\n        key: apikey\n",
    expected: [],
  },
];

function runCases(title: string, cases: readonly Case[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(c.name, () => {
        const findings = lint(issuer(c.spec, c.kind));
        assert.deepEqual(summary(findings, (f) => f.layer === 'webhook'), [...c.expected].sort());
        if (c.message === undefined && c.severity === undefined) return;
        const [rule, field] = c.expected[0].split('@');
        const finding = expectFinding(findings, rule, field, c.message);
        assert.equal(finding.severity, c.severity ?? 'error');
      });
    }
  });
}

runCases('issuer type rules', typeCases);
runCases('ACME issuer rules', acmeCases);
runCases('ACME solver and HTTP01 rules', solverCases);
runCases('DNS01 provider rules', dns01Cases);
runCases('CA, Vault and Venafi issuer rules', otherCases);

describe('issuer rules and the schema', () => {
  it('a missing ACME server is reported once, by the schema (corpus 18)', () => {
    const text = issuer('  acme:\n    email: user@example.com\n    disableAccountKeyGeneration: true\n    privateKeySecretRef:\n      name: existing-account\n', 'ClusterIssuer');
    assert.deepEqual(summary(lint(text)), ['schema/required@spec.acme.server']);
  });

  it('a Venafi issuer with no backend is reported by CEL, not again by the webhook', () => {
    assert.deepEqual(summary(lint(issuer('  venafi:\n    zone: devops\n'))), ['cel/validation@spec.venafi']);
  });

  it('a solver Secret reference with no name is reported by the schema only', () => {
    const findings = lint(issuer(dns01('        cloudflare:\n          apiTokenSecretRef:\n            key: token\n')));
    assert.deepEqual(summary(findings), ['schema/required@spec.acme.solvers[0].dns01.cloudflare.apiTokenSecretRef.name']);
  });

  it('the unknown solver key of corpus 52 gets the schema error only', () => {
    const findings = lint(issuer(acme('    - dns01:\n      webhook:\n        solverName: linode\n        groupName: acme.example.com\n'), 'ClusterIssuer'));
    assert.deepEqual(summary(findings), ['schema/unknown-field@spec.acme.solvers[0].webhook']);
  });

  it('underlines the offending value', () => {
    const text = issuer(dns01('        rfc2136:\n          nameserver: "2001:db8::53"\n'));
    const finding = expectFinding(lint(text), 'issuer/dns01-rfc2136', 'spec.acme.solvers[0].dns01.rfc2136.nameserver');
    const line = text.split('\n')[finding.range.start.line];
    assert.equal(line.slice(finding.range.start.character, finding.range.end.character), '"2001:db8::53"');
  });
});
