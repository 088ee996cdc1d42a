// Property-based checks of the engine over hostile input: random and mutated manifests, broken PEM
// and base64, deep nesting, huge scalars, alias bombs, invalid UTF-8 and mixed line endings.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyze, analyzePem, type Analysis } from '../../server/src/core/engine';

const CORPUS = join(__dirname, '..', 'fixtures', 'corpus');
const seeds = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml') && f !== 'expected.yaml')
  .map((f) => readFileSync(join(CORPUS, f), 'utf8'));

const pemBody = readFileSync(join(CORPUS, '02-bundle-inline-globalsign-r3-cross.yaml'), 'utf8');

/** Every finding's range must lie inside the text it was reported on. */
export function checkRanges(text: string, analysis: Analysis): void {
  const lines = text.split('\n');
  for (const f of analysis.findings) {
    for (const p of [f.range.start, f.range.end]) {
      assert.ok(p.line >= 0 && p.line < lines.length, `${f.rule}: line ${p.line} outside 0..${lines.length - 1}`);
      assert.ok(p.character >= 0 && p.character <= lines[p.line].length, `${f.rule}: character ${p.character} outside line ${p.line}`);
    }
    const start = f.range.start;
    const end = f.range.end;
    assert.ok(start.line < end.line || (start.line === end.line && start.character <= end.character), `${f.rule}: range ends before it starts`);
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string(), fc.constantFrom('{{', '}}', '*', '&a', '---\n', '\t', '\r\n', ': ', '- ', '"', "'", '|', '\\', '-----BEGIN CERTIFICATE-----\n', '$(VAR)')) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('crlf' as const), at: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
    else if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
    else if (m.kind === 'duplicate-line') {
      const start = out.lastIndexOf('\n', at - 1) + 1;
      const end = out.indexOf('\n', at);
      const line = out.slice(start, end === -1 ? out.length : end + 1);
      out = out.slice(0, start) + line + out.slice(start);
    } else {
      const nl = out.indexOf('\n', at);
      if (nl !== -1) out = `${out.slice(0, nl)}\r${out.slice(nl)}`;
    }
  }
  return out;
}

const manifest = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { maxLength: 8 })).map(([seed, ms]) => mutate(seed, ms)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('utf8')) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 3000 }).map((depth) => `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: x\nspec:\n  secretName: ${'['.repeat(depth)}${']'.repeat(depth)}\n`),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 300 }).map((depth) => {
      let text = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: x\nspec:\n';
      for (let i = 0; i < depth; i++) text += `${'  '.repeat(i + 1)}k${i}:\n`;
      return text;
    }),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200_000 }).map((n) => `apiVersion: trust.cert-manager.io/v1alpha1\nkind: Bundle\nmetadata:\n  name: ${'a'.repeat(n)}\nspec:\n  sources:\n  - inLine: "${'A'.repeat(n)}"\n`) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 2, max: 12 }).map((levels) => {
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
      return `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: bomb\n${lines.join('\n')}\nspec:\n  ca:\n    secretName: *a${levels - 1}\n`;
    }),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('', '=', '!', '....', '\n')).map(([cut, at, junk]) => {
      const body = pemBody.slice(0, Math.max(50, cut % pemBody.length));
      const i = at % Math.max(1, body.length);
      return body.slice(0, i) + junk + body.slice(i);
    }),
  },
);

/**
 * The bound every input must finish within: the engine stops checking a file after its 10-second
 * budget (`file/time-budget`), checked between chunks, so one more chunk's worth of slack. Far above
 * what any case takes (the slowest of a run is reported), so a loaded machine does not trip it.
 */
export const CASE_BOUND_MS = 15_000;

export function runEngineProperties(numRuns: number, seed?: number): { runs: number; seed: number | undefined; slowestMs: number } {
  let slowestMs = 0;
  fc.assert(
    fc.property(manifest, (text) => {
      const started = performance.now();
      const first = analyze(text);
      const took = performance.now() - started;
      slowestMs = Math.max(slowestMs, took);
      assert.ok(took < CASE_BOUND_MS, `one input took ${Math.round(took)} ms, over the ${CASE_BOUND_MS} ms bound`);
      checkRanges(text, first);
      const second = analyze(text);
      assert.deepEqual(
        second.findings.map((f) => [f.rule, f.range, f.message]),
        first.findings.map((f) => [f.rule, f.range, f.message]),
        'identical input, identical result',
      );
      checkRanges(text, analyzePem(text));
    }),
    { numRuns, seed, endOnFailure: true, verbose: 0, reporter: shortReport },
  );
  return { runs: numRuns, seed, slowestMs };
}

export function runIncrementalProperties(numRuns: number, seed?: number): void {
  fc.assert(
    fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seedText, mutations) => {
      const previous = analyze(seedText, {}, { uri: 'file:///fuzz.yaml' });
      const edited = mutate(seedText, mutations);
      const reused = analyze(edited, {}, { uri: 'file:///fuzz.yaml', previous });
      const fresh = analyze(edited, {}, { uri: 'file:///fuzz.yaml' });
      checkRanges(edited, reused);
      assert.deepEqual(
        reused.findings.map((f) => [f.rule, f.range, f.message]),
        fresh.findings.map((f) => [f.rule, f.range, f.message]),
      );
    }),
    { numRuns, seed, endOnFailure: true, verbose: 0, reporter: shortReport },
  );
}

/** Counterexamples can be megabytes long: report their size and head, and the seed to replay. */
function shortReport<T>(details: fc.RunDetails<T>): void {
  if (!details.failed) return;
  const example = JSON.stringify(details.counterexample ?? []);
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `property failed after ${details.numRuns} runs (seed ${details.seed}, path ${details.counterexamplePath}): ${cause.slice(0, 400)}\ncounterexample (${example.length} chars): ${example.slice(0, 300)}`,
  );
}
