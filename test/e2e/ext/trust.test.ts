// Trust lints and the workspace index in the real VS Code: findings that depend on a file nobody
// opened (the server indexed the workspace folder at start) carry related information pointing at it,
// and the quick fixes for trust breadth, key rotation and removed API versions apply and clear their
// finding.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { describe, it } from 'mocha';
import { codeOf, hasCode, lineOf, openFixture, ours, summary, waitForDiagnostics, workspaceUri } from './helpers';
import { codeActionsAt } from './generated';

/** Whether VS Code has the file open (as a document: in an editor or read through the API). */
function isOpen(name: string): boolean {
  const uri = workspaceUri(name).toString();
  return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri);
}

function onDisk(name: string): string {
  return readFileSync(workspaceUri(name).fsPath, 'utf8');
}

async function applyQuickFix(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, title: (t: string) => boolean): Promise<vscode.CodeAction> {
  const actions = await codeActionsAt(document.uri, diagnostic.range);
  const fix = actions.find((a) => title(a.title));
  assert.ok(fix?.edit, `quick fix offered for ${codeOf(diagnostic)}; got ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the quick fix applied');
  return fix;
}

describe('Trust lints across the workspace', () => {
  it('certificate/issuer-not-found links to the Issuer in another namespace, in a file that was never opened', async () => {
    assert.ok(!isOpen('team-issuer.yaml'), 'team-issuer.yaml is only on disk');
    const document = await openFixture('cross-namespace-certificate.yaml');
    await vscode.window.showTextDocument(document);
    const text = document.getText();
    const diagnostics = await waitForDiagnostics(document.uri, hasCode('certificate/issuer-not-found'), 'certificate/issuer-not-found');
    assert.deepEqual(diagnostics.map(codeOf), ['certificate/issuer-not-found'], summary(diagnostics));

    const finding = diagnostics[0];
    assert.equal(finding.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(finding.range.start.line, lineOf(text, 'name: team-ca'));
    assert.equal(document.getText(finding.range), 'team-ca');
    assert.match(finding.message, /Issuer "team-ca" exists only in namespace team-a, and an Issuer serves only its own namespace \(apps\)/);

    const related = finding.relatedInformation ?? [];
    assert.equal(related.length, 1, JSON.stringify(related));
    assert.equal(related[0].location.uri.toString(), workspaceUri('team-issuer.yaml').toString());
    assert.equal(related[0].location.range.start.line, lineOf(onDisk('team-issuer.yaml'), '  name: team-ca'));
    assert.equal(related[0].message, 'Issuer team-a/team-ca');
    assert.ok(!isOpen('team-issuer.yaml'), 'still not opened by anyone');
  });

  it('bundle/source-outside-trust-namespace links to the Certificate that writes the Secret elsewhere', async () => {
    assert.ok(!isOpen('tenant-ca-certificate.yaml'), 'tenant-ca-certificate.yaml is only on disk');
    const document = await openFixture('tenant-bundle.yaml');
    const diagnostics = await waitForDiagnostics(document.uri, hasCode('bundle/source-outside-trust-namespace'), 'bundle/source-outside-trust-namespace');
    assert.deepEqual(diagnostics.map(codeOf), ['bundle/source-outside-trust-namespace'], summary(diagnostics));
    const finding = diagnostics[0];
    assert.equal(document.getText(finding.range), 'tenant-a-ca');
    assert.match(finding.message, /Secret "tenant-a-ca" is only in namespace team-a \(Certificate team-a\/tenant-a-ca writes it\).*trust namespace "cert-manager"/);
    const related = finding.relatedInformation ?? [];
    assert.equal(related.length, 1, JSON.stringify(related));
    assert.equal(related[0].location.uri.toString(), workspaceUri('tenant-ca-certificate.yaml').toString());
    assert.equal(related[0].location.range.start.line, lineOf(onDisk('tenant-ca-certificate.yaml'), '  name: tenant-a-ca'));
  });

  it('the bundle/all-namespaces quick fix adds a namespaceSelector and clears the finding', async () => {
    const document = await openFixture('all-namespaces-bundle.yaml');
    const before = document.getText();
    const diagnostics = await waitForDiagnostics(document.uri, hasCode('bundle/all-namespaces'), 'bundle/all-namespaces');
    assert.deepEqual(diagnostics.map(codeOf), ['bundle/all-namespaces'], summary(diagnostics));
    const finding = diagnostics[0];
    assert.equal(finding.range.start.line, lineOf(before, '  target:'));
    assert.equal(document.getText(finding.range), 'target');

    const fix = await applyQuickFix(document, finding, (t) => t.startsWith('Select only namespaces labelled '));
    const label = /labelled (\S+): "true"$/.exec(fix.title)?.[1];
    assert.ok(label, fix.title);
    assert.equal(document.getText(), `${before.trimEnd()}\n    namespaceSelector:\n      matchLabels:\n        ${label}: "true"\n`);
    await waitForDiagnostics(document.uri, (d) => d.length === 0, 'bundle/all-namespaces to clear, with nothing else reported');
  });

  it('the certificate/rotation-policy-never quick fix sets rotationPolicy: Always', async () => {
    const document = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: [
        'apiVersion: cert-manager.io/v1',
        'kind: Certificate',
        'metadata:',
        '  name: pinned',
        '  namespace: apps',
        'spec:',
        '  secretName: pinned-tls',
        '  dnsNames: [pinned.apps.svc]',
        '  issuerRef:',
        '    name: internal-ca',
        '    kind: ClusterIssuer',
        '  privateKey:',
        '    algorithm: ECDSA',
        '    rotationPolicy: Never',
        '',
      ].join('\n'),
    });
    const diagnostics = await waitForDiagnostics(document.uri, hasCode('certificate/rotation-policy-never'), 'certificate/rotation-policy-never');
    const finding = diagnostics.find((d) => codeOf(d) === 'certificate/rotation-policy-never')!;
    assert.equal(document.getText(finding.range), 'Never');
    await applyQuickFix(document, finding, (t) => t === 'Set rotationPolicy: Always');
    assert.equal(document.lineAt(finding.range.start.line).text, '    rotationPolicy: Always');
    await waitForDiagnostics(document.uri, (d) => !hasCode('certificate/rotation-policy-never')(d), 'certificate/rotation-policy-never to clear');
  });

  it('the api/removed-version quick fix replaces the apiVersion', async () => {
    const document = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: 'apiVersion: cert-manager.io/v1alpha2\nkind: ClusterIssuer\nmetadata:\n  name: legacy\nspec:\n  selfSigned: {}\n',
    });
    const diagnostics = await waitForDiagnostics(document.uri, hasCode('api/removed-version'), 'api/removed-version');
    const finding = diagnostics.find((d) => codeOf(d) === 'api/removed-version')!;
    assert.equal(document.getText(finding.range), 'cert-manager.io/v1alpha2');
    await applyQuickFix(document, finding, (t) => t === 'Use cert-manager.io/v1');
    assert.equal(document.lineAt(0).text, 'apiVersion: cert-manager.io/v1');
    const after = await waitForDiagnostics(document.uri, (d) => !hasCode('api/removed-version')(d), 'api/removed-version to clear');
    assert.deepEqual(after.map(codeOf), [], summary(ours(document.uri)));
  });
});
