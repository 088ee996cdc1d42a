// Shared helpers for engine tests: lint a YAML string and compare findings by rule and field.
import assert from 'node:assert/strict';
import { analyze } from '../server/src/core/engine';
import type { Finding } from '../server/src/core/findings';
import type { EngineSettings } from '../server/src/core/settings';

export function lint(yaml: string, settings?: Partial<EngineSettings>): Finding[] {
  return [...analyze(yaml, settings).findings];
}

/** `rule@field` strings, sorted, for compact equality assertions. */
export function summary(findings: readonly Finding[], predicate: (f: Finding) => boolean = () => true): string[] {
  return findings.filter(predicate).map((f) => `${f.rule}@${f.field}`).sort();
}

/** Findings of the given rule id only. */
export function ofRule(findings: readonly Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

export function expectFinding(findings: readonly Finding[], rule: string, field: string, message?: string | RegExp): Finding {
  const match = findings.find((f) => f.rule === rule && f.field === field);
  assert.ok(match, `expected ${rule} at ${field}; got:\n${findings.map((f) => `  ${f.rule}@${f.field}: ${f.message}`).join('\n') || '  (nothing)'}`);
  if (typeof message === 'string') assert.equal(match.message, message);
  else if (message) assert.match(match.message, message);
  return match;
}

/** A minimal valid Certificate; `spec` lines are appended under `spec:` (indent 2). */
export function certificate(specLines: string, meta = 'name: web\n  namespace: apps'): string {
  return `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  ${meta}\nspec:\n${specLines}`;
}
