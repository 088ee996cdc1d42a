import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import type { Finding } from '../../../server/src/core/findings';
import { expectFinding, lint, ofRule, summary } from '../../helpers';

/** An ACME ClusterIssuer; `acme` lines go under `spec.acme:` (indent 4). */
function acmeIssuer(name: string, acmeLines: string, kind = 'ClusterIssuer'): string {
  const namespace = kind === 'Issuer' ? '\n  namespace: apps' : '';
  return `apiVersion: cert-manager.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}${namespace}\nspec:\n  acme:\n${acmeLines}    privateKeySecretRef:\n      name: account-key\n    solvers:\n    - http01:\n        ingress:\n          ingressClassName: nginx\n`;
}

const server = (url: string) => `    server: ${url}\n`;
const LE_PROD = 'https://acme-v02.api.letsencrypt.org/directory';
const LE_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';

const RULES = ['issuer/acme-v1-endpoint', 'issuer/acme-staging-mismatch', 'issuer/acme-skip-tls-verify'];

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly expected: readonly string[];
  readonly message?: RegExp;
}

const cases: readonly Case[] = [
  { name: 'a production issuer named prod', yaml: acmeIssuer('letsencrypt-prod', server(LE_PROD)), expected: [] },
  { name: 'a staging issuer named staging', yaml: acmeIssuer('letsencrypt-staging', server(LE_STAGING)), expected: [] },
  { name: 'a name that says neither', yaml: acmeIssuer('letsencrypt', server(LE_STAGING)), expected: [] },
  {
    name: 'the retired ACME v1 production endpoint',
    yaml: acmeIssuer('letsencrypt', server('https://acme-v01.api.letsencrypt.org/directory')),
    expected: ['issuer/acme-v1-endpoint@spec.acme.server'],
    message: /^spec\.acme\.server https:\/\/acme-v01\.api\.letsencrypt\.org\/directory is Let's Encrypt's retired ACME v1 API, and cert-manager speaks only ACME v2; use https:\/\/acme-v02\.api\.letsencrypt\.org\/directory$/,
  },
  {
    name: 'the retired ACME v1 staging endpoint',
    yaml: acmeIssuer('letsencrypt-staging', server('https://acme-staging.api.letsencrypt.org/directory')),
    expected: ['issuer/acme-v1-endpoint@spec.acme.server'],
    message: /use https:\/\/acme-staging-v02\.api\.letsencrypt\.org\/directory$/,
  },
  {
    name: 'named staging, pointed at production',
    yaml: acmeIssuer('letsencrypt-staging', server(LE_PROD)),
    expected: ['issuer/acme-staging-mismatch@spec.acme.server'],
    message: /^spec\.acme\.server is Let's Encrypt's production endpoint although the issuer is named letsencrypt-staging, so testing against it counts against production rate limits/,
  },
  {
    name: 'named prod, pointed at staging',
    yaml: acmeIssuer('le_prod', server(LE_STAGING), 'Issuer'),
    expected: ['issuer/acme-staging-mismatch@spec.acme.server'],
    message: /staging endpoint although the issuer is named le_prod, so its certificates chain to an untrusted test root/,
  },
  {
    name: 'Google Trust Services test endpoint under a production name',
    yaml: acmeIssuer('gts-production', server('https://dv.acme-v02.test-api.pki.goog/directory')),
    expected: ['issuer/acme-staging-mismatch@spec.acme.server'],
    message: /use https:\/\/dv\.acme-v02\.api\.pki\.goog\/directory or rename the issuer$/,
  },
  {
    name: 'an unknown server with "staging" in its host under a production name',
    yaml: acmeIssuer('step-prod', server('https://ca.staging.example.com/acme/acme/directory')),
    expected: ['issuer/acme-staging-mismatch@spec.acme.server'],
    message: /point it at the intended server or rename the issuer$/,
  },
  { name: 'an unknown production server under a staging name is not judged', yaml: acmeIssuer('step-staging', server('https://ca.example.com/acme/acme/directory')), expected: [] },
  { name: '"prestaging" is not the word staging', yaml: acmeIssuer('prestaging-tls', server(LE_PROD)), expected: [] },
  {
    name: 'ACME v1 production under a staging name (corpus 48)',
    yaml: acmeIssuer('letsencrypt-staging', server('https://acme-v01.api.letsencrypt.org/directory')),
    expected: ['issuer/acme-staging-mismatch@spec.acme.server', 'issuer/acme-v1-endpoint@spec.acme.server'],
  },
  { name: 'a server that is not a URL is left alone', yaml: acmeIssuer('letsencrypt-staging', server('acme-v02.api.letsencrypt.org')), expected: [] },
  {
    name: 'skipTLSVerify on the ACME server connection',
    yaml: acmeIssuer('step-ca', server('https://ca.internal.example.com/acme/directory') + `    skipTLSVerify: true\n`),
    expected: ['issuer/acme-skip-tls-verify@spec.acme.skipTLSVerify'],
    message: /^spec\.acme\.skipTLSVerify true accepts any certificate from the ACME server/,
  },
  { name: 'skipTLSVerify false', yaml: acmeIssuer('step-ca', server('https://ca.internal.example.com/acme/directory') + `    skipTLSVerify: false\n`), expected: [] },
  {
    name: 'skipTLSVerify with a caBundle is the webhook\'s error only',
    yaml: acmeIssuer('step-ca', server('https://ca.internal.example.com/acme/directory') + `    skipTLSVerify: true\n    caBundle: Zm9v\n`),
    expected: [],
  },
  { name: 'a CA issuer has no ACME server', yaml: 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: ca-staging\n  namespace: apps\nspec:\n  ca:\n    secretName: ca\n', expected: [] },
];

describe('issuer policy rules', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = lint(c.yaml);
      assert.deepEqual(summary(findings, (f) => RULES.includes(f.rule)), [...c.expected].sort());
      for (const f of findings.filter((x) => RULES.includes(x.rule))) assert.equal(f.severity, 'warning');
      if (c.message) expectFinding(findings, c.expected[0].split('@')[0], c.expected[0].split('@')[1], c.message);
    });
  }

  it('underlines the server URL', () => {
    const text = acmeIssuer('letsencrypt', server('https://acme-v01.api.letsencrypt.org/directory'));
    const finding = expectFinding(lint(text), 'issuer/acme-v1-endpoint', 'spec.acme.server');
    const line = text.split('\n')[finding.range.start.line];
    assert.equal(line.slice(finding.range.start.character, finding.range.end.character), 'https://acme-v01.api.letsencrypt.org/directory');
  });
});

