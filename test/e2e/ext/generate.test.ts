// The generate commands in a real VS Code: driven through their real input boxes and quick picks
// (each accepted with its default, as a user pressing Enter would), and through a scripted prompter
// for the other answers, the overwrite confirmation and cancellation. Checks the files on disk with
// Node's X509Certificate and openssl, and that the language server reports nothing on the
// scaffolded manifests.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describe, it } from 'mocha';
import { EXTENSION_ID, hoverText, lineOf, ours, sleep } from './helpers';

const GENERATE = 'trustwright.generateMtlsPair';
const SCAFFOLD = 'trustwright.scaffoldMtlsManifests';

type Result = { status: string; folder?: string; files?: { path: string; mode: number; private: boolean }[]; message?: string };

interface Step {
  id: string;
  prompt?: string;
  placeHolder?: string;
  items?: readonly { label: string; value: unknown }[];
  validate?: (text: string) => string | undefined;
}

/** Answers each step by id; every typed answer must pass the step's own validator. */
class ScriptedPrompter {
  readonly asked: string[] = [];
  readonly confirmations: { message: string; detail: string }[] = [];

  constructor(
    private readonly answers: Record<string, string | string[]>,
    private readonly confirmWith = false,
  ) {}

  async input(step: Step): Promise<string | undefined> {
    this.asked.push(step.id);
    const answer = this.answers[step.id];
    assert.ok(typeof answer === 'string', `an answer for ${step.id}`);
    assert.equal(step.validate?.(answer), undefined, `${step.id}: "${answer}" passes the input box's validation`);
    return answer;
  }

  async pick(step: Step): Promise<unknown> {
    this.asked.push(step.id);
    const item = step.items!.find((i) => i.value === this.answers[step.id]);
    assert.ok(item, `${step.id} offers ${String(this.answers[step.id])}`);
    return item.value;
  }

  async pickMany(step: Step): Promise<unknown[]> {
    this.asked.push(step.id);
    const wanted = (this.answers[step.id] ?? []) as string[];
    return step.items!.filter((i) => wanted.includes(i.value as string)).map((i) => i.value);
  }

  async confirm(message: string, detail: string): Promise<boolean> {
    this.confirmations.push({ message, detail });
    return this.confirmWith;
  }
}

function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return folder.uri.fsPath;
}

/** Runs a command with VS Code's own inputs, accepting each one (Enter) until the command ends. */
async function runAcceptingDefaults(command: string, timeoutMs = 60_000): Promise<Result> {
  let settled: Result | undefined;
  let failure: unknown;
  const run = Promise.resolve(vscode.commands.executeCommand<Result>(command)).then(
    (result) => (settled = result),
    (error) => (failure = error),
  );
  const started = Date.now();
  let accepted = 0;
  while (settled === undefined && failure === undefined && Date.now() - started < timeoutMs) {
    await sleep(200);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    accepted++;
  }
  await Promise.race([run, sleep(100)]);
  if (failure) throw failure;
  assert.ok(settled, `${command} finished within ${timeoutMs} ms (${accepted} inputs accepted)`);
  return settled;
}

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const mode = (file: string) => statSync(file).mode & 0o777;

function openssl(args: string[]): string {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return `${result.stdout}${result.stderr}`;
}

async function activate(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  await extension.activate();
}

