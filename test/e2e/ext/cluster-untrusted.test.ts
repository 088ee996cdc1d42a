// In Restricted Mode the cluster views read no kubeconfig at all. The kubeconfig set here (a user
// setting, which Restricted Mode does honour) authenticates with an exec plugin that leaves a
// marker file when it runs: the marker must never appear. (The trusted run checks the opposite.)
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { describe, it } from 'mocha';
import { EXTENSION_ID, sleep } from './helpers';

describe('Live cluster views in Restricted Mode', function () {
  this.timeout(60_000);

  it('read no kubeconfig and run no exec plugin, even with the views open', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the folder is untrusted');
    const expected = vscode.workspace.getConfiguration('trustwright-e2e').get<{ execUntrusted: { kubeconfig: string; marker: string } }>('cluster')!;
    assert.equal(vscode.workspace.getConfiguration('trustwright').get('kubeconfig'), expected.execUntrusted.kubeconfig, 'the user setting is there');
    await vscode.commands.executeCommand('workbench.view.extension.trustwright');
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    for (let i = 0; i < 200 && !extension.isActive; i++) await sleep(100);
    assert.ok(extension.isActive);
    const result = await vscode.commands.executeCommand('trustwright.cluster.verifyChain', {
      secret: { resource: 'tlsSecrets', namespace: 'apps', name: 'web-tls' },
      bundle: { resource: 'bundles', name: 'internal-ca' },
      namespace: 'apps',
    });
    assert.equal(result, undefined, 'nothing was read');
    assert.equal(await vscode.commands.executeCommand('trustwright.cluster.switchContext', 'fake-exec'), undefined);
    await sleep(3000);
    assert.equal(existsSync(expected.execUntrusted.marker), false, 'the exec plugin never ran');
  });
});
