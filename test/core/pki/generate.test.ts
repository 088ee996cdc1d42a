// Generated mTLS sets, verified independently: openssl verify and openssl's text output, and
// Node's X509Certificate (verify, checkIssued). Nothing here asks our own decoder what it made.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import { inspect } from 'node:util';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../../server/src/core/pki/algorithms';
import { generateMtlsPair, isAbortError, randomSerial, type Progress } from '../../../server/src/core/pki/generate';
import { parseMtlsInput, type MtlsInput } from '../../../server/src/core/pki/options';
import { certificatePublicKey, certificateText, extension, makeSet, openssl, opensslResult, privateKeyPublicKey, validity, type MadeSet } from './made';

const DAY_MS = 24 * 60 * 60 * 1000;
const umask = process.umask();

/** openssl 3.0 prints a key id either bare or as `keyid:…`. */
const keyId = (text: string | undefined) => text?.replace(/^keyid:/, '').trim();

interface Case {
  readonly name: string;
  readonly input: MtlsInput;
  readonly keyEncipherment: boolean;
}

// RSA 3072 takes the same path as 2048 and 4096 and would add seconds of key generation; the
// cancellation test below makes (and drops) RSA 3072 keys.
const CASES: Case[] = [
  ...KEY_ALGORITHMS.filter((keyAlg) => keyAlg !== 'rsa-3072').map((keyAlg) => ({ name: keyAlg, input: { keyAlg }, keyEncipherment: keyAlg.startsWith('rsa') })),
  { name: 'ecdsa-p256 with an intermediate', input: { keyAlg: 'ecdsa-p256', intermediate: true }, keyEncipherment: false },
  { name: 'ed25519 with an intermediate', input: { keyAlg: 'ed25519', intermediate: true }, keyEncipherment: false },
];

