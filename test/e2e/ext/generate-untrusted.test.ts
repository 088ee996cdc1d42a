// Restricted Mode: the generate commands write files, so they ask nothing and write nothing until
// the workspace is trusted.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describe, it } from 'mocha';
import { EXTENSION_ID } from './helpers';

describe('Generate commands in an untrusted workspace', () => {
  for (const command of ['trustwright.generateMtlsPair', 'trustwright.scaffoldMtlsManifests']) {
    it(`${command} refuses without asking anything`, async () => {
      assert.equal(vscode.workspace.isTrusted, false);
      await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
      const asked: string[] = [];
      const prompter = {
        input: async (step: { id: string }) => (asked.push(step.id), 'mtls'),
        pick: async (step: { id: string }) => (asked.push(step.id), undefined),
        pickMany: async (step: { id: string }) => (asked.push(step.id), []),
        confirm: async () => (asked.push('confirm'), true),
      };
      const result = await vscode.commands.executeCommand<{ status: string }>(command, { prompter });
      assert.equal(result.status, 'untrusted');
      assert.deepEqual(asked, []);
      const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
      assert.equal(existsSync(path.join(folder, 'mtls')), false);
    });
  }
});
