// Cross-file findings through the language server: the workspace folder is indexed at start, open
// documents override the disk, and files changed on disk are re-indexed when the client says so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient } from './client';

const issuers = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: internal-ca
spec:
  ca:
    secretName: internal-ca
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: team-ca
  namespace: team-a
spec:
  ca:
    secretName: team-ca
`;

const certificate = (issuer: string, kind = 'ClusterIssuer') => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: apps
spec:
  secretName: web-tls
  dnsNames: [web.apps.svc]
  issuerRef:
    name: ${issuer}
    kind: ${kind}
`;

const caCertificate = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: tenant-ca
  namespace: team-a
spec:
  isCA: true
  commonName: Tenant A CA
  secretName: tenant-a-ca
  issuerRef:
    name: internal-ca
    kind: ClusterIssuer
`;

const bundle = `apiVersion: trust.cert-manager.io/v1alpha1
kind: Bundle
metadata:
  name: tenant-a
spec:
  sources:
  - secret:
      name: tenant-a-ca
      key: ca.crt
  target:
    configMap:
      key: ca.crt
    namespaceSelector:
      matchLabels:
        tenant: a
`;

const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.code).sort();

describe('workspace index over LSP', () => {
  let dir: string;
  let client: TestClient;
  const uri = (name: string) => pathToFileURL(join(dir, name)).href;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trustwright-ws-'));
    mkdirSync(join(dir, 'platform'));
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'platform', 'issuers.yaml'), issuers);
    writeFileSync(join(dir, 'platform', 'tenant-ca.yaml'), caCertificate);
    // Never indexed: node_modules is skipped, so this duplicate must not be reported.
    writeFileSync(join(dir, 'node_modules', 'x', 'copy.yaml'), issuers);
    client = new TestClient();
    await client.initialize(pathToFileURL(dir).href);
  });

  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves an issuer defined in another file, and reports a misspelt one with the names it knows', async () => {
    // Diagnostics are republished once the initial scan completes; wait for a stable answer.
    const ok = await openUntil(client, uri('cert.yaml'), certificate('internal-ca'), (d) => !d.some((x) => x.code === 'certificate/issuer-not-found'));
    assert.deepEqual(codes(ok), []);
    const typo = await client.replace(uri('cert.yaml'), certificate('internal-ca2'), 2);
    const finding = typo.find((d) => d.code === 'certificate/issuer-not-found');
    assert.ok(finding, JSON.stringify(typo));
    assert.match(finding.message as string, /no ClusterIssuer "internal-ca2" in the workspace, which defines "internal-ca"/);
  });

  it('says when an Issuer lives in another namespace, linking to it', async () => {
    const diagnostics = await client.replace(uri('cert.yaml'), certificate('team-ca', 'Issuer'), 3);
    const finding = diagnostics.find((d) => d.code === 'certificate/issuer-not-found');
    assert.ok(finding);
    assert.match(finding.message as string, /exists only in namespace team-a/);
    assert.equal(finding.relatedInformation?.[0].location.uri, uri('platform/issuers.yaml'));
    assert.equal(finding.relatedInformation?.[0].location.range.start.line, issuers.split('\n').indexOf('  name: team-ca'));
  });

  it('flags a bundle source written outside the trust namespace, pointing at the Certificate', async () => {
    const diagnostics = await openUntil(client, uri('bundle.yaml'), bundle, (d) => d.some((x) => x.code === 'bundle/source-outside-trust-namespace'));
    const finding = diagnostics.find((d) => d.code === 'bundle/source-outside-trust-namespace')!;
    assert.match(finding.message as string, /only in namespace team-a \(Certificate team-a\/tenant-ca writes it\).*trust namespace "cert-manager"/);
    assert.equal(finding.relatedInformation?.[0].location.uri, uri('platform/tenant-ca.yaml'));
  });

  it('re-checks open documents when a watched file changes on disk', async () => {
    // Move the CA Certificate into the trust namespace on disk and tell the server.
    writeFileSync(join(dir, 'platform', 'tenant-ca.yaml'), caCertificate.replace('namespace: team-a', 'namespace: cert-manager'));
    const next = client.nextDiagnostics(uri('bundle.yaml'), (p) => !p.diagnostics.some((d) => d.code === 'bundle/source-outside-trust-namespace'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('platform/tenant-ca.yaml'), type: 2 }] });
    assert.deepEqual(codes(await next), []);
  });

  it('an open document overrides the disk, and closing it restores the disk version', async () => {
    const issuersUri = uri('platform/issuers.yaml');
    const certUpdate = client.nextDiagnostics(uri('cert.yaml'), (p) => p.diagnostics.some((d) => d.code === 'certificate/issuer-not-found'));
    await client.replace(uri('cert.yaml'), certificate('internal-ca'), 4);
    // Opening issuers.yaml with the ClusterIssuer renamed makes cert.yaml's reference dangle.
    await client.open(issuersUri, issuers.replace('name: internal-ca\n', 'name: renamed-ca\n'));
    const broken = await certUpdate;
    assert.ok(broken.some((d) => d.code === 'certificate/issuer-not-found'));
    const restored = client.nextDiagnostics(uri('cert.yaml'), (p) => !p.diagnostics.some((d) => d.code === 'certificate/issuer-not-found'));
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: issuersUri } });
    assert.deepEqual(codes(await restored), []);
  });
});

/** Opens a document and waits until its diagnostics satisfy `ready` (the index may still be scanning). */
async function openUntil(client: TestClient, uri: string, text: string, ready: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
  const wanted = client.nextDiagnostics(uri, (p) => ready(p.diagnostics));
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  return wanted;
}
