// Go's time.ParseDuration and Duration.String(), which cert-manager's duration fields go through.

const UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

export const NANOS = { second: 1e9, minute: 60e9, hour: 3600e9 } as const;

export type ParsedDuration = { ok: true; nanos: number } | { ok: false; error: string };

/** Parses like Go; the error text matches Go's so messages read like the webhook's. */
export function parseGoDuration(text: string): ParsedDuration {
  const quoted = JSON.stringify(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, nanos: 0 };
  if (rest === '') return { ok: false, error: `time: invalid duration ${quoted}` };

  let total = 0;
  while (rest !== '') {
    const number = /^(\d*)(\.(\d*))?/.exec(rest)!;
    if (number[0] === '' || number[0] === '.') return { ok: false, error: `time: invalid duration ${quoted}` };
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === '') return { ok: false, error: `time: missing unit in duration ${quoted}` };
    const scale = UNITS[unit];
    if (scale === undefined) return { ok: false, error: `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}` };
    rest = rest.slice(unit.length);
    total += Number(`${number[1] || '0'}.${number[3] || '0'}`) * scale;
  }
  if (total > 9.223372036854775807e18) return { ok: false, error: `time: invalid duration ${quoted}` };
  return { ok: true, nanos: sign * Math.round(total) };
}

/** Go's Duration.String(): `2160h0m0s`, `5m0s`, `1.5s`, `0s`. */
export function formatGoDuration(nanos: number): string {
  if (nanos === 0) return '0s';
  const negative = nanos < 0;
  let n = Math.abs(nanos);
  let out: string;
  if (n < NANOS.second) {
    if (n < 1e3) out = `${n}ns`;
    else if (n < 1e6) out = `${trim(n / 1e3)}µs`;
    else out = `${trim(n / 1e6)}ms`;
  } else {
    const hours = Math.floor(n / NANOS.hour);
    n -= hours * NANOS.hour;
    const minutes = Math.floor(n / NANOS.minute);
    n -= minutes * NANOS.minute;
    const seconds = trim(n / NANOS.second);
    out = hours > 0 ? `${hours}h${minutes}m${seconds}s` : minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
  }
  return negative ? `-${out}` : out;
}

function trim(value: number): string {
  return String(Number(value.toFixed(9)));
}

/**
 * A Go duration field of a spec: nanoseconds, undefined when unset, or 'invalid' when it is not a
 * string or does not parse (another rule reports that).
 */
export function durationField(spec: { readonly [key: string]: unknown }, name: string): number | undefined | 'invalid' {
  const raw = spec[name];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') return 'invalid';
  const parsed = parseGoDuration(raw);
  return parsed.ok ? parsed.nanos : 'invalid';
}
