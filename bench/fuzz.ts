// `npm run fuzz`: the long property-based run (100,000 cases by default, FUZZ_RUNS to change), its
// result recorded in BENCHMARKS.md. The quick run of the same properties is part of `npm test`.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CASE_BOUND_MS, runEngineProperties, runIncrementalProperties } from '../test/fuzz/properties';

const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const started = Date.now();
let outcome = 'passed';
let slowest = '';
try {
  slowest = `${Math.round(runEngineProperties(runs, seed).slowestMs)} ms`;
  runIncrementalProperties(Math.max(1, Math.floor(runs / 10)), seed);
} catch (error) {
  outcome = `FAILED: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`;
}
const minutes = ((Date.now() - started) / 60000).toFixed(1);
const line = `| ${new Date().toISOString().slice(0, 10)} | ${runs} engine + ${Math.floor(runs / 10)} incremental | ${seed} | ${minutes} min | ${slowest || '–'} | ${outcome} |`;
console.log(line);

const path = join(__dirname, '..', 'BENCHMARKS.md');
const header = '## Fuzzing (`npm run fuzz`)';
const table = `${header}\n\nProperties: no exception escapes; every range lies inside the document; identical input gives identical findings; an incremental analysis after random edits equals a fresh one; each input is analysed within ${CASE_BOUND_MS / 1000} s (the slowest case of the run is in the table). Inputs: mutated corpus manifests, random text and bytes (invalid UTF-8), deep flow and block nesting, huge scalars, alias bombs, truncated and corrupted PEM, CRLF mixes.\n\n| Date | Cases | Seed | Time | Slowest case | Result |\n|---|---|---|---|---|---|\n`;
let report = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
// The section is written anew (header and properties as they are now), keeping earlier runs' rows.
const at = report.indexOf(header);
const rows = at === -1 ? [] : report.slice(at).split('\n').filter((l) => /^\| \d{4}-\d\d-\d\d \|/.test(l))
  // Rows from before the slowest-case column get a dash in it.
  .map((l) => (l.split('|').length === 7 ? l.replace(/\| ([^|]*) \|$/, '| – | $1 |') : l));
report = `${(at === -1 ? report : report.slice(0, at)).trimEnd()}\n\n${table}${[line, ...rows].join('\n')}\n`;
writeFileSync(path, report);
process.exit(outcome === 'passed' ? 0 : 1);
