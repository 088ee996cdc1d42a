// The language server under abuse: malformed JSON-RPC, unknown methods, cancelled requests, a
// document whose analysis fails, and hostile documents; it must keep serving everything else.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { SERVER, TestClient } from './client';

const CERT = (name: string, extra = '') => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: ${name}
spec:
  secretName: ${name}-tls
  duration: 30m
  dnsNames: [${name}.example.com]
  issuerRef:
    name: ca
${extra}`;

describe('language server robustness', () => {
  let client: TestClient;
  const MARKER = 'FAULT-INJECTION-MARKER-7f3a';

  before(async () => {
    process.env.TRUSTWRIGHT_FAULT_INJECTION = MARKER;
    client = new TestClient();
    delete process.env.TRUSTWRIGHT_FAULT_INJECTION;
    await client.initialize();
  });

  after(async () => {
    assert.equal(await client.stop(), 0, client.stderr);
  });

  it('answers an unknown request with MethodNotFound and keeps going', async () => {
    await assert.rejects(client.request('trustwright/doesNotExist', {}), (error: { code?: number }) => error.code === -32601);
    const diagnostics = await client.open('file:///robust/a.yaml', CERT('a'));
    assert.ok(diagnostics.some((d) => d.code === 'certificate/duration'));
  });

  it('ignores unknown notifications', async () => {
    await client.connection.sendNotification('trustwright/whatever', { x: 1 });
    const diagnostics = await client.open('file:///robust/b.yaml', CERT('b'));
    assert.ok(diagnostics.some((d) => d.code === 'certificate/duration'));
  });

  it('a failing document gets one clear diagnostic, is logged without its content, and the others still work', async () => {
    const secret = `# ${MARKER}\n# token: s3cr3t-value-that-must-not-be-logged\n${CERT('c')}`;
    const failed = await client.open('file:///robust/c.yaml', secret);
    assert.deepEqual(failed.map((d) => d.code), ['engine/analysis-failed']);
    assert.ok(client.logs.some((l) => l.includes('analysis failed for file:///robust/c.yaml')));
    assert.ok(!client.logs.some((l) => l.includes('s3cr3t-value')), 'document content must never be logged');
    const other = await client.open('file:///robust/d.yaml', CERT('d'));
    assert.ok(other.some((d) => d.code === 'certificate/duration'));
  });

  it('a cancelled request gets no work done and the server carries on', async () => {
    const uri = 'file:///robust/e.yaml';
    await client.open(uri, CERT('e'));
    const { CancellationTokenSource } = await import('vscode-jsonrpc');
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 4 } }, source.token);
    source.cancel();
    const outcome = await pending.then(
      (value) => ({ value }),
      (error: { code?: number }) => ({ error: error.code }),
    );
    // Either the request was answered before the cancellation arrived, or it was cancelled.
    assert.ok('value' in outcome || outcome.error === -32800, JSON.stringify(outcome));
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 4 } });
    assert.match((hover.contents as { value: string }).value, /spec\.duration/);
  });

  it('hostile documents get bounded, clear answers', async () => {
    const deep = `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: x\nspec:\n  secretName: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const tooDeep = await client.open('file:///robust/deep.yaml', deep);
    assert.deepEqual(tooDeep.map((d) => d.code), ['yaml/too-deep']);

    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const bomb = `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: bomb\n${levels.join('\n')}\nspec:\n  ca:\n    secretName: *a8\n`;
    const bombed = await client.open('file:///robust/bomb.yaml', bomb);
    assert.ok(bombed.some((d) => d.code === 'yaml/alias-limit'), JSON.stringify(bombed.map((d) => d.code)));

    const huge = CERT('huge') + `  commonName: ${'x'.repeat(6 * 1024 * 1024)}\n`;
    const big: Diagnostic[] = await client.open('file:///robust/huge.yaml', huge);
    assert.deepEqual(big.map((d) => d.code), ['file/too-large']);

    // And the server still answers for an ordinary document afterwards.
    const after = await client.open('file:///robust/f.yaml', CERT('f'));
    assert.ok(after.some((d) => d.code === 'certificate/duration'));
  });
});

describe('language server fed garbage on stdin', () => {
  it('survives a malformed JSON-RPC message and answers the next one', async () => {
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    child.stdin.write(frame('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}'));
    child.stdin.write(frame('{this is not json'));
    child.stdin.write(frame('{"jsonrpc":"2.0","id":2,"method":"shutdown"}'));
    const answered = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      const check = () => {
        if (/"id":2/.test(stdout)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout.on('data', check);
    });
    child.stdin.write(frame('{"jsonrpc":"2.0","method":"exit"}'));
    child.kill();
    assert.ok(answered, `no answer after the malformed message; stdout: ${stdout.slice(0, 500)}`);
    assert.match(stdout, /"id":1,"result"/);
  });
});