describe('generateMtlsPair: every key algorithm, read back by openssl and Node', () => {
  const sets: MadeSet[] = [];
  after(() => sets.forEach((s) => s.dispose()));

  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const started = Date.now();
      const events: Progress[] = [];
      const set = await makeSet(
        {
          ...testCase.input,
          caCn: 'Test Root',
          clientCn: 'billing-client',
          serverDns: 'api.test.internal,localhost',
          serverIp: '127.0.0.1,::1',
          serverUri: 'spiffe://test.internal/ns/billing/sa/api',
          caDays: '90',
          leafDays: '7',
        },
        { hooks: { onProgress: (p) => events.push(p) } },
      );
      sets.push(set);
      const generatedMs = Date.now() - started;
      const intermediate = testCase.input.intermediate === true;
      const untrusted = intermediate ? ['-untrusted', set.path('intermediate.crt')] : [];

      // The chain, as openssl verifies it, for each role and against the other role.
      const verified = openssl(['verify', '-CAfile', set.path('ca.crt'), ...untrusted, set.path('server.crt'), set.path('client.crt')]);
      assert.match(verified, /server\.crt: OK/);
      assert.match(verified, /client\.crt: OK/);
      assert.match(openssl(['verify', '-purpose', 'sslserver', '-CAfile', set.path('ca.crt'), ...untrusted, set.path('server.crt')]), /OK/);
      assert.match(openssl(['verify', '-purpose', 'sslclient', '-CAfile', set.path('ca.crt'), ...untrusted, set.path('client.crt')]), /OK/);
      const serverAsClient = opensslResult(['verify', '-purpose', 'sslclient', '-CAfile', set.path('ca.crt'), ...untrusted, set.path('server.crt')]);
      assert.notEqual(serverAsClient.status, 0, 'the server certificate is no client certificate');
      assert.match(serverAsClient.output, /unsuitable certificate purpose/);
      const clientAsServer = opensslResult(['verify', '-purpose', 'sslserver', '-CAfile', set.path('ca.crt'), ...untrusted, set.path('client.crt')]);
      assert.notEqual(clientAsServer.status, 0, 'the client certificate is no server certificate');

      // Node's own X.509: who issued whom, and the signatures.
      const ca = new X509Certificate(set.read('ca.crt'));
      const server = new X509Certificate(set.read('server.crt'));
      const client = new X509Certificate(set.read('client.crt'));
      const issuer = intermediate ? new X509Certificate(set.read('intermediate.crt')) : ca;
      assert.ok(ca.checkIssued(ca) && ca.verify(ca.publicKey), 'the root is self-signed');
      if (intermediate) assert.ok(issuer.checkIssued(ca) && issuer.verify(ca.publicKey), 'the root issued the intermediate');
      for (const leaf of [server, client]) {
        assert.ok(leaf.checkIssued(issuer), `${leaf.subject} was issued by ${issuer.subject}`);
        assert.ok(!leaf.checkIssued(leaf), `${leaf.subject} is not self-issued`);
        assert.ok(leaf.verify(issuer.publicKey), `${leaf.subject} is signed by its issuer`);
        assert.equal(leaf.ca, false);
      }
      assert.equal(ca.ca, true);
      assert.equal(server.subject, 'CN=api.test.internal');
      assert.equal(client.subject, 'CN=billing-client');

      // Extensions as openssl prints them.
      const caText = certificateText(set.path('ca.crt'));
      assert.deepEqual(extension(caText, 'X509v3 Basic Constraints'), { critical: true, value: `CA:TRUE, pathlen:${intermediate ? 1 : 0}` });
      assert.deepEqual(extension(caText, 'X509v3 Key Usage'), { critical: true, value: 'Certificate Sign, CRL Sign' });
      assert.equal(extension(caText, 'X509v3 Extended Key Usage'), undefined, 'a CA has no TLS usage');
      if (intermediate) {
        const intermediateText = certificateText(set.path('intermediate.crt'));
        assert.deepEqual(extension(intermediateText, 'X509v3 Basic Constraints'), { critical: true, value: 'CA:TRUE, pathlen:0' });
        assert.deepEqual(extension(intermediateText, 'X509v3 Key Usage'), { critical: true, value: 'Certificate Sign, CRL Sign' });
      }
      const serverText = certificateText(set.path('server.crt'));
      const clientText = certificateText(set.path('client.crt'));
      const leafKeyUsage = testCase.keyEncipherment ? 'Digital Signature, Key Encipherment' : 'Digital Signature';
      for (const text of [serverText, clientText]) {
        assert.deepEqual(extension(text, 'X509v3 Basic Constraints'), { critical: true, value: 'CA:FALSE' });
        assert.deepEqual(extension(text, 'X509v3 Key Usage'), { critical: true, value: leafKeyUsage });
      }
      assert.equal(extension(serverText, 'X509v3 Extended Key Usage')?.value, 'TLS Web Server Authentication');
      assert.equal(extension(clientText, 'X509v3 Extended Key Usage')?.value, 'TLS Web Client Authentication');
      assert.equal(
        extension(serverText, 'X509v3 Subject Alternative Name')?.value,
        'DNS:api.test.internal, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, URI:spiffe://test.internal/ns/billing/sa/api',
      );
      assert.equal(extension(clientText, 'X509v3 Subject Alternative Name'), undefined);

      // Key identifiers link each certificate to its issuer.
      const ski = (text: string) => keyId(extension(text, 'X509v3 Subject Key Identifier')?.value);
      const aki = (text: string) => keyId(extension(text, 'X509v3 Authority Key Identifier')?.value);
      const issuerText = intermediate ? certificateText(set.path('intermediate.crt')) : caText;
      assert.ok(ski(caText) && ski(serverText) && ski(clientText));
      assert.equal(aki(caText), ski(caText));
      assert.equal(aki(serverText), ski(issuerText));
      assert.equal(aki(clientText), ski(issuerText));
      if (intermediate) assert.equal(aki(issuerText), ski(caText));

      // Validity: five minutes back-dated, then exactly the days asked for.
      const caDates = validity(set.path('ca.crt'));
      const leafDates = validity(set.path('server.crt'));
      assert.equal(caDates.notAfter.getTime() - caDates.notBefore.getTime(), 90 * DAY_MS);
      assert.equal(leafDates.notAfter.getTime() - leafDates.notBefore.getTime(), 7 * DAY_MS);
      assert.ok(Math.abs(started - 5 * 60_000 - leafDates.notBefore.getTime()) < 60_000 + generatedMs, 'notBefore is five minutes before generation');

      // Serial numbers: random, positive, 16 bytes, all different.
      const serials = ['ca.crt', 'server.crt', 'client.crt'].map((f) => openssl(['x509', '-in', set.path(f), '-noout', '-serial']).trim().replace('serial=', ''));
      assert.equal(new Set(serials).size, 3);
      for (const serial of serials) {
        assert.match(serial, /^[0-9A-F]{32}$/);
        assert.ok(parseInt(serial.slice(0, 2), 16) < 0x80, 'positive without a padding byte');
      }

      // Each key belongs to its certificate, is PKCS#8, and is readable only by its owner.
      for (const role of ['ca', 'server', 'client', ...(intermediate ? ['intermediate'] : [])]) {
        assert.equal(privateKeyPublicKey(set.path(`${role}.key`)), certificatePublicKey(set.path(`${role}.crt`)), `${role}.key matches ${role}.crt`);
        assert.equal(set.read(`${role}.key`).split('\n')[0], '-----BEGIN PRIVATE KEY-----');
        assert.equal(statSync(set.path(`${role}.key`)).mode & 0o777, 0o600, `${role}.key is 0600`);
        assert.equal(statSync(set.path(`${role}.crt`)).mode & 0o777, 0o644 & ~umask, `${role}.crt follows the umask`);
      }
      assert.equal(set.read('server-chain.crt'), set.read('server.crt') + (intermediate ? set.read('intermediate.crt') : ''));
      assert.equal(set.read('client-chain.crt'), set.read('client.crt') + (intermediate ? set.read('intermediate.crt') : ''));

      // Progress: one step per key, then signing, ending complete.
      const keys = intermediate ? 4 : 3;
      assert.ok(events.every((e) => e.total === keys + 1));
      assert.deepEqual(
        events.map((e) => e.done),
        [0, ...Array.from({ length: keys }, (_, i) => i + 1), keys, keys + 1],
      );
      console.log(`  ${testCase.name}: generated in ${generatedMs} ms`);
    });
  }
});

