// `npm run fuzz`: the long property-based run (100,000 cases by default, FUZZ_RUNS to change), its
// result recorded in BENCHMARKS.md. The quick run of the same properties is part of `npm test`.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runEngineProperties, runIncrementalProperties } from '../test/fuzz/properties';

const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const started = Date.now();
let outcome = 'passed';
try {
  runEngineProperties(runs, seed);
  runIncrementalProperties(Math.max(1, Math.floor(runs / 10)), seed);
} catch (error) {
  outcome = `FAILED: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`;
}
const minutes = ((Date.now() - started) / 60000).toFixed(1);
const line = `| ${new Date().toISOString().slice(0, 10)} | ${runs} engine + ${Math.floor(runs / 10)} incremental | ${seed} | ${minutes} min | ${outcome} |`;
console.log(line);

const path = join(__dirname, '..', 'BENCHMARKS.md');
const header = '## Fuzzing (`npm run fuzz`)';
const table = `${header}\n\nProperties: no exception escapes; every range lies inside the document; identical input gives identical findings; an incremental analysis after random edits equals a fresh one. Inputs: mutated corpus manifests, random text and bytes (invalid UTF-8), deep flow and block nesting, huge scalars, alias bombs, truncated and corrupted PEM, CRLF mixes.\n\n| Date | Cases | Seed | Time | Result |\n|---|---|---|---|---|\n`;
let report = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
if (!report.includes(header)) report = `${report.trimEnd()}\n\n${table}`;
report = report.replace(/(\| Date \| Cases \| Seed \| Time \| Result \|\n\|---\|---\|---\|---\|---\|\n)/, `$1${line}\n`);
writeFileSync(path, report);
process.exit(outcome === 'passed' ? 0 : 1);
