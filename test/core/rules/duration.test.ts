// Expected values follow Go's time.ParseDuration / Duration.String() (documented Go behaviour).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, parseGoDuration } from '../../../server/src/core/rules/duration';
import { parseCron } from '../../../server/src/core/rules/cron';
import { parseLiteralSubject } from '../../../server/src/core/rules/literal-subject';

describe('Go durations', () => {
  const valid: [string, string][] = [
    ['2160h', '2160h0m0s'],
    ['1h30m', '1h30m0s'],
    ['90m', '1h30m0s'],
    ['5m', '5m0s'],
    ['1.5h', '1h30m0s'],
    ['87600h0m0s', '87600h0m0s'],
    ['0', '0s'],
    ['300ms', '300ms'],
    ['45s', '45s'],
  ];
  for (const [input, formatted] of valid) {
    it(`${input} → ${formatted}`, () => {
      const parsed = parseGoDuration(input);
      assert.ok(parsed.ok);
      assert.equal(formatGoDuration(parsed.nanos), formatted);
    });
  }
  const invalid: [string, string][] = [
    ['90d', 'time: unknown unit "d" in duration "90d"'],
    ['24', 'time: missing unit in duration "24"'],
    ['', 'time: invalid duration ""'],
    ['h', 'time: invalid duration "h"'],
  ];
  for (const [input, error] of invalid) {
    it(`rejects ${JSON.stringify(input)}`, () => assert.deepEqual(parseGoDuration(input), { ok: false, error }));
  }
});

describe('cron expressions for renewal windows', () => {
  for (const ok of ['0 2 * * *', '*/15 9-17 * * MON-FRI', '0 0 1 jan,jul *', '@daily', '@every 6h', 'TZ=UTC 0 3 * * 0']) {
    it(`accepts ${ok}`, () => assert.equal(parseCron(ok), undefined));
  }
  const bad: [string, RegExp][] = [
    ['0 0 2 * * *', /expected exactly 5 fields, found 6/],
    ['61 * * * *', /end of range \(61\) above maximum \(59\)/],
    ['* * 0 * *', /beginning of range \(0\) below minimum \(1\)/],
    ['@fortnightly', /unrecognized descriptor/],
    ['x * * * *', /failed to parse int from x/],
  ];
  for (const [expression, problem] of bad) it(`rejects ${expression}`, () => assert.match(parseCron(expression) ?? '', problem));
});

describe('literal subjects (RFC 4514)', () => {
  it('splits attributes and honours escapes', () => {
    const parsed = parseLiteralSubject('CN=web,O=Example\\, Inc.,OU=a+OU=b,1.2.3.4=x');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.attributes.map((a) => `${a.type}=${a.value}`), ['CN=web', 'O=Example, Inc.', 'OU=a', 'OU=b', '1.2.3.4=x']);
    assert.ok(parsed.attributes.every((a) => parsed.isKnownType(a.type)));
  });
  it('flags unknown attribute types and broken pairs', () => {
    const parsed = parseLiteralSubject('CN=web,EMAIL=a@b');
    assert.ok(parsed.ok && !parsed.isKnownType('EMAIL'));
    assert.equal(parseLiteralSubject('CN=web,O').ok, false);
  });
});
