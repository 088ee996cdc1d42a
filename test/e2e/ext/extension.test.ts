// Extension-host suite: the packaged .vsix, installed into a real VS Code (code-server 4.139.1 =
// VS Code 1.139.1), driven through the public `vscode` API. The workspace is a copy of
// test/e2e/workspace; ranges are checked against the text of those fixtures.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import {
  codeOf,
  EXPECTED_VERSION,
  EXTENSION_ID,
  hasCode,
  hoverText,
  lineOf,
  openFixture,
  ours,
  sleep,
  summary,
  waitForDiagnostics,
} from './helpers';

const BROKEN_CERT_TEXT = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: sentinel
spec:
  secretName: sentinel-tls
  duration: 1m
  issuerRef:
    name: ca
`;

describe('Trustwright, installed from its .vsix into VS Code', function () {
  let extension: vscode.Extension<unknown>;

  before(async function () {
    this.timeout(60_000);
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is installed`);
    extension = found;
    // activationEvents: onLanguage:yaml — opening a manifest must activate it.
    const document = await openFixture('broken-certificate.yaml');
    await vscode.window.showTextDocument(document);
    for (let i = 0; i < 200 && !extension.isActive; i++) await sleep(100);
    assert.ok(extension.isActive, 'the extension activated when a YAML file opened');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('trustwright').update('rules', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('is the packaged build: version, bundled dist/, schemas, no sources or node_modules', () => {
    const root = extension.extensionPath;
    assert.equal(extension.packageJSON.version, EXPECTED_VERSION);
    assert.match(root, new RegExp(`/extensions/trustwright\\.trustwright-${EXPECTED_VERSION.replace(/\./g, '\\.')}$`));
    assert.deepEqual(readdirSync(join(root, 'dist')).sort(), ['cli.js', 'extension.js', 'server.js']);
    assert.ok(existsSync(join(root, 'schemas', 'cert-manager.io_v1_Certificate.json')));
    for (const absent of ['node_modules', 'client', 'server', 'test', 'scripts', 'tsconfig.json']) {
      assert.ok(!existsSync(join(root, absent)), `${absent} is not in the .vsix`);
    }
    // A production build: minified, no source maps.
    assert.ok(!readFileSync(join(root, 'dist', 'server.js'), 'utf8').includes('sourceMappingURL'));
  });

  it('reports the broken Certificate with rule ids at the offending values', async () => {
    const document = await openFixture('broken-certificate.yaml');
    const text = document.getText();
    const diagnostics = await waitForDiagnostics(
      document.uri,
      (d) => hasCode('certificate/duration')(d) && hasCode('certificate/issuer-ref')(d),
      'certificate/duration and certificate/issuer-ref',
    );
    assert.deepEqual(diagnostics.map(codeOf).sort(), ['certificate/duration', 'certificate/issuer-ref'], summary(diagnostics));

    const duration = diagnostics.find((d) => codeOf(d) === 'certificate/duration')!;
    assert.equal(duration.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(duration.range.start.line, lineOf(text, 'duration: 30m'));
    assert.equal(document.getText(duration.range), '30m');
    assert.equal(duration.message, 'spec.duration: Invalid value: 30m0s: certificate duration must be greater than 1h0m0s');

    const issuerRef = diagnostics.find((d) => codeOf(d) === 'certificate/issuer-ref')!;
    assert.equal(issuerRef.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(issuerRef.range.start.line, lineOf(text, 'kind: Issue'));
    assert.equal(document.getText(issuerRef.range), 'Issue');
    assert.match(issuerRef.message, /must be one of Issuer or ClusterIssuer/);
  });

  it('reports the broken Bundle with rule ids at the offending keys', async () => {
    const document = await openFixture('broken-bundle.yaml');
    const text = document.getText();
    const diagnostics = await waitForDiagnostics(
      document.uri,
      (d) => hasCode('bundle/sources')(d) && hasCode('bundle/jks-deprecated')(d),
      'bundle/sources and bundle/jks-deprecated',
    );
    assert.deepEqual(diagnostics.map(codeOf).sort(), ['bundle/jks-deprecated', 'bundle/sources'], summary(diagnostics));

    const sources = diagnostics.find((d) => codeOf(d) === 'bundle/sources')!;
    assert.equal(sources.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(sources.range.start.line, lineOf(text, '  sources:'));
    assert.equal(document.getText(sources.range), 'sources');
    assert.equal(sources.message, 'spec.sources: Forbidden: must define at least one source');

    const jks = diagnostics.find((d) => codeOf(d) === 'bundle/jks-deprecated')!;
    assert.equal(jks.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(jks.range.start.line, lineOf(text, 'jks:'));
    assert.equal(document.getText(jks.range), 'jks');
    assert.deepEqual(jks.tags, [vscode.DiagnosticTag.Deprecated]);
  });

  it('reports a YAML syntax error itself when Red Hat YAML is not installed', async () => {
    assert.equal(vscode.extensions.getExtension('redhat.vscode-yaml'), undefined);
    const document = await openFixture('syntax-error.yaml');
    const diagnostics = await waitForDiagnostics(document.uri, hasCode('yaml/syntax'), 'yaml/syntax');
    const syntax = diagnostics.find((d) => codeOf(d) === 'yaml/syntax')!;
    assert.equal(syntax.range.start.line, lineOf(document.getText(), '\tsecretName'));
    assert.match(syntax.message, /tabs/);
  });

  it('reports nothing for a clean Certificate or for a non-target object', async () => {
    const clean = await openFixture('clean-certificate.yaml');
    const other = await openFixture('not-a-target.yaml');
    // A document opened after both: once its finding arrives, the server has analysed the two before it.
    const sentinel = await vscode.workspace.openTextDocument({ language: 'yaml', content: BROKEN_CERT_TEXT });
    await waitForDiagnostics(sentinel.uri, hasCode('certificate/duration'), 'the sentinel finding');
    await sleep(1000);
    assert.deepEqual(summary(ours(clean.uri)), '[]');
    assert.deepEqual(summary(ours(other.uri)), '[]');

    // The server did read both: it documents the clean Certificate's fields, and nothing in the
    // Flux Kustomization (whose healthChecks merely mention a ClusterIssuer).
    const cleanHover = await hoverText(clean.uri, new vscode.Position(lineOf(clean.getText(), 'secretName: clean-api-tls'), 4));
    assert.match(cleanHover, /\*\*spec\.secretName\*\*/);
    const otherHover = await hoverText(other.uri, new vscode.Position(lineOf(other.getText(), 'kind: ClusterIssuer'), 8));
    assert.doesNotMatch(otherHover, /\*\*spec\./);
  });

  it('completes Certificate and Bundle fields from the schema', async () => {
    const certificate = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: x\nspec:\n  \n',
    });
    const labels = await completionLabels(certificate.uri, new vscode.Position(5, 2));
    for (const field of ['secretName', 'issuerRef', 'dnsNames', 'privateKey', 'renewBeforePercentage', 'duration']) {
      assert.ok(labels.includes(field), `${field} offered; got ${labels.join(', ')}`);
    }
    assert.ok(!labels.includes('sources'), 'no Bundle field in a Certificate');

    const bundle = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: 'apiVersion: trust.cert-manager.io/v1alpha1\nkind: Bundle\nmetadata:\n  name: x\nspec:\n  \n',
    });
    const bundleLabels = await completionLabels(bundle.uri, new vscode.Position(5, 2));
    for (const field of ['sources', 'target']) assert.ok(bundleLabels.includes(field), `${field} offered; got ${bundleLabels.join(', ')}`);
    assert.ok(!bundleLabels.includes('secretName'), 'no Certificate field in a Bundle');
  });

  it('shows the schema documentation of a field on hover', async () => {
    const document = await openFixture('broken-certificate.yaml');
    const schema = JSON.parse(readFileSync(join(extension.extensionPath, 'schemas', 'cert-manager.io_v1_Certificate.json'), 'utf8'));
    const description: string = schema.properties.spec.properties.duration.description;
    const text = await hoverText(document.uri, new vscode.Position(lineOf(document.getText(), 'duration:'), 4));
    assert.match(text, /\*\*spec\.duration\*\* · `string`/);
    assert.ok(text.includes(description.split('\n')[0]), `hover has the schema description; got: ${text}`);
  });

  it('clears the diagnostic after an edit that fixes it, and reports it again when broken again', async () => {
    const document = await openFixture('broken-certificate.yaml');
    await waitForDiagnostics(document.uri, hasCode('certificate/duration'), 'certificate/duration');
    const line = lineOf(document.getText(), 'duration: 30m');
    const start = document.lineAt(line).text.indexOf('30m');
    const range = new vscode.Range(line, start, line, start + '30m'.length);

    await applyEdit(document.uri, range, '2160h');
    const fixed = await waitForDiagnostics(document.uri, (d) => !hasCode('certificate/duration')(d), 'certificate/duration to clear');
    assert.deepEqual(fixed.map(codeOf), ['certificate/issuer-ref']);

    await applyEdit(document.uri, new vscode.Range(line, start, line, start + '2160h'.length), '30m');
    const again = await waitForDiagnostics(document.uri, hasCode('certificate/duration'), 'certificate/duration to come back');
    assert.equal(document.getText(again.find((d) => codeOf(d) === 'certificate/duration')!.range), '30m');
  });

  it('applies trustwright.rules settings without a reload', async () => {
    const certificate = await openFixture('broken-certificate.yaml');
    const bundle = await openFixture('broken-bundle.yaml');
    await waitForDiagnostics(certificate.uri, hasCode('certificate/duration'), 'certificate/duration');
    const config = vscode.workspace.getConfiguration('trustwright');

    await config.update('rules', { 'certificate/duration': 'off', 'bundle/jks-deprecated': 'error' }, vscode.ConfigurationTarget.Workspace);
    const withoutDuration = await waitForDiagnostics(
      certificate.uri,
      (d) => !hasCode('certificate/duration')(d) && hasCode('certificate/issuer-ref')(d),
      'certificate/duration to be switched off',
    );
    assert.deepEqual(withoutDuration.map(codeOf), ['certificate/issuer-ref']);
    const raised = await waitForDiagnostics(
      bundle.uri,
      (d) => d.some((x) => codeOf(x) === 'bundle/jks-deprecated' && x.severity === vscode.DiagnosticSeverity.Error),
      'bundle/jks-deprecated raised to error',
    );
    assert.ok(raised.some((d) => codeOf(d) === 'bundle/sources'));

    await config.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await waitForDiagnostics(certificate.uri, hasCode('certificate/duration'), 'certificate/duration back after the setting is removed');
    await waitForDiagnostics(
      bundle.uri,
      (d) => d.some((x) => codeOf(x) === 'bundle/jks-deprecated' && x.severity === vscode.DiagnosticSeverity.Warning),
      'bundle/jks-deprecated back to a warning',
    );
  });
});

async function completionLabels(uri: vscode.Uri, position: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
  return (list?.items ?? []).map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
}

async function applyEdit(uri: vscode.Uri, range: vscode.Range, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, range, text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
}
