// Decoding against openssl's reading of the same certificates.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { decodedPemBlocks } from '../../../server/src/core/pem/blocks';
import { decodeCertificate, decodeCsr, summarizeCertificate } from '../../../server/src/core/pem/decode';
import { Workshop, type Made } from '../../pki';

const der = (made: Made) => decodedPemBlocks(made.pem)[0].bytes!;

describe('certificate decoding', () => {
  const w = new Workshop();
  let ca: Made;
  let leaf: Made;
  let sha1: Made;
  let rsa: Made;
  before(() => {
    ca = w.ca('root', { cn: 'Example Root CA' });
    leaf = w.signed('leaf', ca, { cn: 'web.apps.svc' });
    sha1 = w.signed('sha1', ca, { digest: 'sha1' });
    rsa = w.ca('rsa', { key: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'] });
  });
  after(() => w.dispose());

  it('reads a leaf as openssl does', () => {
    const facts = w.facts(leaf);
    const decoded = decodeCertificate(der(leaf));
    assert.ok(decoded.ok);
    const info = decoded.value;
    assert.equal(info.sha256, facts.sha256);
    assert.equal(info.sha1, facts.sha1);
    assert.equal(info.notAfter.getTime(), facts.notAfter.getTime());
    assert.equal(info.notBefore.getTime(), facts.notBefore.getTime());
    assert.equal(info.isCA, facts.isCA);
    assert.equal(info.serialNumber.replace(/:/g, ''), facts.serial.padStart(info.serialNumber.replace(/:/g, '').length, '0'));
    assert.equal(info.signatureAlgorithm, facts.signature);
    assert.equal(info.publicKey.bits, facts.keyBits);
    const sans = [...info.sans.dns.map((d) => `DNS:${d}`), ...info.sans.ip.map((i) => `IP Address:${i}`)].join(', ');
    assert.equal(sans, facts.sans);
    assert.equal(info.commonName, 'web.apps.svc');
    assert.deepEqual(info.extendedKeyUsage, ['TLS Web Server Authentication', 'TLS Web Client Authentication']);
    assert.equal(info.selfSigned, false);
  });

  it('reads a CA, its key size and its self-signature', () => {
    const decoded = decodeCertificate(der(rsa));
    assert.ok(decoded.ok);
    assert.equal(decoded.value.isCA, true);
    assert.equal(decoded.value.publicKey.algorithm, 'RSA');
    assert.equal(decoded.value.publicKey.bits, w.facts(rsa).keyBits);
    assert.equal(decoded.value.selfSigned, true);
    assert.deepEqual(decoded.value.keyUsage, ['Certificate Sign', 'CRL Sign']);
  });

  it('names the digest of a SHA-1 signature', () => {
    const summary = summarizeCertificate(der(sha1));
    assert.ok(summary.ok);
    assert.equal(summary.value.signatureHash, 'SHA-1');
    assert.equal(w.facts(sha1).signature, 'ecdsa-with-SHA1');
  });

  it('summaries agree with the full decode', () => {
    for (const made of [ca, leaf, rsa]) {
      const full = decodeCertificate(der(made));
      const summary = summarizeCertificate(der(made));
      assert.ok(full.ok && summary.ok);
      assert.equal(summary.value.sha256, full.value.sha256);
      assert.equal(summary.value.isCA, full.value.isCA);
      assert.equal(summary.value.notAfter.getTime(), full.value.notAfter.getTime());
      assert.deepEqual(summary.value.publicKey, full.value.publicKey);
    }
  });

  it('decodes a certificate request', () => {
    const csr = w.openssl(['req', '-new', '-config', 'openssl.cnf', '-key', leaf.keyPath, '-subj', '/CN=csr.example.com']);
    const decoded = decodeCsr(decodedPemBlocks(csr)[0].bytes!);
    assert.ok(decoded.ok);
    assert.equal(decoded.value.commonName, 'csr.example.com');
    assert.equal(decoded.value.publicKey.curve, 'P-256');
  });

  it('says what is wrong with bytes that are not a certificate', () => {
    const decoded = decodeCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
    assert.equal(decoded.ok, false);
  });

  it('reads all of the Debian public bundle with the fingerprints Node computes', { skip: !existsSync('/etc/ssl/certs/ca-certificates.crt') && 'no Debian bundle' }, async () => {
    const { X509Certificate } = await import('node:crypto');
    const blocks = decodedPemBlocks(readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8'));
    assert.ok(blocks.length > 100);
    for (const block of blocks) {
      const summary = summarizeCertificate(block.bytes!);
      assert.ok(summary.ok);
      assert.equal(summary.value.sha256, new X509Certificate(block.bytes!).fingerprint256);
      assert.equal(summary.value.isCA, true);
    }
  });
});
