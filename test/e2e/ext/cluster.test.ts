// The live cluster views' commands in a real VS Code, reading the fake API server through the
// kubeconfig the harness wrote (trustwright.kubeconfig). Expected answers come from openssl, run by
// the harness on the same certificates and passed in the `trustwright-e2e.cluster` setting.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { before, describe, it } from 'mocha';
import { EXTENSION_ID, sleep } from './helpers';

interface Expected {
  url: string;
  exec: { kubeconfig: string; marker: string };
  context: string;
  namespace: string;
  verify: { secret: string; bundle: string; namespace: string; accepted: boolean }[];
  fingerprints: Record<string, string>;
}

interface Check {
  accepted: boolean;
  summary: string;
  bundleSource: string;
  verdict: { chain: { subject: string }[] };
}

const ref = (resource: string, text: string) => {
  const [namespace, name] = text.split('/');
  return { resource, namespace, name };
};

describe('Live cluster views, against the fake API server', function () {
  this.timeout(60_000);
  let expected: Expected;

  before(async () => {
    expected = vscode.workspace.getConfiguration('trustwright-e2e').get<Expected>('cluster')!;
    assert.ok(expected?.url, 'the harness passed the fake API server');
    // Opening the view container is what a user does; it activates the extension and starts reading.
    await vscode.commands.executeCommand('workbench.view.extension.trustwright');
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    for (let i = 0; i < 200 && !extension.isActive; i++) await sleep(100);
    assert.ok(extension.isActive, 'the extension activated when its views opened');
  });

  it('authenticates through the kubeconfig exec plugin (it ran)', async () => {
    const exec = vscode.workspace.getConfiguration('trustwright-e2e').get<{ exec: { marker: string } }>('cluster')!.exec;
    await vscode.commands.executeCommand('trustwright.cluster.refresh');
    // The views may become visible (and start reading) only after `before` returned, when the
    // extension was already active; refresh then starts the session without waiting for it.
    const { existsSync } = await import('node:fs');
    for (let i = 0; i < 100 && !existsSync(exec.marker); i++) await sleep(100);
    assert.ok(existsSync(exec.marker), 'the exec credential plugin ran');
  });

  it('the kubeconfig setting is restricted in untrusted workspaces', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['trustwright.kubeconfig']);
  });

  for (const index of [0, 1, 2]) {
    it(`verify chain answers as openssl verify does (case ${index + 1})`, async () => {
      const c = expected.verify[index];
      const result = await vscode.commands.executeCommand<Check>('trustwright.cluster.verifyChain', {
        secret: ref('tlsSecrets', c.secret),
        bundle: { resource: 'bundles', name: c.bundle },
        namespace: c.namespace,
      });
      assert.ok(result, 'the command returned its answer');
      assert.equal(result.accepted, c.accepted, result.summary);
      assert.equal(result.bundleSource, `ConfigMap ${c.namespace}/${c.bundle}, key ca.crt (what trust-manager wrote there)`);
    });
  }

  it('copies the SHA-256 fingerprint openssl computes', async () => {
    const fingerprint = await vscode.commands.executeCommand<string>('trustwright.cluster.copyFingerprint', { ref: ref('certificates', 'apps/web') });
    assert.equal(fingerprint, expected.fingerprints['apps/web-tls']);
    assert.equal(await vscode.env.clipboard.readText(), expected.fingerprints['apps/web-tls']);
  });

  it('inspects a certificate with the hover rendering', async () => {
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('trustwright.cluster.inspectCertificate', { ref: ref('tlsSecrets', 'apps/web-tls') });
    assert.ok(document);
    const text = document.getText();
    assert.match(text, /\*\*CERTIFICATE 1 of 2\*\* · CN=web\.apps\.svc/);
    assert.ok(text.includes(`| SHA-256 | ${expected.fingerprints['apps/web-tls']} |`));
    assert.equal(document.uri.scheme, 'trustwright-cluster');
  });

  it('opens a TLS Secret as read-only YAML without its private key', async () => {
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('trustwright.cluster.openYaml', { ref: ref('tlsSecrets', 'apps/web-tls') });
    assert.ok(document);
    const text = document.getText();
    assert.equal(document.languageId, 'yaml');
    assert.match(text, /^# Secret apps\/web-tls, context fake-exec; read-only/);
    assert.match(text, /tls\.crt: /);
    assert.ok(!/tls\.key|PRIVATE KEY|last-applied/.test(text), 'no key material');
    // A virtual document: there is no file to save back to the cluster.
    assert.equal(document.uri.scheme, 'trustwright-cluster');
  });

  it('switches context only when asked, by name', async () => {
    // This run's kubeconfig (the exec-plugin one) names the context fake-exec.
    const picked = await vscode.commands.executeCommand<string>('trustwright.cluster.switchContext', 'fake-exec');
    assert.equal(picked, 'fake-exec');
    const result = await vscode.commands.executeCommand<Check>('trustwright.cluster.verifyChain', {
      secret: ref('tlsSecrets', 'apps/web-tls'),
      bundle: { resource: 'bundles', name: 'internal-ca' },
      namespace: 'legacy',
    });
    assert.equal(result.accepted, false);
    assert.match(result.summary, /not delivered to namespace legacy/);
  });
});
