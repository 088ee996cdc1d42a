// The language server as an editor drives it: JSON-RPC over stdio against the built dist/server.js.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, CompletionItem, CompletionList, Diagnostic, DocumentSymbol, Hover } from 'vscode-languageserver-protocol';
import { TestClient } from './client';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'corpus', name), 'utf8');

const BROKEN_CERT = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: apps
spec:
  secretName: web-tls
  duration: 30m
  issuerRef:
    name: ca
  dnsNames:
  - web.apps.svc
`;

/** The broken Certificate under another name, so open documents do not define the same object twice. */
const cert = (name: string) => BROKEN_CERT.replace('name: web\n', `name: ${name}\n`).replace('web-tls', `${name}-tls`);

/** The text covered by a range, computed from the source lines (not by the server). */
function textAt(text: string, range: Diagnostic['range']): string {
  const lines = text.split('\n');
  assert.equal(range.start.line, range.end.line, 'expected a single-line range');
  return lines[range.start.line].slice(range.start.character, range.end.character);
}

describe('language server over stdio', () => {
  let client: TestClient;

  before(async () => {
    client = new TestClient();
    const result = (await client.initialize()) as { capabilities: Record<string, unknown>; serverInfo: { name: string } };
    assert.equal(result.serverInfo.name, 'trustwright');
    assert.ok(result.capabilities.hoverProvider);
  });

  after(async () => {
    const code = await client.stop();
    assert.equal(code, 0, `server exit code; stderr: ${client.stderr}`);
  });

  it('publishes diagnostics on open, at the offending value, with the rule id as code', async () => {
    const uri = 'file:///virtual/broken-cert.yaml';
    const diagnostics = await client.open(uri, BROKEN_CERT);
    const duration = diagnostics.find((d) => d.code === 'certificate/duration');
    assert.ok(duration, JSON.stringify(diagnostics));
    assert.equal(duration.severity, 1);
    assert.equal(duration.source, 'trustwright');
    assert.equal(textAt(BROKEN_CERT, duration.range), '30m');
    assert.equal(duration.message, 'spec.duration: Invalid value: 30m0s: certificate duration must be greater than 1h0m0s');
  });

  it('clears the diagnostic after an edit that fixes it, and reports a new one after a breaking edit', async () => {
    const uri = 'file:///virtual/edit.yaml';
    await client.open(uri, cert('edit'));
    const fixed = await client.replace(uri, cert('edit').replace('30m', '2160h'), 2);
    assert.deepEqual(fixed, []);
    const broken = cert('edit').replace('30m', '2160h').replace('name: ca', 'name: ca\n    kind: Issue');
    const again = await client.replace(uri, broken, 3);
    assert.deepEqual(again.map((d) => d.code), ['certificate/issuer-ref']);
    assert.equal(textAt(broken, again[0].range), 'Issue');
  });

  it('reports YAML syntax errors at the line of the cause', async () => {
    const text = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nspec:\n\tsecretName: x\n';
    const diagnostics = await client.open('file:///virtual/tabs.yaml', text);
    const syntax = diagnostics.find((d) => d.code === 'yaml/syntax');
    assert.ok(syntax);
    assert.equal(syntax.range.start.line, 3);
    assert.match(syntax.message as string, /tabs/i);
  });

  it('keeps positions exact in a CRLF file', async () => {
    const text = cert('crlf').replace(/\n/g, '\r\n');
    const diagnostics = await client.open('file:///virtual/crlf.yaml', text);
    const duration = diagnostics.find((d) => d.code === 'certificate/duration');
    assert.ok(duration);
    assert.equal(text.split('\r\n')[duration.range.start.line].slice(duration.range.start.character, duration.range.end.character), '30m');
  });

  it('survives a Helm template and says what it skipped', async () => {
    const diagnostics = await client.open('file:///virtual/helm.yaml', fixture('36-helm-template-unquoted-braces-webhook-pki.yaml'));
    assert.ok(diagnostics.every((d) => d.severity !== 1), JSON.stringify(diagnostics));
    assert.ok(diagnostics.some((d) => d.code === 'template/not-validated'));
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: 'file:///virtual/helm.yaml' } });
    assert.equal(symbols.length, 4);
  });

  it('completes field names from the schema, required ones first', async () => {
    const uri = 'file:///virtual/complete.yaml';
    const text = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: x\nspec:\n  \n';
    await client.open(uri, text);
    const result = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 2 } });
    const items = Array.isArray(result) ? result : result.items;
    const labels = items.map((i) => i.label);
    for (const field of ['secretName', 'issuerRef', 'dnsNames', 'privateKey', 'renewBeforePercentage']) assert.ok(labels.includes(field), field);
    const sorted = [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((i) => i.label);
    assert.deepEqual(sorted.slice(0, 2).sort(), ['issuerRef', 'secretName']);
  });

  it('completes enum values', async () => {
    const uri = 'file:///virtual/enum.yaml';
    const text = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: x\nspec:\n  privateKey:\n    algorithm: \n';
    await client.open(uri, text);
    const result = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 15 } });
    assert.deepEqual(result.map((i) => i.label).sort(), ['ECDSA', 'Ed25519', 'RSA']);
  });

  it('hovers a field with its schema documentation', async () => {
    const uri = 'file:///virtual/broken-cert.yaml';
    const line = BROKEN_CERT.split('\n').findIndex((l) => l.includes('duration:'));
    const result = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line, character: 4 } });
    const value = (result.contents as { value: string }).value;
    assert.match(value, /\*\*spec\.duration\*\*/);
    assert.match(value, /string/);
  });

  it('lists one symbol per resource, named kind namespace/name', async () => {
    const uri = 'file:///virtual/mixed.yaml';
    await client.open(uri, fixture('41-mixed-service-deployment-issuer-certificate-ingress.yaml'));
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const names = symbols.map((s) => s.name.split(' ')[0]);
    assert.deepEqual(names, ['Service', 'Deployment', 'Issuer', 'Certificate', 'Ingress']);
  });

  it('offers the removed-apiVersion quick fix and a disable comment', async () => {
    const uri = 'file:///virtual/old.yaml';
    const text = fixture('60-cm5294-clusterissuer-v1alpha2-with-namespace.yaml');
    const diagnostics = await client.open(uri, text);
    const removed = diagnostics.find((d) => d.code === 'api/removed-version');
    assert.ok(removed);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: removed.range, context: { diagnostics: [removed] } });
    const fix = actions.find((a) => a.title === 'Use cert-manager.io/v1');
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(fix.edit?.changes?.[uri][0].newText, 'cert-manager.io/v1');
    assert.ok(actions.some((a) => a.title === 'Disable api/removed-version for this line'));
  });

  it('applies trustwright.rules from the editor settings without a restart', async () => {
    const uri = 'file:///virtual/settings.yaml';
    const before = await client.open(uri, cert('settings'));
    assert.ok(before.some((d) => d.code === 'certificate/duration'));
    client.configuration = { rules: { 'certificate/duration': 'off' } };
    const next = client.nextDiagnostics(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const after = await next;
    assert.ok(!after.some((d) => d.code === 'certificate/duration'), JSON.stringify(after));
    client.configuration = {};
    const restored = client.nextDiagnostics(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.ok((await restored).some((d) => d.code === 'certificate/duration'));
  });

  it('publishes nothing for a file without target kinds', async () => {
    const diagnostics = await client.open('file:///virtual/flux.yaml', fixture('30-flux-kustomization-nested-clusterissuer-ref.yaml'));
    assert.deepEqual(diagnostics, []);
  });
});
