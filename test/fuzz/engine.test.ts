// A short fuzzing run in every `npm test`; `npm run fuzz` runs the long one.
import { describe, it } from 'node:test';
import { runEngineProperties, runIncrementalProperties } from './properties';

describe('engine under hostile input (quick fuzz)', () => {
  it('never throws, keeps every range inside the document, and is deterministic', () => {
    runEngineProperties(Number(process.env.FUZZ_RUNS ?? 150));
  });

  it('an incremental analysis after random edits equals a fresh one', () => {
    runIncrementalProperties(Number(process.env.FUZZ_RUNS ?? 60));
  });
});