describe('Generate mTLS Pair and Scaffold mTLS Manifests', function () {
  this.timeout(120_000);

  it('are in the command palette, enabled only in a trusted workspace', async () => {
    await activate();
    const contributed = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string; title: string; category: string; enablement?: string }[];
    for (const [id, title] of [
      [GENERATE, 'Generate mTLS Pair'],
      [SCAFFOLD, 'Scaffold mTLS Manifests'],
    ]) {
      const entry = contributed.find((c) => c.command === id);
      assert.ok(entry, `${id} is contributed`);
      assert.equal(`${entry.category}: ${entry.title}`, `Trustwright: ${title}`);
      assert.equal(entry.enablement, 'isWorkspaceTrusted');
    }
    const registered = await vscode.commands.getCommands(true);
    assert.ok(registered.includes(GENERATE) && registered.includes(SCAFFOLD));
    assert.equal(vscode.workspace.isTrusted, true);
  });

  it('Generate mTLS Pair through its real input boxes, every default accepted, writes a verified set', async () => {
    const result = await runAcceptingDefaults(GENERATE);
    assert.equal(result.status, 'written', result.message);
    const folder = path.join(workspaceFolder(), 'mtls');
    assert.equal(result.folder, folder);
    assert.deepEqual(readdirSync(folder).sort(), ['ca.crt', 'ca.key', 'client-chain.crt', 'client.crt', 'client.key', 'server-chain.crt', 'server.crt', 'server.key']);
    for (const key of ['ca.key', 'server.key', 'client.key']) assert.equal(mode(path.join(folder, key)), 0o600, `${key} is 0600`);

    const ca = new X509Certificate(readFileSync(path.join(folder, 'ca.crt')));
    const server = new X509Certificate(readFileSync(path.join(folder, 'server.crt')));
    const client = new X509Certificate(readFileSync(path.join(folder, 'client.crt')));
    assert.ok(ca.ca && server.checkIssued(ca) && server.verify(ca.publicKey) && client.verify(ca.publicKey));
    assert.equal(server.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
    assert.equal(client.subject, 'CN=client');
    assert.equal(server.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1', 'the default: ECDSA P-256');
    assert.match(openssl(['verify', '-CAfile', path.join(folder, 'ca.crt'), path.join(folder, 'server.crt'), path.join(folder, 'client.crt')]), /server\.crt: OK\n.*client\.crt: OK/s);
  });

  it('Generate mTLS Pair with typed answers: an intermediate, SPIFFE and PKCS#12 with a typed password', async () => {
    const prompter = new ScriptedPrompter({
      out: 'certs/payments',
      caCn: 'Payments Dev CA',
      serverDns: 'api.payments.svc, api.payments.svc.cluster.local',
      serverIp: '',
      serverUri: 'spiffe://cluster.local/ns/payments/sa/api',
      clientCn: 'checkout',
      keyAlg: 'ecdsa-p384',
      caDays: '90',
      leafDays: '7',
      extras: ['intermediate', 'pkcs12'],
      pkcs12Password: 'typed in the box',
    });
    const result = await vscode.commands.executeCommand<Result>(GENERATE, { prompter });
    assert.equal(result.status, 'written', result.message);
    assert.deepEqual(prompter.asked, ['out', 'caCn', 'serverDns', 'serverIp', 'serverUri', 'clientCn', 'keyAlg', 'caDays', 'leafDays', 'extras', 'pkcs12Password']);
    const folder = path.join(workspaceFolder(), 'certs', 'payments');
    assert.deepEqual(readdirSync(folder).sort(), [
      'ca.crt', 'ca.key', 'client-chain.crt', 'client.crt', 'client.key', 'client.p12', 'intermediate.crt', 'intermediate.key', 'server-chain.crt', 'server.crt', 'server.key', 'server.p12',
    ]);
    for (const file of result.files!) assert.equal(mode(file.path), file.private ? 0o600 : 0o644 & ~process.umask(), path.basename(file.path));
    assert.deepEqual(result.files!.filter((f) => f.private).map((f) => path.basename(f.path)).sort(), ['ca.key', 'client.key', 'client.p12', 'intermediate.key', 'server.key', 'server.p12']);

    const server = new X509Certificate(readFileSync(path.join(folder, 'server.crt')));
    assert.equal(server.subjectAltName, 'DNS:api.payments.svc, DNS:api.payments.svc.cluster.local, URI:spiffe://cluster.local/ns/payments/sa/api');
    assert.equal(server.issuer, 'CN=Payments Dev CA Intermediate');
    assert.match(openssl(['x509', '-in', path.join(folder, 'client.crt'), '-noout', '-ext', 'extendedKeyUsage']), /TLS Web Client Authentication/);
    assert.match(openssl(['verify', '-CAfile', path.join(folder, 'ca.crt'), '-untrusted', path.join(folder, 'intermediate.crt'), path.join(folder, 'server.crt')]), /OK/);
    const passwordFile = path.join(folder, '..', 'p12-password');
    writeFileSync(passwordFile, 'typed in the box', { mode: 0o600 });
    assert.match(openssl(['pkcs12', '-info', '-noout', '-in', path.join(folder, 'server.p12'), '-passin', `file:${passwordFile}`]), /MAC: sha256/);
  });

  it('asks before overwriting, naming the files; declining changes nothing, confirming replaces them', async () => {
    const answers = { out: 'mtls', caCn: 'Second CA', serverDns: 'localhost', serverIp: '127.0.0.1', serverUri: '', clientCn: 'client', keyAlg: 'ecdsa-p256', caDays: '365', leafDays: '30', extras: [] };
    const folder = path.join(workspaceFolder(), 'mtls');
    const before = Object.fromEntries(readdirSync(folder).map((name) => [name, digest(path.join(folder, name))]));

    const declining = new ScriptedPrompter(answers, false);
    const declined = await vscode.commands.executeCommand<Result>(GENERATE, { prompter: declining });
    assert.equal(declined.status, 'declined');
    assert.equal(declining.confirmations.length, 1);
    assert.match(declining.confirmations[0].message, /^Overwrite 8 files in mtls\?$/);
    for (const name of ['ca.crt', 'ca.key', 'server.key', 'client-chain.crt']) assert.match(declining.confirmations[0].detail, new RegExp(`^${name.replace('.', '\\.')}$`, 'm'));
    assert.deepEqual(Object.fromEntries(readdirSync(folder).map((name) => [name, digest(path.join(folder, name))])), before);

    const confirming = new ScriptedPrompter(answers, true);
    const replaced = await vscode.commands.executeCommand<Result>(GENERATE, { prompter: confirming });
    assert.equal(replaced.status, 'written', replaced.message);
    assert.notEqual(digest(path.join(folder, 'ca.crt')), before['ca.crt']);
    assert.equal(new X509Certificate(readFileSync(path.join(folder, 'ca.crt'))).subject, 'CN=Second CA');
    assert.equal(mode(path.join(folder, 'server.key')), 0o600);
  });

  it('RSA-4096 generation shows progress and, cancelled, writes nothing', async () => {
    const prompter = new ScriptedPrompter({ out: 'cancelled', caCn: 'Slow CA', serverDns: 'localhost', serverIp: '', serverUri: '', clientCn: 'client', keyAlg: 'rsa-4096', caDays: '365', leafDays: '30', extras: ['intermediate'] });
    const source = new vscode.CancellationTokenSource();
    const started = Date.now();
    const running = vscode.commands.executeCommand<Result>(GENERATE, { prompter, cancellation: source.token });
    await sleep(400);
    source.cancel();
    const result = await running;
    assert.equal(result.status, 'cancelled');
    assert.ok(Date.now() - started < 10_000, 'returned without waiting for every key');
    assert.equal(existsSync(path.join(workspaceFolder(), 'cancelled')), false, 'no folder, no partial files');
  });

  it('Scaffold mTLS Manifests through its real inputs, every default accepted: your CA, web/frontend calls backend/api', async () => {
    const result = await runAcceptingDefaults(SCAFFOLD);
    assert.equal(result.status, 'written', result.message);
    const folder = path.join(workspaceFolder(), 'mtls-manifests');
    const written = result.files!.map((f) => path.relative(folder, f.path)).sort();
    assert.deepEqual(written, ['bundles/backend.yaml', 'bundles/web.yaml', 'ca.yaml', 'intermediates/backend.yaml', 'intermediates/web.yaml', 'workloads/backend.yaml', 'workloads/web.yaml']);
    const ca = readFileSync(path.join(folder, 'ca.yaml'), 'utf8');
    assert.match(ca, /secretName: root-ca/);
    assert.doesNotMatch(ca, /selfSigned/);
    assert.match(readFileSync(path.join(folder, 'workloads', 'backend.yaml'), 'utf8'), /name: api-server/);
    assert.doesNotMatch(readFileSync(path.join(folder, 'workloads', 'backend.yaml'), 'utf8'), /api-client/, 'backend/api calls nobody');
    // A second scaffold below defines the same root issuer; two layouts in one workspace are
    // (rightly) reported as duplicates, so this one goes.
    await vscode.workspace.fs.delete(vscode.Uri.file(folder), { recursive: true });
    await sleep(1000);
  });

  it('Scaffold mTLS Manifests with typed answers writes manifests the language server reports nothing on', async () => {
    const prompter = new ScriptedPrompter({
      out: 'zero-trust',
      caSource: 'selfSigned',
      workloads: 'edge/gateway, app/api, data/db',
      connections: 'edge/gateway=app/api, app/api=data/db',
      keyAlg: 'ed25519',
      leafDuration: '12h',
      trustNamespace: 'cert-manager',
    });
    const result = await vscode.commands.executeCommand<Result>(SCAFFOLD, { prompter });
    assert.equal(result.status, 'written', result.message);
    assert.deepEqual(prompter.asked, ['out', 'caSource', 'workloads', 'connections', 'keyAlg', 'leafDuration', 'trustNamespace']);
    assert.equal(result.files!.length, 10);

    const bundle = vscode.Uri.file(path.join(workspaceFolder(), 'zero-trust', 'bundles', 'app.yaml'));
    const document = await vscode.workspace.openTextDocument(bundle);
    await vscode.window.showTextDocument(document);
    // The server has the file once it answers a hover on it; then nothing may be reported.
    const hover = await waitFor(() => hoverText(bundle, new vscode.Position(lineOf(document.getText(), 'namespaceSelector'), 6)), (text) => /namespaceSelector/.test(text));
    assert.match(hover, /namespaceSelector/);
    await sleep(1500);
    for (const file of result.files!) {
      const uri = vscode.Uri.file(file.path);
      await vscode.workspace.openTextDocument(uri);
    }
    await sleep(1500);
    for (const file of result.files!) assert.deepEqual(ours(vscode.Uri.file(file.path)).map((d) => d.message), [], `${path.relative(workspaceFolder(), file.path)} is clean`);
    assert.match(readFileSync(path.join(workspaceFolder(), 'zero-trust', 'ca.yaml'), 'utf8'), /^# DEVELOPMENT ONLY/m);
  });
});

async function waitFor<T>(get: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await get();
    if (accept(value) || Date.now() - started > timeoutMs) return value;
    await sleep(250);
  }
}
