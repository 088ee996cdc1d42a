import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { decodedPemBlocks, findPemBlocks, isStdBase64 } from '../../../server/src/core/pem/blocks';

// Bodies need only be base64 here; what they decode to is tested with real certificates in the rule tests.
const BODY = 'TUlJQ2FrQ0NBZE9nQXdJQkFnSUJBVEFOQmdrcWhraUc5dzBCQVFzRkFEQVNNUkF3RGdZRFZRUURFd2R5YjI5MA==';
const block = (type: string, body = BODY) => `-----BEGIN ${type}-----\n${body}\n-----END ${type}-----\n`;

interface Case {
  readonly name: string;
  readonly text: string;
  /** `type:problem` (or `type:ok`) per block found, in order. */
  readonly expected: readonly string[];
}

const cases: readonly Case[] = [
  { name: 'one well-formed certificate', text: block('CERTIFICATE'), expected: ['CERTIFICATE:ok'] },
  { name: 'no PEM at all', text: 'just a placeholder\n', expected: [] },
  { name: 'documentation elided the body with ....', text: block('CERTIFICATE', 'MIIC5zCCAc+gAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\n....\n0V3NCaQrXoh+3xrXgX/vMdijYLUSo/YPEWmo'), expected: ['CERTIFICATE:bad-base64'] },
  { name: 'body with a unicode ellipsis', text: block('CERTIFICATE', 'MIIC…'), expected: ['CERTIFICATE:bad-base64'] },
  { name: 'body whose length is not a multiple of four (a truncated line)', text: block('CERTIFICATE', 'TUlJQ2'), expected: ['CERTIFICATE:bad-base64'] },
  { name: 'BEGIN not at the start of a line is not PEM (Go ignores it)', text: `x ${block('CERTIFICATE')}`, expected: [] },
  { name: 'BEGIN line with four dashes', text: `-----BEGIN CERTIFICATE----\n${BODY}\n-----END CERTIFICATE-----\n`, expected: ['CERTIFICATE:bad-begin-line'] },
  { name: 'missing END line', text: `-----BEGIN CERTIFICATE-----\n${BODY}\n`, expected: ['CERTIFICATE:unterminated'] },
  { name: 'END line of another type', text: `-----BEGIN CERTIFICATE-----\n${BODY}\n-----END PRIVATE KEY-----\n`, expected: ['CERTIFICATE:unterminated'] },
  { name: 'text after the END dashes on the same line', text: `-----BEGIN CERTIFICATE-----\n${BODY}\n-----END CERTIFICATE----- trailing\n`, expected: ['CERTIFICATE:unterminated'] },
  { name: 'trailing spaces after BEGIN and END lines are fine', text: `-----BEGIN CERTIFICATE-----  \n${BODY}\n-----END CERTIFICATE-----\t \n`, expected: ['CERTIFICATE:ok'] },
  { name: 'Windows line endings', text: block('CERTIFICATE').replace(/\n/g, '\r\n'), expected: ['CERTIFICATE:ok'] },
  { name: 'indented body lines (spaces are removed)', text: `-----BEGIN CERTIFICATE-----\n  ${BODY.slice(0, 40)}\n  ${BODY.slice(40)}\n-----END CERTIFICATE-----\n`, expected: ['CERTIFICATE:ok'] },
  { name: 'empty body directly followed by END', text: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n', expected: ['CERTIFICATE:ok'] },
  { name: 'a private key next to a certificate', text: block('CERTIFICATE') + block('RSA PRIVATE KEY'), expected: ['CERTIFICATE:ok', 'RSA PRIVATE KEY:ok'] },
  {
    name: 'an unterminated block does not hide the next one',
    text: `-----BEGIN CERTIFICATE-----\n${BODY}\n${block('CERTIFICATE')}`,
    expected: ['CERTIFICATE:unterminated', 'CERTIFICATE:ok'],
  },
  {
    name: 'comments and blank lines between blocks are skipped',
    text: `# root\n${block('CERTIFICATE')}\n# intermediate\n\n${block('CERTIFICATE')}`,
    expected: ['CERTIFICATE:ok', 'CERTIFICATE:ok'],
  },
  {
    name: 'an elided block between two good ones',
    text: block('CERTIFICATE') + block('CERTIFICATE', 'MIIC\n....') + block('CERTIFICATE'),
    expected: ['CERTIFICATE:ok', 'CERTIFICATE:bad-base64', 'CERTIFICATE:ok'],
  },
];

describe('findPemBlocks', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        findPemBlocks(c.text).map((b) => `${b.type}:${b.problem ?? 'ok'}`),
        c.expected,
      );
    });
  }

  it('gives offsets of the BEGIN and END lines and of the body', () => {
    const prefix = 'inLine comment\n';
    const text = prefix + block('CERTIFICATE');
    const [found] = findPemBlocks(text);
    assert.equal(found.start, prefix.length);
    assert.equal(text.slice(found.start, found.end), block('CERTIFICATE').trimEnd());
    assert.equal(text.slice(found.bodyStart, found.bodyEnd), BODY);
    assert.equal(found.base64, BODY);
  });

  it('decodes the body to bytes', () => {
    const [found] = findPemBlocks(block('CERTIFICATE'));
    assert.equal(found.decodes, true);
    assert.deepEqual(Buffer.from(found.bytes!), Buffer.from(BODY, 'base64'));
  });

  it('leaves bytes unset for a body that does not decode', () => {
    const [found] = findPemBlocks(block('CERTIFICATE', 'MIIC....'));
    assert.equal(found.decodes, false);
    assert.equal(found.bytes, undefined);
  });

  it('reads RFC 1421 headers', () => {
    const text = `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF\n\n${BODY}\n-----END RSA PRIVATE KEY-----\n`;
    const [found] = findPemBlocks(text);
    assert.equal(found.hasHeaders, true);
    assert.deepEqual(found.headers, [
      { name: 'Proc-Type', value: '4,ENCRYPTED' },
      { name: 'DEK-Info', value: 'AES-128-CBC,0123456789ABCDEF' },
    ]);
    assert.equal(found.decodes, true);
  });

  it('an unterminated block covers only its BEGIN line', () => {
    const text = `-----BEGIN CERTIFICATE-----\n${BODY}\n`;
    const [found] = findPemBlocks(text);
    assert.equal(text.slice(found.start, found.end), '-----BEGIN CERTIFICATE-----');
  });

  it('decodedPemBlocks keeps only what Go would return', () => {
    const text = block('CERTIFICATE') + block('CERTIFICATE', '....') + block('PRIVATE KEY');
    assert.deepEqual(
      decodedPemBlocks(text).map((b) => b.type),
      ['CERTIFICATE', 'PRIVATE KEY'],
    );
  });

  const debian = '/etc/ssl/certs/ca-certificates.crt';
  it('finds every certificate of the Debian CA bundle', { skip: !existsSync(debian) && 'no Debian CA bundle' }, () => {
    const text = readFileSync(debian, 'utf8');
    const expected = text.split('\n').filter((line) => line === '-----BEGIN CERTIFICATE-----').length;
    const found = findPemBlocks(text);
    assert.equal(found.length, expected);
    assert.ok(found.every((b) => b.decodes && b.type === 'CERTIFICATE' && !b.hasHeaders));
  });
});

describe('isStdBase64', () => {
  const table: readonly [string, boolean][] = [
    ['', true],
    ['QQ==', true],
    ['QUI=', true],
    ['QUJD', true],
    ['QQ=', false],
    ['Q===', false],
    ['QU=I', false],
    ['QUJ-', false],
    ['....', false],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} is ${expected ? '' : 'not '}standard base64`, () => assert.equal(isStdBase64(input), expected));
  }
});
