import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { certificate, expectFinding, lint, ofRule, summary } from '../../helpers';

const RULE = 'placeholder/unresolved';

const certBase = `  secretName: web-tls
  issuerRef:
    name: internal-ca
  dnsNames:
  - web.apps.svc
`;

function acmeIssuer(name: string, acmeLines: string): string {
  return `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  acme:\n${acmeLines}`;
}

const acmeRest = `    privateKeySecretRef:\n      name: account-key\n    solvers:\n    - http01:\n        ingress:\n          ingressClassName: nginx\n`;
const LE = `    server: https://acme-v02.api.letsencrypt.org/directory\n`;

interface Case {
  readonly name: string;
  readonly yaml: string;
  /** `rule@field` of every placeholder finding, plus any error expected next to it. */
  readonly expected: readonly string[];
  readonly message?: RegExp;
}

const isOursOrError = (f: { rule: string; severity: string }) => f.rule === RULE || f.severity === 'error';

const cases: readonly Case[] = [
  { name: 'real names and addresses are quiet', yaml: certificate(certBase + `  emailAddresses:\n  - user@example.com\n`), expected: [] },
  { name: 'ordinary words that contain "todo" or "my-" are names', yaml: certificate(certBase + `  - todo-app.example.com\n  - my-app.apps.svc\n`), expected: [] },
  {
    name: 'kustomize vars in dnsNames (corpus 34)',
    yaml: certificate(`  secretName: web-tls\n  issuerRef:\n    name: internal-ca\n  dnsNames:\n  - $(SERVICE_NAME).$(SERVICE_NAMESPACE).svc\n`),
    expected: [`${RULE}@spec.dnsNames[0]`],
    message: /^spec\.dnsNames\[0\] still holds the kustomize variables \$\(SERVICE_NAME\) and \$\(SERVICE_NAMESPACE\), which stay literal unless kustomize vars or replacements substitute them/,
  },
  {
    name: 'an envsubst variable in dnsNames',
    yaml: certificate(certBase + `  - \${DOMAIN}\n`),
    expected: [`${RULE}@spec.dnsNames[1]`],
    message: /^spec\.dnsNames\[1\] still holds \$\{DOMAIN\}, which stays literal unless envsubst, Flux post-build substitution/,
  },
  {
    name: 'a Flux substitution with a default value',
    yaml: certificate(certBase + `  - "\${CLUSTER_DOMAIN:=cluster.local}"\n`),
    expected: [`${RULE}@spec.dnsNames[1]`],
  },
  {
    name: 'a kustomize var in secretName replaces the secretName error',
    yaml: certificate(certBase.replace('secretName: web-tls', 'secretName: $(SECRET_NAME)')),
    expected: [`${RULE}@spec.secretName`],
  },
  {
    name: 'a kustomize var in metadata.name replaces the name error',
    yaml: certificate(certBase, 'name: $(CERT_NAME)\n  namespace: apps'),
    expected: [`${RULE}@metadata.name`],
  },
  {
    name: '"..." as metadata.name is only the name error (corpus 21)',
    yaml: acmeIssuer('...', LE + acmeRest),
    expected: ['metadata/name@metadata.name'],
  },
  {
    name: '"..." as the ACME server and account Secret (corpus 21)',
    yaml: acmeIssuer('letsencrypt', `    server: ...\n    privateKeySecretRef:\n      name: ...\n    solvers:\n    - http01:\n        ingress:\n          ingressClassName: nginx\n`),
    expected: [`${RULE}@spec.acme.server`, `${RULE}@spec.acme.privateKeySecretRef.name`],
    message: /^spec\.acme\.server holds "\.\.\." where an example left the real value out; write the real value$/,
  },
  {
    name: '<NAMESPACE> as metadata.namespace is only the namespace error (corpus 23)',
    yaml: acmeIssuer('letsencrypt', LE + acmeRest).replace('namespace: apps', 'namespace: <NAMESPACE YOU WANT TO ISSUE CERTIFICATES IN>'),
    expected: ['metadata/namespace@metadata.namespace'],
  },
  {
    name: 'an angle-bracket placeholder in issuerRef.name',
    yaml: certificate(certBase.replace('name: internal-ca', 'name: <issuer-name>')),
    expected: [`${RULE}@spec.issuerRef.name`],
    message: /^spec\.issuerRef\.name holds the placeholder "<issuer-name>" from an example; replace it with the real value$/,
  },
  {
    name: 'a your-… e-mail address on an ACME account',
    yaml: acmeIssuer('letsencrypt', LE + `    email: your-email@example.com\n` + acmeRest),
    expected: [`${RULE}@spec.acme.email`],
    message: /holds the placeholder "your-email@example\.com"/,
  },
  { name: 'a plain ACME e-mail address', yaml: acmeIssuer('letsencrypt', LE + `    email: user@example.com\n` + acmeRest), expected: [] },
  { name: 'changeme as an object name is valid but still a placeholder', yaml: certificate(certBase, 'name: changeme\n  namespace: apps'), expected: [`${RULE}@metadata.name`] },
  { name: 'REPLACE_ME in dnsNames', yaml: certificate(certBase + `  - REPLACE_ME.example.com\n`), expected: [`${RULE}@spec.dnsNames[1]`] },
  { name: 'a domain-here stand-in in dnsNames', yaml: certificate(certBase + `  - domain-here.com\n`), expected: [`${RULE}@spec.dnsNames[1]`] },
  {
    name: 'an e-mail SAN in angle brackets is only the webhook error',
    yaml: certificate(certBase + `  emailAddresses:\n  - <EMAIL>\n`),
    expected: ['certificate/email-addresses@spec.emailAddresses[0]'],
  },
  { name: 'an IP SAN placeholder is only the webhook error', yaml: certificate(certBase + `  ipAddresses:\n  - <NODE_IP>\n`), expected: ['certificate/ip-addresses@spec.ipAddresses[0]'] },
  { name: 'a kustomize var in ipAddresses is reported', yaml: certificate(certBase + `  ipAddresses:\n  - $(POD_IP)\n`), expected: [`${RULE}@spec.ipAddresses[0]`] },
  {
    name: 'a Vault role placeholder in the signing path',
    yaml: 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: vault\n  namespace: apps\nspec:\n  vault:\n    server: https://vault.example.com\n    path: pki_int/sign/<role>\n    auth:\n      tokenSecretRef:\n        name: vault-token\n        key: token\n',
    expected: [`${RULE}@spec.vault.path`],
  },
  {
    name: 'XXXX as a Route53 hosted zone ID',
    yaml: acmeIssuer('letsencrypt', LE + `    privateKeySecretRef:\n      name: account-key\n    solvers:\n    - dns01:\n        route53:\n          region: eu-west-1\n          hostedZoneID: XXXXXXXXXX\n`),
    expected: [`${RULE}@spec.acme.solvers[0].dns01.route53.hostedZoneID`],
  },
  {
    name: 'a Bundle source named by placeholder',
    yaml: 'apiVersion: trust.cert-manager.io/v1alpha1\nkind: Bundle\nmetadata:\n  name: trust\nspec:\n  sources:\n  - configMap:\n      name: <configmap-name>\n      key: ca.crt\n  target:\n    configMap:\n      key: ca.crt\n    namespaceSelector:\n      matchLabels:\n        trust: "yes"\n',
    expected: [`${RULE}@spec.sources[0].configMap.name`],
  },
  {
    name: 'labels and annotations are not names',
    yaml: certificate(certBase + `  secretTemplate:\n    labels:\n      owner: your-team-here\n    annotations:\n      example.com/url: <url>\n`),
    expected: [],
  },
  {
    name: 'a Gateway parentRef namespace is left to the schema pattern, its name is not validated',
    yaml: acmeIssuer(
      'letsencrypt',
      LE +
        `    privateKeySecretRef:\n      name: account-key\n    solvers:\n    - http01:\n        gatewayHTTPRoute:\n          parentRefs:\n          - name: <gateway-name>\n            namespace: <GATEWAY_NAMESPACE>\n            kind: Gateway\n`,
    ),
    expected: [
      `${RULE}@spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs[0].name`,
      'schema/pattern@spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs[0].namespace',
    ],
  },
  {
    name: 'a ClusterTrustBundle named changeme',
    yaml: 'apiVersion: certificates.k8s.io/v1beta1\nkind: ClusterTrustBundle\nmetadata:\n  name: changeme\nspec:\n  trustBundle: ""\n',
    expected: [`${RULE}@metadata.name`, 'cluster-trust-bundle/trust-bundle@spec.trustBundle'],
  },
];

