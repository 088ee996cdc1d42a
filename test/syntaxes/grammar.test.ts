// The TextMate grammars as VS Code loads them: vscode-textmate with the Oniguruma WebAssembly build
// (loaded from node_modules, no network), wired from package.json's `contributes.grammars`. The YAML
// grammar the injection attaches to is the TextMate bundle's, from the tm-grammars package; VS Code
// ships its own YAML grammar, which names the same base scope (source.yaml).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type StateStack } from 'vscode-textmate';
import { indent, Workshop } from '../pki';

const ROOT = join(__dirname, '..', '..');

interface GrammarContribution {
  readonly language?: string;
  readonly scopeName: string;
  readonly path: string;
  readonly injectTo?: readonly string[];
}

const contributions = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { grammars: GrammarContribution[] } }).contributes.grammars;

function grammarFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const c of contributions) files.set(c.scopeName, join(ROOT, c.path));
  files.set('source.yaml', require.resolve('tm-grammars/grammars/yaml.json'));
  return files;
}

async function registry(): Promise<Registry> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const files = grammarFiles();
  return new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      const path = files.get(scopeName);
      return path ? parseRawGrammar(readFileSync(path, 'utf8'), path) : null;
    },
    getInjections: (scopeName) => contributions.filter((c) => c.injectTo?.includes(scopeName)).map((c) => c.scopeName),
  });
}

interface Token {
  readonly text: string;
  readonly scopes: readonly string[];
}

