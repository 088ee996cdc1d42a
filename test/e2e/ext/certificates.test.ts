// Certificate intelligence in the real VS Code: hover, CodeLens, pem/* diagnostics and their quick
// fixes on a Bundle whose certificates openssl made for this run (a root CA, an expired intermediate
// CA, the root again). Every expected value is openssl's reading (generated.ts), never our decoder's.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { before, describe, it } from 'mocha';
import { codeOf, EXTENSION_ID, hasCode, hoverText, lineOf, openFixture, ours, sleep, summary, waitForDiagnostics } from './helpers';
import { blockLines, certificateLenses, codeActionsAt, expectedLensTitle, generatedFacts, type GeneratedFacts } from './generated';

/** Polls `read` until `accept` holds (CodeLenses have no change event the API exposes). */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await sleep(200);
  }
}

const titles = (lenses: vscode.CodeLens[]) => lenses.map((l) => l.command?.title);

describe('Certificates inside manifests (made by openssl for this run)', function () {
  let facts: GeneratedFacts;
  let document: vscode.TextDocument;
  let original: string;

  before(async function () {
    this.timeout(60_000);
    facts = generatedFacts();
    assert.deepEqual(
      facts.certificates.map((c) => c.role),
      ['root', 'expired', 'duplicate'],
    );
    document = await openFixture(facts.file);
    await vscode.window.showTextDocument(document);
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    for (let i = 0; i < 200 && !extension.isActive; i++) await sleep(100);
    assert.ok(extension.isActive);
    original = document.getText();
    await waitForDiagnostics(document.uri, (d) => hasCode('pem/expired')(d) && hasCode('pem/duplicate')(d), 'pem/expired and pem/duplicate');
  });

  it('the fixture holds the three certificates openssl made, as written', () => {
    const blocks = blockLines(original);
    assert.equal(blocks.length, 3);
    facts.certificates.forEach((c, i) => {
      const body = c.pem.split('\n')[1];
      assert.equal(lineOf(original, body), c.role === 'duplicate' ? blocks[0].begin + 1 : blocks[i].begin + 1);
    });
    assert.equal(facts.certificates[2].sha256, facts.certificates[0].sha256, 'the duplicate is the root');
    assert.notEqual(facts.certificates[1].sha256, facts.certificates[0].sha256);
  });

  it('hover on a line of each certificate shows that certificate, with the fingerprints openssl computed', async () => {
    const blocks = blockLines(original);
    for (const [i, c] of facts.certificates.entries()) {
      // A line in the middle of the base64 body, a few characters in.
      const text = await hoverText(document.uri, new vscode.Position(blocks[i].begin + 3, 10));
      assert.ok(text.startsWith(`**CERTIFICATE ${i + 1} of 3** · CN=${c.cn} (CA)`), `hover ${i + 1}: ${text.split('\n')[0]}`);
      assert.ok(text.includes(`| SHA-256 | ${c.sha256} |`), `hover ${i + 1} has openssl's SHA-256 ${c.sha256}: ${text}`);
      assert.ok(text.includes(`| SHA-1 | ${c.sha1} |`), `hover ${i + 1} has openssl's SHA-1`);
      assert.match(text, new RegExp(`\\| Subject \\| [^|\\n]*CN=${c.cn}`));
      assert.ok(text.includes(` → ${c.notAfter} (`), `hover ${i + 1} has notAfter ${c.notAfter}`);
      const validity = /\| Valid \| [^\n]*\(([^)]*)\) \|/.exec(text)?.[1] ?? '';
      assert.match(validity, c.role === 'expired' ? /^expired .* ago$/ : /^expires in /);
      const others = facts.certificates.filter((o) => o.sha256 !== c.sha256);
      for (const other of others) assert.ok(!text.includes(other.sha256), `hover ${i + 1} is about one certificate only`);
    }
  });

  it('hover on the inLine: key shows a table with one row per certificate', async () => {
    const line = lineOf(original, '- inLine: |');
    const text = await hoverText(document.uri, new vscode.Position(line, document.lineAt(line).text.indexOf('inLine') + 2));
    assert.ok(text.startsWith('**spec.sources[0].inLine** · 3 PEM blocks'), text.split('\n')[0]);
    const rows = text.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    assert.equal(rows.length, 3, text);
    facts.certificates.forEach((c, i) => {
      const short = c.sha256.toLowerCase().split(':').slice(0, 4).join(':');
      assert.ok(rows[i].startsWith(`| ${i + 1} | CN=${c.cn} | CA | ${c.notAfter.slice(0, 10)} (`), rows[i]);
      assert.ok(rows[i].includes(`${short}:…`), `row ${i + 1} has ${short}: ${rows[i]}`);
    });
  });

  it('shows one CodeLens above each certificate, titled from what openssl read', async () => {
    const blocks = blockLines(original);
    const lenses = await eventually(() => certificateLenses(document.uri), (l) => l.length === 3, 'three CodeLenses');
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title]),
      facts.certificates.map((c, i) => [blocks[i].begin, expectedLensTitle(c)]),
    );
  });

  it('reports pem/expired and pem/duplicate on the lines of the certificate each is about', () => {
    const blocks = blockLines(original);
    const diagnostics = ours(document.uri);
    assert.deepEqual(diagnostics.map(codeOf).sort(), ['pem/duplicate', 'pem/expired'], summary(diagnostics));
    const [root, expired] = facts.certificates;

    const expiry = diagnostics.find((d) => codeOf(d) === 'pem/expired')!;
    assert.equal(expiry.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual([expiry.range.start.line, expiry.range.end.line], [blocks[1].begin, blocks[1].end]);
    assert.ok(expiry.message.includes(`certificate CN=${expired.cn} (PEM block 2) expired on ${expired.notAfter.slice(0, 10)}`), expiry.message);

    const duplicate = diagnostics.find((d) => codeOf(d) === 'pem/duplicate')!;
    assert.deepEqual([duplicate.range.start.line, duplicate.range.end.line], [blocks[2].begin, blocks[2].end]);
    assert.ok(duplicate.message.includes(`certificate CN=${root.cn} (PEM block 3) repeats PEM block 1`), duplicate.message);
  });

  it('"Remove the expired certificate" removes that block only: its diagnostic and its CodeLens go, the others stay', async () => {
    const blocks = blockLines(original);
    const expiry = ours(document.uri).find((d) => codeOf(d) === 'pem/expired')!;
    const actions = await codeActionsAt(document.uri, expiry.range);
    const remove = actions.find((a) => a.title === 'Remove the expired certificate');
    assert.ok(remove?.edit, `offered; got ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(remove.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.ok(await vscode.workspace.applyEdit(remove.edit), 'the quick fix applied');

    // Exactly the expired certificate's lines are gone; every other line is as it was.
    const lines = original.split('\n');
    const expected = [...lines.slice(0, blocks[1].begin), ...lines.slice(blocks[1].end + 1)].join('\n');
    assert.equal(document.getText(), expected);

    const after = await waitForDiagnostics(document.uri, (d) => !hasCode('pem/expired')(d) && hasCode('pem/duplicate')(d), 'pem/expired to clear');
    assert.deepEqual(after.map(codeOf), ['pem/duplicate'], summary(after));
    const [root, expired, duplicate] = facts.certificates;
    const lenses = await eventually(() => certificateLenses(document.uri), (l) => l.length === 2, 'two CodeLenses');
    assert.deepEqual(titles(lenses), [expectedLensTitle(root), expectedLensTitle(duplicate)]);
    assert.ok(!titles(lenses).some((t) => t?.includes(expired.cn)));
    // The duplicate is now PEM block 2 (it was 3).
    assert.ok(after[0].message.includes('(PEM block 2) repeats PEM block 1'), after[0].message);
  });

  it('"Remove the duplicate certificate" then leaves the root alone, and no finding', async () => {
    const duplicate = ours(document.uri).find((d) => codeOf(d) === 'pem/duplicate')!;
    const remove = (await codeActionsAt(document.uri, duplicate.range)).find((a) => a.title === 'Remove the duplicate certificate');
    assert.ok(remove?.edit, 'offered');
    assert.ok(await vscode.workspace.applyEdit(remove.edit));
    await waitForDiagnostics(document.uri, (d) => d.length === 0, 'no finding left');
    const lenses = await eventually(() => certificateLenses(document.uri), (l) => l.length === 1, 'one CodeLens');
    assert.deepEqual(titles(lenses), [expectedLensTitle(facts.certificates[0])]);
    const text = document.getText();
    assert.equal(blockLines(text).length, 1);
    // The YAML around the block is intact: the target still follows the one remaining certificate.
    assert.match(text, /-----END CERTIFICATE-----\n  target:\n    configMap:\n/);
  });
});