describe('generateMtlsPair: private keys stay out of logs', () => {
  it('prints keys as [redacted] through String, JSON and util.inspect', async () => {
    const pair = await generateMtlsPair(parseMtlsInput({ intermediate: true }).options!);
    const body = pair.server.privateKeyPem.revealText().split('\n')[1];
    for (const text of [JSON.stringify(pair), inspect(pair, { depth: Infinity }), `${pair.client.privateKeyPem}`, String(pair.ca.privateKeyDer)]) {
      assert.ok(!text.includes('PRIVATE KEY') && !text.includes(body), 'no key material in the printed form');
    }
    assert.match(JSON.stringify(pair.server), /"privateKeyPem":"\[redacted\]"/);
  });
});

describe('randomSerial', () => {
  it('is 16 positive random bytes', () => {
    const serials = new Set(Array.from({ length: 200 }, randomSerial));
    assert.equal(serials.size, 200);
    for (const serial of serials) {
      assert.match(serial, /^[4-7][0-9a-f]{31}$/);
    }
  });
});

describe('parseMtlsInput', () => {
  const problemsOf = (input: MtlsInput) => parseMtlsInput(input).problems;
  const cases: [string, MtlsInput, RegExp][] = [
    ['an empty CA name', { caCn: '  ' }, /The CA common name must not be empty/],
    ['a CA name over 64 characters', { caCn: 'x'.repeat(65) }, /at most 64/],
    ['a control character in the client name', { clientCn: 'a\u0007b' }, /control characters/],
    ['a DNS name with an underscore', { serverDns: 'bad_name.example' }, /is not a host name/],
    ['a wildcard in the middle', { serverDns: 'a.*.example.com' }, /is not a host name/],
    ['a bare wildcard', { serverDns: '*.com' }, /at least two labels/],
    ['an address that is not one', { serverIp: '300.1.1.1' }, /not an IPv4 or IPv6 address/],
    ['a URI without a scheme', { serverUri: 'cluster.local/ns/a' }, /is not a URI/],
    ['a SPIFFE ID without a path', { serverUri: 'spiffe://cluster.local' }, /needs a path/],
    ['a SPIFFE ID with a query', { serverUri: 'spiffe://cluster.local/ns/a?x=1' }, /may not have/],
    ['no server identity at all', { serverDns: '', serverIp: '', serverUri: '' }, /at least one identity/],
    ['an unknown key algorithm', { keyAlg: 'dsa-1024' }, /must be one of ecdsa-p256, ecdsa-p384/],
    ['days as words', { caDays: 'ten' }, /whole number of days/],
    ['zero days', { leafDays: '0' }, /at least 1 day/],
    ['a leaf beyond what Apple accepts', { leafDays: '826' }, /at most 825 .*Apple/],
    ['a CA over ten years', { caDays: '3651' }, /at most 3650/],
    ['a leaf outliving its CA', { caDays: '30', leafDays: '31' }, /must not outlast the CA/],
  ];
  for (const [name, input, expected] of cases) {
    it(`rejects ${name}`, () => {
      const problems = problemsOf(input);
      assert.ok(problems.some((p) => expected.test(p)), `expected ${expected} in ${JSON.stringify(problems)}`);
      assert.equal(parseMtlsInput(input).options, undefined);
    });
  }

  it('fills the defaults: localhost and 127.0.0.1, ECDSA P-256, 365 and 30 days, no intermediate', () => {
    assert.deepEqual(parseMtlsInput({}).options, {
      caCommonName: 'Trustwright Development CA',
      server: { dns: ['localhost'], ip: ['127.0.0.1'], uri: [] },
      clientCommonName: 'client',
      keyAlgorithm: 'ecdsa-p256' satisfies KeyAlgorithm,
      caDays: 365,
      leafDays: 30,
      intermediate: false,
    });
  });

  it('reads lists separated by commas or spaces, lower-cases DNS names and drops duplicates', () => {
    const { options } = parseMtlsInput({ serverDns: 'API.example.com, api.example.com  web.example.com', serverIp: '10.0.0.1,::1' });
    assert.deepEqual(options?.server, { dns: ['api.example.com', 'web.example.com'], ip: ['10.0.0.1', '::1'], uri: [] });
  });

  it('takes one identity kind alone: a URI only, without the localhost defaults', () => {
    const { options } = parseMtlsInput({ serverUri: 'spiffe://cluster.local/ns/a/sa/b' });
    assert.deepEqual(options?.server, { dns: [], ip: [], uri: ['spiffe://cluster.local/ns/a/sa/b'] });
  });

  it('accepts a leading wildcard', () => {
    assert.deepEqual(parseMtlsInput({ serverDns: '*.apps.example.com' }).problems, []);
  });
});

