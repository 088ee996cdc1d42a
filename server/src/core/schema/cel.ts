// The CRDs' own x-kubernetes-validations rules, evaluated with a CEL library (never by reading the
// rule text). Programs are planned once per rule text and reused.
import { celEnv, isCelError, plan, parse, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { CelRule } from './registry';

type Program = (bindings: Record<string, CelInput>) => unknown;

// Kubernetes CEL includes the strings extension library; the CRDs we ship use only the standard
// macros, but user-installed CRD variants may not.
const env = celEnv({ funcs: strings });

const programs = new Map<string, Program | null>();

function programFor(rule: string): Program | null {
  let program = programs.get(rule);
  if (program === undefined) {
    try {
      const planned = plan(env, parse(rule));
      program = (bindings) => planned(bindings as never);
    } catch {
      // Limitation: a rule the library cannot parse is skipped rather than guessed at.
      program = null;
    }
    programs.set(rule, program);
  }
  return program;
}

export interface CelFailure {
  readonly rule: CelRule;
  readonly message: string;
}

/** Runs each rule against `self`; returns the rules that evaluate to false. */
export function evaluateRules(rules: readonly CelRule[], self: unknown): CelFailure[] {
  const failures: CelFailure[] = [];
  const input = toCel(self);
  for (const rule of rules) {
    // Transition rules need the previous object, which a file never has.
    if (rule.rule.includes('oldSelf')) continue;
    const program = programFor(rule.rule);
    if (!program) continue;
    let result: unknown;
    try {
      result = program({ self: input });
    } catch {
      continue;
    }
    if (isCelError(result)) continue;
    if (result === false) {
      failures.push({ rule, message: rule.message ?? `failed rule: ${rule.rule}` });
    }
  }
  return failures;
}

/** JSON to CEL input: whole numbers become CEL ints, as the API server types integer fields. */
function toCel(value: unknown): CelInput {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel) as CelInput;
  if (value && typeof value === 'object') {
    const out: Record<string, CelInput> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v);
    return out as CelInput;
  }
  return value as CelInput;
}
