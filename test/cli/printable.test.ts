// `printable`: what the text formatters print of strings from outside, so that none of them can
// drive the terminal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { printable } from '../../server/src/cli/format/escape';

describe('printable', () => {
  it('escapes C0 controls, DEL and C1 controls as \\u escapes', () => {
    assert.equal(printable('evil\u001b]0;PWNED\u0007'), 'evil\\u001b]0;PWNED\\u0007');
    assert.equal(printable('x\u001b[2J\u0000\r\u007f\u0085\u009b'), 'x\\u001b[2J\\u0000\\u000d\\u007f\\u0085\\u009b');
  });

  it('keeps newline, tab and everything printable, accents and emoji included', () => {
    assert.equal(printable('a\tb\nc é — ✓ 😀 \u00a0'), 'a\tb\nc é — ✓ 😀 \u00a0');
  });
});