/** Applies the edits of a finding's first fix (LSP line/character ranges), last edit first. */
function applyFix(text: string, finding: Finding): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const edits = [...finding.fixes![0].edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const edit of edits) out = out.slice(0, offset(edit.range.start)) + edit.newText + out.slice(offset(edit.range.end));
  return out;
}

describe('issuer policy quick fixes', () => {
  function fix(text: string, rule: string): string {
    const [finding] = ofRule(lint(text), rule);
    assert.ok(finding?.fixes?.length, `expected a fix for ${rule}`);
    const fixed = applyFix(text, finding);
    for (const doc of parseAllDocuments(fixed)) assert.deepEqual(doc.errors, []);
    assert.deepEqual(ofRule(lint(fixed), rule), [], `still reported after the fix:\n${fixed}`);
    return fixed;
  }

  it('rewrites an ACME v1 URL to v2', () => {
    const fixed = fix(acmeIssuer('letsencrypt', server('https://acme-v01.api.letsencrypt.org/directory')), 'issuer/acme-v1-endpoint');
    assert.match(fixed, /server: https:\/\/acme-v02\.api\.letsencrypt\.org\/directory\n/);
  });

  it('points a staging-named issuer at the staging server, keeping odd indentation (corpus 48)', () => {
    const text = `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n     name: letsencrypt-staging\nspec:\n   acme:\n     server: "${LE_PROD}" # prod\n     privateKeySecretRef:\n       name: key\n     solvers:\n     - http01:\n         ingress:\n           class: nginx\n`;
    const fixed = fix(text, 'issuer/acme-staging-mismatch');
    assert.match(fixed, /\n {5}server: https:\/\/acme-staging-v02\.api\.letsencrypt\.org\/directory # prod\n/);
    assert.deepEqual(summary(lint(fixed), (f) => f.severity === 'error'), []);
  });
});
