// The cron syntax cert-manager's renewal windows accept (robfig/cron's standard parser): five
// fields or a descriptor. Returns a problem description, or undefined when the expression is valid.
import { parseGoDuration } from './duration';

interface FieldSpec {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

export function parseCron(expression: string): string | undefined {
  let spec = expression.trim();
  if (/^(CRON_TZ|TZ)=/.test(spec)) spec = spec.slice(spec.indexOf(' ') + 1).trim();

  if (spec.startsWith('@')) {
    if (DESCRIPTORS.has(spec)) return undefined;
    if (spec.startsWith('@every ')) {
      const parsed = parseGoDuration(spec.slice(7).trim());
      return parsed.ok ? undefined : `failed to parse duration ${spec}: ${parsed.error}`;
    }
    return `unrecognized descriptor: ${spec}`;
  }

  const fields = spec.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    for (const part of fields[i].split(',')) {
      const problem = checkRange(part, FIELDS[i]);
      if (problem) return problem;
    }
  }
  return undefined;
}

function checkRange(expr: string, field: FieldSpec): string | undefined {
  const [range, step, ...extra] = expr.split('/');
  if (extra.length > 0) return `too many slashes: ${expr}`;
  let low: number;
  let high: number;
  if (range === '*' || range === '?') {
    low = field.min;
    high = field.max;
  } else {
    const [a, b, ...more] = range.split('-');
    if (more.length > 0) return `too many hyphens: ${expr}`;
    const first = value(a, field);
    if (typeof first === 'string') return first;
    low = first;
    high = first;
    if (b !== undefined) {
      const second = value(b, field);
      if (typeof second === 'string') return second;
      high = second;
    }
  }
  if (step !== undefined) {
    const n = Number(step);
    if (!/^\d+$/.test(step)) return `failed to parse int from ${step}: strconv.Atoi: parsing ${JSON.stringify(step)}: invalid syntax`;
    if (n === 0) return `step of range should be a positive number: ${expr}`;
  }
  if (low < field.min) return `beginning of range (${low}) below minimum (${field.min}): ${expr}`;
  if (high > field.max) return `end of range (${high}) above maximum (${field.max}): ${expr}`;
  if (low > high) return `beginning of range (${low}) beyond end of range (${high}): ${expr}`;
  return undefined;
}

function value(text: string, field: FieldSpec): number | string {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named !== -1) return named + field.min;
  if (!/^\d+$/.test(text)) return `failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`;
  return Number(text);
}