function tokenize(grammar: IGrammar, text: string): Token[][] {
  let state: StateStack = INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** Scopes of every token that overlaps `needle` on the line. */
function scopesOf(tokens: Token[][], lines: string[], needle: string, lineNumber = lines.findIndex((l) => l.includes(needle))): string[][] {
  assert.notEqual(lineNumber, -1, needle);
  const line = lines[lineNumber];
  const from = line.indexOf(needle);
  let at = 0;
  const out: string[][] = [];
  for (const token of tokens[lineNumber]) {
    const start = at;
    at += token.text.length;
    if (at <= from || start >= from + needle.length) continue;
    out.push([...token.scopes]);
  }
  return out;
}

function assertScope(tokens: Token[][], lines: string[], needle: string, scope: string, lineNumber?: number): void {
  const scopes = scopesOf(tokens, lines, needle, lineNumber);
  assert.ok(scopes.length > 0, needle);
  for (const s of scopes) assert.ok(s.includes(scope), `"${needle}" (line ${lineNumber ?? lines.findIndex((l) => l.includes(needle))}) lacks ${scope}: ${JSON.stringify(s)}`);
}

/** Every token of the line is free of PEM scopes. */
function assertNoPem(tokens: Token[][], lineNumber: number, lines: string[]): void {
  for (const token of tokens[lineNumber]) {
    assert.ok(!token.scopes.some((s) => s.includes('pem')), `line ${lineNumber} "${lines[lineNumber]}" has PEM scopes: ${JSON.stringify(token)}`);
  }
}

describe('TextMate grammars', () => {
  const w = new Workshop();
  let pem: string;
  let encryptedKey: string;
  let reg: Registry;

  before(async () => {
    const made = w.ca('root', { cn: 'Grammar Root' });
    pem = made.pem.trim();
    encryptedKey = w.openssl(['pkey', '-in', made.keyPath, '-traditional', '-aes128', '-passout', 'pass:grammar-test']).trim();
    assert.match(encryptedKey, /Proc-Type: 4,ENCRYPTED/);
    w.dispose();
    reg = await registry();
  });

  it('package.json contributes both grammars with the scope names their files declare', () => {
    for (const c of contributions) {
      const file = JSON.parse(readFileSync(join(ROOT, c.path), 'utf8')) as { scopeName: string };
      assert.equal(file.scopeName, c.scopeName, c.path);
    }
    assert.deepEqual(contributions.map((c) => [c.scopeName, c.language ?? null, c.injectTo ?? null]), [
      ['source.pem', 'pem', null],
      ['source.yaml.embedded-pem', null, ['source.yaml']],
    ]);
  });

  describe('a PEM file (source.pem)', () => {
    let lines: string[];
    let tokens: Token[][];

    before(async () => {
      const grammar = await reg.loadGrammar('source.pem');
      assert.ok(grammar);
      const body = pem.split('\n');
      const text = ['subject=CN = Grammar Root', pem, encryptedKey, '-----BEGIN CERTIFICATE-----', body[1], 'MIIB!not*base64', '-----END CERTIFICATE-----', ''].join('\n');
      lines = text.split('\n');
      tokens = tokenize(grammar, text);
    });

    it('scopes the armor lines: keyword.control.pem.armor.begin / end, and the type', () => {
      const begin = lines.indexOf('-----BEGIN CERTIFICATE-----');
      assertScope(tokens, lines, '-----BEGIN ', 'keyword.control.pem.armor.begin', begin);
      assertScope(tokens, lines, 'CERTIFICATE', 'entity.name.type.pem', begin);
      assert.ok(tokens[begin][tokens[begin].length - 1].scopes.includes('keyword.control.pem.armor.begin'));
      const end = lines.indexOf('-----END CERTIFICATE-----');
      assertScope(tokens, lines, '-----END ', 'keyword.control.pem.armor.end', end);
      assertScope(tokens, lines, 'CERTIFICATE', 'entity.name.type.pem', end);
      assert.ok(tokens[end][tokens[end].length - 1].scopes.includes('keyword.control.pem.armor.end'));
      assertScope(tokens, lines, 'EC PRIVATE KEY', 'entity.name.type.pem');
    });

    it('scopes every body line string.unquoted.base64.pem inside meta.block.pem', () => {
      const begin = lines.indexOf('-----BEGIN CERTIFICATE-----');
      const end = lines.indexOf('-----END CERTIFICATE-----');
      assert.ok(end - begin > 3);
      for (let i = begin + 1; i < end; i++) {
        assertScope(tokens, lines, lines[i], 'string.unquoted.base64.pem', i);
        assertScope(tokens, lines, lines[i], 'meta.block.pem', i);
      }
    });

    it('scopes RFC 1421 headers, text outside blocks, and a body line that is not base64', () => {
      assertScope(tokens, lines, 'Proc-Type', 'variable.other.property.pem.header');
      assertScope(tokens, lines, '4,ENCRYPTED', 'string.unquoted.pem.header');
      assertScope(tokens, lines, 'subject=CN = Grammar Root', 'comment.line.pem');
      assertScope(tokens, lines, 'MIIB!not*base64', 'invalid.illegal.pem');
      const keyBody = lines.findIndex((l, i) => i > lines.findIndex((x) => x.startsWith('DEK-Info')) && l.trim() !== '');
      assertScope(tokens, lines, lines[keyBody], 'string.unquoted.base64.pem', keyBody);
    });
  });

  describe('PEM inside a YAML manifest (the injection into source.yaml)', () => {
    let lines: string[];
    let tokens: Token[][];

    before(async () => {
      const grammar = await reg.loadGrammar('source.yaml');
      assert.ok(grammar);
      const text = [
        '# -----BEGIN CERTIFICATE----- in a comment is not a block',
        'apiVersion: trust.cert-manager.io/v1alpha1',
        'kind: Bundle',
        'metadata:',
        '  name: trust',
        '  annotations:',
        '    note: "paste a PEM that starts with -----BEGIN CERTIFICATE----- below"',
        '    json: "-----BEGIN CERTIFICATE-----\\nMIIBczCC\\n-----END CERTIFICATE-----\\n"',
        'spec:',
        '  sources:',
        '  - inLine: |',
        indent(pem, 6),
        '  target:',
        '    configMap:',
        '      key: ca.crt',
        '',
      ].join('\n');
      lines = text.split('\n');
      tokens = tokenize(grammar, text);
    });

    it('scopes the armor lines of an inLine block', () => {
      const begin = lines.findIndex((l) => l === '      -----BEGIN CERTIFICATE-----');
      const end = lines.findIndex((l) => l === '      -----END CERTIFICATE-----');
      assertScope(tokens, lines, '-----BEGIN ', 'keyword.control.pem.armor.begin', begin);
      assertScope(tokens, lines, 'CERTIFICATE', 'entity.name.type.pem', begin);
      assertScope(tokens, lines, '-----END ', 'keyword.control.pem.armor.end', end);
      assertScope(tokens, lines, 'CERTIFICATE', 'entity.name.type.pem', end);
      for (const line of [begin, end]) assertScope(tokens, lines, lines[line].trim(), 'meta.embedded.block.pem', line);
    });

    it('scopes the body string.unquoted.base64.pem', () => {
      const begin = lines.findIndex((l) => l === '      -----BEGIN CERTIFICATE-----');
      const end = lines.findIndex((l) => l === '      -----END CERTIFICATE-----');
      for (let i = begin + 1; i < end; i++) {
        assertScope(tokens, lines, lines[i].trim(), 'string.unquoted.base64.pem', i);
        for (const scopes of scopesOf(tokens, lines, lines[i].trim(), i)) assert.equal(scopes.filter((x) => x === 'meta.embedded.block.pem').length, 1, JSON.stringify(scopes));
      }
    });

    it('gives the YAML back after the block: the next key is a YAML key again', () => {
      const target = lines.indexOf('  target:');
      assertNoPem(tokens, target, lines);
      assertScope(tokens, lines, 'target', 'entity.name.tag.yaml', target);
      assertScope(tokens, lines, 'key', 'entity.name.tag.yaml', lines.indexOf('      key: ca.crt'));
    });

    it('leaves comments alone', () => {
      assertNoPem(tokens, 0, lines);
      assertScope(tokens, lines, '# -----BEGIN CERTIFICATE----- in a comment is not a block', 'comment.line.number-sign.yaml', 0);
    });

    it('a BEGIN armor mentioned in a string without its END does not swallow the rest of the file', () => {
      for (const key of ['spec:', '  sources:', '  - inLine: |']) {
        const line = lines.indexOf(key);
        assertNoPem(tokens, line, lines);
      }
      assertScope(tokens, lines, 'spec', 'entity.name.tag.yaml', lines.indexOf('spec:'));
      const note = lines.findIndex((l) => l.includes('note:'));
      const quote = tokens[note][tokens[note].length - 1];
      assert.equal(quote.text, '"');
      assert.ok(quote.scopes.includes('punctuation.definition.string.end.yaml'), JSON.stringify(quote));
      assert.ok(!quote.scopes.some((x) => x.includes('pem')), JSON.stringify(quote));
      assertScope(tokens, lines, 'below', 'string.unquoted.base64.pem', note);
    });

    it('a JSON-style one-line string gets its armor scoped and ends where the string ends', () => {
      const json = lines.findIndex((l) => l.includes('json:'));
      assertScope(tokens, lines, '-----BEGIN ', 'keyword.control.pem.armor.begin', json);
      assertScope(tokens, lines, '-----END ', 'keyword.control.pem.armor.end', json);
      assertScope(tokens, lines, 'MIIBczCC', 'string.unquoted.base64.pem', json);
      assertScope(tokens, lines, '\\n', 'constant.character.escape.pem', json);
      const last = tokens[json][tokens[json].length - 1];
      assert.equal(last.text, '"');
      assert.ok(!last.scopes.some((x) => x.includes('pem')));
      assertNoPem(tokens, json + 1, lines);
    });
  });
});