// Last: cancelled RSA keys go on being made in the background and would slow the tests after them.
describe('generateMtlsPair: cancellation', () => {
  // RSA 3072 rather than 4096: the same slow path, cancelled after its first key, without keeping
  // the CPU busy for long with the keys still being made in the background.
  it('stops at once between RSA keys, reports nothing more, and leaves nothing to write', async () => {
    const { options } = parseMtlsInput({ keyAlg: 'rsa-3072', intermediate: true });
    const controller = new AbortController();
    const events: Progress[] = [];
    let abortedAt = 0;
    const started = Date.now();
    await assert.rejects(
      generateMtlsPair(options!, {
        signal: controller.signal,
        onProgress: (progress) => {
          events.push(progress);
          if (progress.done === 1) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      }),
      (error) => isAbortError(error),
    );
    const rejectedAfter = Date.now() - abortedAt;
    assert.ok(abortedAt > started, 'cancelled after the first key');
    assert.ok(rejectedAfter < 200, `rejected ${rejectedAfter} ms after the abort, without waiting for the other keys`);
    assert.equal(events.filter((e) => e.done > 1).length, 0, 'no progress after the abort');
  });

  it('does nothing when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    let reported = 0;
    await assert.rejects(generateMtlsPair(parseMtlsInput({}).options!, { signal: controller.signal, onProgress: () => reported++ }), (error) => isAbortError(error));
    assert.equal(reported, 0);
  });
});
