// The zero-trust layout of the README as a multi-file workspace: clean as written, and each variant
// that widens trust or breaks a reference is caught by the rule meant for it, across files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyze } from '../server/src/core/engine';
import { WorkspaceIndex } from '../server/src/core/workspace/index';
import type { Finding } from '../server/src/core/findings';

const ROOT = join(__dirname, 'fixtures', 'zero-trust');

function load(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.yaml')) files.set(relative(ROOT, path), readFileSync(path, 'utf8'));
    }
  };
  walk(ROOT);
  return files;
}

function lintWorkspace(files: Map<string, string>): (Finding & { file: string })[] {
  const index = new WorkspaceIndex();
  for (const [file, text] of files) index.setText(file, text);
  return [...files].flatMap(([file, text]) => analyze(text, {}, { uri: file, workspace: index }).findings.map((f) => ({ ...f, file })));
}

type Mutation = (files: Map<string, string>) => void;

function edit(file: string, from: string | RegExp, to: string): Mutation {
  return (files) => {
    const text = files.get(file)!;
    const next = text.replace(from, to);
    assert.notEqual(next, text, `variant did not change ${file}: ${String(from)}`);
    files.set(file, next);
  };
}

function add(file: string, text: string): Mutation {
  return (files) => files.set(file, text);
}

const otherRoot = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: other-root
spec:
  selfSigned: {}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: other-ca
  namespace: cert-manager
spec:
  isCA: true
  commonName: Other Tenant CA
  secretName: other-ca
  duration: 8760h
  renewBefore: 2920h
  privateKey:
    algorithm: ECDSA
    rotationPolicy: Always
  issuerRef:
    name: other-root
    kind: ClusterIssuer
`;

const gatewayLeaf = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: gateway
  namespace: cert-manager
spec:
  secretName: gateway-tls
  duration: 24h
  renewBefore: 8h
  dnsNames: [gateway.cert-manager.svc]
  privateKey:
    algorithm: ECDSA
    rotationPolicy: Always
  issuerRef:
    name: tenant-a-ca
    kind: ClusterIssuer
`;

interface Variant {
  readonly name: string;
  readonly change: Mutation[];
  /** rule@file of every finding expected, exactly. */
  readonly expected: readonly string[];
}

const A_TRUST_SOURCES = '  sources:\n  - secret:\n      name: tenant-a-ca\n      key: ca.crt\n';

const variants: readonly Variant[] = [
  {
    name: 'public CAs mixed into a private bundle',
    change: [edit('trust/bundles.yaml', A_TRUST_SOURCES, `${A_TRUST_SOURCES}  - useDefaultCAs: true\n`)],
    expected: ['bundle/public-cas-with-private@trust/bundles.yaml'],
  },
  {
    name: 'a bundle sent to every namespace',
    change: [edit('trust/bundles.yaml', /    namespaceSelector:\n      matchLabels:\n        trust.example.com\/tenant-b: "true"\n/, '')],
    expected: ['bundle/all-namespaces@trust/bundles.yaml'],
  },
  {
    name: 'a tenant CA issued outside the trust namespace (Bundle source not found)',
    change: [edit('platform/tenant-b-ca.yaml', 'namespace: cert-manager', 'namespace: tenant-b')],
    // The tenant's ClusterIssuer loses its CA Secret too: it reads the cluster resource namespace.
    expected: [
      'bundle/source-outside-trust-namespace@trust/bundles.yaml',
      'bundle/source-outside-trust-namespace@trust/bundles.yaml',
      'bundle/source-outside-trust-namespace@trust/bundles.yaml',
      'issuer/ca-secret-elsewhere@platform/tenant-b-ca.yaml',
    ],
  },
  {
    name: 'a leaf certificate\'s Secret used as a trust source',
    change: [add('platform/gateway.yaml', gatewayLeaf), edit('trust/bundles.yaml', A_TRUST_SOURCES, `${A_TRUST_SOURCES}  - secret:\n      name: gateway-tls\n      key: tls.crt\n`)],
    expected: ['bundle/leaf-secret-source@trust/bundles.yaml'],
  },
  {
    name: 'another tenant\'s chain merged into a bundle',
    change: [add('platform/other.yaml', otherRoot), edit('trust/bundles.yaml', A_TRUST_SOURCES, `${A_TRUST_SOURCES}  - secret:\n      name: other-ca\n      key: tls.crt\n`)],
    expected: ['bundle/mixed-chains@trust/bundles.yaml'],
  },
  {
    name: 'two Certificates writing one Secret',
    change: [edit('tenant-a/workloads.yaml', 'secretName: api-client-tls', 'secretName: api-server-tls')],
    expected: ['certificate/shared-secret@tenant-a/workloads.yaml', 'certificate/shared-secret@tenant-a/workloads.yaml'],
  },
  {
    name: 'a misspelt issuer',
    change: [edit('tenant-b/workloads.yaml', 'name: tenant-b-ca\n    kind: ClusterIssuer', 'name: tenant-b-cA\n    kind: ClusterIssuer')],
    expected: ['certificate/issuer-not-found@tenant-b/workloads.yaml'],
  },
  {
    name: 'a leaf straight from a self-signed issuer',
    change: [add('platform/other.yaml', otherRoot), edit('tenant-a/workloads.yaml', 'name: tenant-a-ca\n    kind: ClusterIssuer\n---', 'name: other-root\n    kind: ClusterIssuer\n---')],
    expected: ['certificate/self-signed-leaf@tenant-a/workloads.yaml'],
  },
  {
    name: 'a wildcard identity',
    change: [edit('tenant-a/workloads.yaml', '  - api.tenant-a.svc\n', '  - "*.tenant-a.svc"\n')],
    expected: ['certificate/wildcard@tenant-a/workloads.yaml'],
  },
  {
    name: 'a private key that is never rotated',
    change: [edit('tenant-b/workloads.yaml', 'rotationPolicy: Always', 'rotationPolicy: Never')],
    expected: ['certificate/rotation-policy-never@tenant-b/workloads.yaml'],
  },
  {
    name: 'a ten-year tenant CA',
    change: [edit('platform/tenant-a-ca.yaml', 'duration: 8760h\n  renewBefore: 2920h', 'duration: 87600h\n  renewBefore: 29200h')],
    expected: ['certificate/ca-lifetime@platform/tenant-a-ca.yaml'],
  },
  {
    name: 'a CA that can also serve TLS',
    change: [edit('platform/tenant-a-ca.yaml', '  isCA: true\n', '  isCA: true\n  usages:\n  - cert sign\n  - server auth\n')],
    expected: ['certificate/ca-with-leaf-usages@platform/tenant-a-ca.yaml'],
  },
  {
    name: 'the same Certificate defined in two files',
    change: [(files) => files.set('tenant-a/copy.yaml', files.get('tenant-a/workloads.yaml')!.split('---')[0])],
    // One object twice, not two Certificates sharing a Secret: only the duplicate is reported.
    expected: ['workspace/duplicate-object@tenant-a/copy.yaml', 'workspace/duplicate-object@tenant-a/workloads.yaml'],
  },
];

