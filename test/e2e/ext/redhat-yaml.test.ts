// Beside Red Hat YAML: the stand-in extension `redhat.vscode-yaml` runs the real yaml-language-server
// with a Certificate JSON schema associated to every *.yaml file (as a user who maps Kubernetes
// schemas would have), so without care both extensions would report the same problems.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { before, describe, it } from 'mocha';
import { codeOf, EXTENSION_ID, hasCode, lineOf, openFixture, sleep, summary, waitForDiagnostics } from './helpers';

const CLAIM_SCHEMA_URI = 'trustwright://schemas/validated-by-trustwright.json';

interface StandIn {
  registerContributor: unknown;
  e2e: { contributors(): string[]; schemaRequests(): Array<{ resource: string; schemas: string[] }> };
}

/** Diagnostics from every source but Trustwright. */
function others(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source !== 'trustwright');
}

function waitForOthers(uri: vscode.Uri, accept: (d: vscode.Diagnostic[]) => boolean, what: string, timeoutMs = 20_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const current = others(uri);
      if (!accept(current)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(current);
    };
    const subscription = vscode.languages.onDidChangeDiagnostics(check);
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out waiting for ${what} on ${uri.path}; Red Hat YAML stand-in: ${summary(others(uri))}`));
    }, timeoutMs);
    check();
  });
}

/** Waits until Trustwright has analysed everything opened so far (a later document's finding arrived). */
async function trustwrightCaughtUp(): Promise<void> {
  const sentinel = await vscode.workspace.openTextDocument({
    language: 'yaml',
    content: 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: s\nspec:\n  secretName: s\n  duration: 1m\n  issuerRef:\n    name: ca\n',
  });
  await waitForDiagnostics(sentinel.uri, hasCode('certificate/duration'), 'the sentinel finding');
  await sleep(500);
}

describe('Trustwright beside Red Hat YAML (stand-in running yaml-language-server)', function () {
  let standIn: StandIn;

  before(async function () {
    this.timeout(90_000);
    const document = await openFixture('syntax-error.yaml');
    await vscode.window.showTextDocument(document);
    const redHat = vscode.extensions.getExtension<StandIn>('redhat.vscode-yaml');
    const trustwright = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(redHat && trustwright, 'both extensions are installed');
    for (let i = 0; i < 300 && !(redHat.isActive && trustwright.isActive); i++) await sleep(100);
    assert.ok(redHat.isActive && trustwright.isActive, 'both activated on a YAML file');
    standIn = redHat.exports;
  });

  it('registers its schema contributor with Red Hat YAML', async () => {
    for (let i = 0; i < 100 && !standIn.e2e.contributors().includes('trustwright'); i++) await sleep(100);
    assert.deepEqual(standIn.e2e.contributors(), ['trustwright']);
  });

  it('lists a YAML syntax error once: Red Hat YAML reports it, Trustwright does not repeat it', async () => {
    const document = await openFixture('syntax-error.yaml');
    const line = lineOf(document.getText(), '\tsecretName');
    await waitForOthers(document.uri, (d) => d.some((x) => x.range.start.line === line), 'Red Hat YAML to report the tab');
    await trustwrightCaughtUp();
    const all = vscode.languages.getDiagnostics(document.uri);
    const atLine = all.filter((d) => d.range.start.line === line);
    assert.equal(atLine.length, 1, `one diagnostic on the line; got ${summary(all)}`);
    assert.notEqual(atLine[0].source, 'trustwright');
    assert.ok(!all.some((d) => codeOf(d) === 'yaml/syntax'), summary(all));
  });

  it('keeps Red Hat YAML from validating a manifest Trustwright owns: the unknown field is listed once', async () => {
    // Control: in a file mixing in a ConfigMap (not claimed), Red Hat YAML flags the same field.
    const mixed = await openFixture('mixed-unknown-field.yaml');
    const mixedLine = lineOf(mixed.getText(), 'foo: bar');
    await waitForOthers(mixed.uri, (d) => d.some((x) => x.range.start.line === mixedLine), 'Red Hat YAML to flag foo in the mixed file');

    const owned = await openFixture('unknown-field-certificate.yaml');
    const ours = await waitForDiagnostics(owned.uri, hasCode('schema/unknown-field'), 'schema/unknown-field');
    const unknown = ours.find((d) => codeOf(d) === 'schema/unknown-field')!;
    assert.equal(owned.getText(unknown.range), 'foo');
    assert.equal(unknown.range.start.line, lineOf(owned.getText(), 'foo: bar'));
    await trustwrightCaughtUp();
    assert.deepEqual(summary(others(owned.uri)), '[]');

    const requests = standIn.e2e.schemaRequests();
    const answer = (uri: vscode.Uri) => requests.filter((r) => r.resource === uri.toString()).at(-1)?.schemas;
    assert.deepEqual(answer(owned.uri), [CLAIM_SCHEMA_URI]);
    assert.deepEqual(answer(mixed.uri), []);
  });

  it('shows one hover (ours) for a field of a manifest Trustwright owns', async () => {
    const owned = await openFixture('unknown-field-certificate.yaml');
    const position = new vscode.Position(lineOf(owned.getText(), 'secretName:'), 4);
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', owned.uri, position)) ?? [];
    const texts = hovers.map((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n'));
    // yaml-language-server answers with an empty hover, which VS Code does not show.
    const shown = texts.filter((t) => t.trim() !== '');
    assert.equal(shown.length, 1, JSON.stringify(texts));
    assert.match(shown[0], /^\*\*spec\.secretName\*\*/);
  });
});