describe('placeholder/unresolved', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = lint(c.yaml);
      assert.deepEqual(summary(findings, isOursOrError), [...c.expected].sort(), findings.map((f) => `${f.rule}@${f.field}: ${f.message}`).join('\n'));
      for (const f of ofRule(findings, RULE)) assert.equal(f.severity, 'warning');
      if (c.message) expectFinding(findings, RULE, c.expected[0].split('@')[1], c.message);
    });
  }

  it('keeps the template note and counts only the findings it skipped', () => {
    const text = certificate(`  secretName: $(SECRET_NAME)\n  issuerRef:\n    name: internal-ca\n  dnsNames:\n  - $(SERVICE_NAME).$(SERVICE_NAMESPACE).svc\n`);
    const findings = lint(text);
    assert.deepEqual(summary(findings), [`${RULE}@spec.dnsNames[0]`, `${RULE}@spec.secretName`, 'template/not-validated@']);
    const note = expectFinding(findings, 'template/not-validated', '');
    assert.match(note.message, /3 \$\(VAR\)\/\$\{VAR\} placeholders left for kustomize or envsubst to replace; 1 finding on templated values skipped/);
  });

  it('underlines the value that holds the placeholder', () => {
    const text = certificate(certBase + `  - \${DOMAIN}\n`);
    const finding = expectFinding(lint(text), RULE, 'spec.dnsNames[1]');
    assert.equal(text.split('\n')[finding.range.start.line].slice(finding.range.start.character, finding.range.end.character), '${DOMAIN}');
  });

  it('does not run in Helm templates, whose {{ }} values are the chart\'s business', () => {
    const text = certificate(`  secretName: {{ .Values.secret }}\n  issuerRef:\n    name: <issuer>\n  dnsNames:\n  - $(X).svc\n`);
    assert.deepEqual(ofRule(lint(text), RULE), []);
  });

  it('reports the kubebuilder serving certificate of corpus 34 at both dnsNames', () => {
    const text = readFileSync('test/fixtures/corpus/34-kubebuilder-serving-cert-kustomize-vars.yaml', 'utf8');
    assert.deepEqual(summary(lint(text), (f) => f.rule === RULE), [`${RULE}@spec.dnsNames[0]`, `${RULE}@spec.dnsNames[1]`]);
  });

  it('can be silenced like any rule', () => {
    const text = certificate(certBase + `  - \${DOMAIN}\n`);
    assert.deepEqual(ofRule(lint(text, { rules: { [RULE]: 'off' } }), RULE), []);
  });
});