describe('zero-trust workspace', () => {
  it('the layout as written produces no finding at all', () => {
    const findings = lintWorkspace(load());
    assert.deepEqual(findings.map((f) => `${f.rule}@${f.file}: ${f.message}`), []);
  });

  for (const variant of variants) {
    it(`catches ${variant.name}`, () => {
      const files = load();
      for (const change of variant.change) change(files);
      const findings = lintWorkspace(files);
      assert.deepEqual(
        findings.map((f) => `${f.rule}@${f.file}`).sort(),
        [...variant.expected].sort(),
        findings.map((f) => `${f.file}:${f.range.start.line + 1} ${f.rule}: ${f.message}`).join('\n'),
      );
    });
  }

  it('cross-file findings point at the other file', () => {
    const files = load();
    edit('platform/tenant-b-ca.yaml', 'namespace: cert-manager', 'namespace: tenant-b')(files);
    const finding = lintWorkspace(files).find((f) => f.rule === 'bundle/source-outside-trust-namespace')!;
    assert.equal(finding.related?.[0].uri, 'platform/tenant-b-ca.yaml');
    const nameLine = files.get('platform/tenant-b-ca.yaml')!.split('\n').indexOf('  name: tenant-b-ca');
    assert.equal(finding.related?.[0].range.start.line, nameLine);
  });
});

describe('CA issuers reading their Secret', () => {
  const ca = (namespace: string) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: root
  namespace: ${namespace}
spec:
  isCA: true
  commonName: Root
  secretName: root-ca
  duration: 8760h
  renewBefore: 2920h
  privateKey: {algorithm: ECDSA, rotationPolicy: Always}
  issuerRef: {name: bootstrap, kind: ClusterIssuer}
`;
  const issuers = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: bootstrap
spec:
  selfSigned: {}
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: root
spec:
  ca:
    secretName: root-ca
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: team-root
  namespace: team
spec:
  ca:
    secretName: root-ca
`;
  const rules = (files: Map<string, string>) => lintWorkspace(files).map((f) => `${f.rule}@${f.file}:${f.range.start.line + 1}`);

  it('a ClusterIssuer whose CA Secret is written outside the cluster resource namespace, and an Issuer outside its own', () => {
    const found = rules(new Map([['ca.yaml', ca('security')], ['issuers.yaml', issuers]]));
    assert.deepEqual(found.sort(), ['issuer/ca-secret-elsewhere@issuers.yaml:14', 'issuer/ca-secret-elsewhere@issuers.yaml:23']);
  });

  it('is quiet when the Secret is where each issuer reads it', () => {
    assert.deepEqual(rules(new Map([['ca.yaml', ca('cert-manager')], ['issuers.yaml', issuers.replace(/---\napiVersion: cert-manager.io\/v1\nkind: Issuer[\s\S]*$/, '')]])), []);
    assert.deepEqual(rules(new Map([['ca.yaml', ca('team')], ['issuers.yaml', issuers]])).filter((r) => r.includes('team')), []);
  });

  it('follows clusterResourceNamespace from the settings', () => {
    const index = new WorkspaceIndex();
    index.setText('ca.yaml', ca('security'));
    index.setText('issuers.yaml', issuers);
    const findings = analyze(issuers, { clusterResourceNamespace: 'security' }, { uri: 'issuers.yaml', workspace: index }).findings;
    assert.deepEqual(findings.map((f) => f.range.start.line + 1), [23]);
  });
});

describe('issuerRef kinds that name no issuer', () => {
  const issuer = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: team-ca
  namespace: team-a
spec:
  ca:
    secretName: team-ca-key-pair
`;
  const certificate = (kind: string) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: apps
spec:
  secretName: web-tls
  dnsNames: [web.apps.svc]
  issuerRef:
    name: ca
    kind: ${kind}
`;
  const rules = (kind: string) =>
    lintWorkspace(new Map([['issuer.yaml', issuer], ['cert.yaml', certificate(kind)]]))
      .filter((f) => f.file === 'cert.yaml')
      .map((f) => f.rule)
      .sort();

  it('a misspelt kind is reported once, by certificate/issuer-ref, not again as a missing Issuer', () => {
    assert.deepEqual(rules('Issue'), ['certificate/issuer-ref']);
  });

  it('an Issuer the workspace lacks is still reported', () => {
    assert.deepEqual(rules('Issuer'), ['certificate/issuer-not-found']);
  });
});
