// Restricted Mode: workspace trust is on and the folder is not trusted. The extension declares
// `untrustedWorkspaces: limited`; validation, hover and completion must still work.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describe, it } from 'mocha';
import { codeOf, EXTENSION_ID, hasCode, hoverText, lineOf, openFixture, sleep, waitForDiagnostics } from './helpers';

describe('Trustwright in an untrusted workspace (Restricted Mode)', () => {
  it('runs with the folder untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the folder is not trusted');
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    assert.equal(extension.packageJSON.capabilities?.untrustedWorkspaces?.supported, 'limited');
  });

  it('still validates: diagnostics arrive for the broken Certificate', async function () {
    this.timeout(60_000);
    const document = await openFixture('broken-certificate.yaml');
    await vscode.window.showTextDocument(document);
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    for (let i = 0; i < 200 && !extension.isActive; i++) await sleep(100);
    assert.ok(extension.isActive, 'activated in Restricted Mode');
    const diagnostics = await waitForDiagnostics(document.uri, hasCode('certificate/duration'), 'certificate/duration');
    const duration = diagnostics.find((d) => codeOf(d) === 'certificate/duration')!;
    assert.equal(document.getText(duration.range), '30m');
    assert.equal(duration.range.start.line, lineOf(document.getText(), 'duration: 30m'));
  });

  it('still hovers', async () => {
    const document = await openFixture('broken-certificate.yaml');
    const text = await hoverText(document.uri, new vscode.Position(lineOf(document.getText(), 'secretName:'), 4));
    assert.match(text, /\*\*spec\.secretName\*\*/);
  });
});
