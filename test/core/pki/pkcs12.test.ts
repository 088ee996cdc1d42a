// The file set of a generated pair, and PKCS#12 stores of its leaves, read by OpenSSL 3 (`pkcs12 -info`, then the key and
// certificates it extracts) and by Java's keytool. Passwords reach the tools through files.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mtlsFileNames, mtlsOutputFiles, PKCS12_PASSWORD_FILE } from '../../../server/src/core/pki/files';
import { generateMtlsPair } from '../../../server/src/core/pki/generate';
import { parseMtlsInput } from '../../../server/src/core/pki/options';
import { buildPkcs12, checkPkcs12Password, randomPkcs12Password } from '../../../server/src/core/pki/pkcs12';
import { Secret } from '../../../server/src/core/pki/secret';
import { certificatePublicKey, makeSet, openssl, opensslResult, type MadeSet } from './made';

const PASSWORD = 'correct horse battery';

/** `openssl pkcs12 -info` writes its report on stderr. */
function pkcs12Info(store: string, passwordFile: string): string {
  const result = opensslResult(['pkcs12', '-info', '-noout', '-in', store, '-passin', `file:${passwordFile}`]);
  assert.equal(result.status, 0, result.output);
  return result.output;
}
const hasKeytool = spawnSync('keytool', ['-help'], { encoding: 'utf8' }).status === 0;

describe('PKCS#12 stores of a generated set', () => {
  let set: MadeSet;
  let passwordFile: string;
  let wrongPasswordFile: string;

  before(async () => {
    set = await makeSet({ intermediate: true, clientCn: 'billing' }, { pkcs12: { password: new Secret(PASSWORD), writePasswordFile: false } });
    passwordFile = join(set.dir, 'pass');
    wrongPasswordFile = join(set.dir, 'wrong');
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    writeFileSync(wrongPasswordFile, 'not the password\n', { mode: 0o600 });
  });
  after(() => set.dispose());

  it('uses the modern profile: PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC, a SHA-256 MAC', () => {
    for (const store of ['server.p12', 'client.p12']) {
      const info = pkcs12Info(set.path(store), passwordFile);
      assert.match(info, /^MAC: sha256, Iteration 10000$/m);
      assert.match(info, /^PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256$/m);
      assert.match(info, /^Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256$/m);
      assert.equal(info.match(/^Certificate bag$/gm)?.length, 3, 'leaf, intermediate and root');
      assert.doesNotMatch(info, /RC2|3DES|sha1/i);
    }
  });

  it('holds the leaf with its own key, and the chain, as openssl extracts them', () => {
    const certificates = openssl(['pkcs12', '-in', set.path('client.p12'), '-passin', `file:${passwordFile}`, '-nokeys']);
    const subjects = [...certificates.matchAll(/^subject=(.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(subjects, ['CN = billing', 'CN = Trustwright Development CA Intermediate', 'CN = Trustwright Development CA']);
    assert.match(certificates, /friendlyName: client/);
    // The key, extracted to a 0600 file and compared by its public half only.
    const keyPath = join(set.dir, 'extracted.key');
    openssl(['pkcs12', '-in', set.path('client.p12'), '-passin', `file:${passwordFile}`, '-nocerts', '-nodes', '-out', keyPath]);
    assert.equal(openssl(['pkey', '-in', keyPath, '-pubout']).trim(), certificatePublicKey(set.path('client.crt')));
  });

  it('refuses a wrong password', () => {
    const result = opensslResult(['pkcs12', '-info', '-noout', '-in', set.path('server.p12'), '-passin', `file:${wrongPasswordFile}`]);
    assert.notEqual(result.status, 0);
    assert.match(result.output, /mac verify error: invalid password/i);
  });

  it('is written 0600, as it holds a private key', () => {
    assert.equal(statSync(set.path('server.p12')).mode & 0o777, 0o600);
    assert.equal(statSync(set.path('client.p12')).mode & 0o777, 0o600);
  });

  it('writes no password file when the password was given', () => {
    assert.ok(!set.written.some((f) => f.path.endsWith(PKCS12_PASSWORD_FILE)));
  });

  it('opens in Java: a PrivateKeyEntry with a chain of three', { skip: !hasKeytool && 'keytool is not installed' }, () => {
    const result = spawnSync('keytool', ['-list', '-v', '-storetype', 'PKCS12', '-keystore', set.path('server.p12'), '-storepass:file', passwordFile], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Alias name: server/);
    assert.match(result.stdout, /Entry type: PrivateKeyEntry/);
    assert.match(result.stdout, /Certificate chain length: 3/);
  });
});

describe('PKCS#12 with every key algorithm', () => {
  for (const keyAlg of ['ecdsa-p384', 'rsa-2048', 'ed25519']) {
    it(`${keyAlg}: openssl and keytool read it`, async () => {
      const set = await makeSet({ keyAlg }, { pkcs12: { password: new Secret(PASSWORD), writePasswordFile: false } });
      try {
        const passwordFile = join(set.dir, 'pass');
        writeFileSync(passwordFile, PASSWORD, { mode: 0o600 });
        assert.match(pkcs12Info(set.path('server.p12'), passwordFile), /MAC: sha256/);
        if (hasKeytool) {
          const listed = spawnSync('keytool', ['-list', '-storetype', 'PKCS12', '-keystore', set.path('server.p12'), '-storepass:file', passwordFile], { encoding: 'utf8' });
          assert.equal(listed.status, 0, listed.stderr);
          assert.match(listed.stdout, /PrivateKeyEntry/);
        }
      } finally {
        set.dispose();
      }
    });
  }
});

describe('PKCS#12 passwords', () => {
  it('a generated one is written beside the stores, 0600, and opens them', async () => {
    const set = await makeSet({}, { pkcs12: { password: randomPkcs12Password(), writePasswordFile: true } });
    try {
      assert.equal(statSync(set.path(PKCS12_PASSWORD_FILE)).mode & 0o777, 0o600);
      assert.match(set.read(PKCS12_PASSWORD_FILE), /^[A-Za-z0-9_-]{32}$/);
      assert.match(pkcs12Info(set.path('server.p12'), set.path(PKCS12_PASSWORD_FILE)), /MAC: sha256/);
    } finally {
      set.dispose();
    }
  });

  it('are printable ASCII of at least 8 characters', () => {
    assert.equal(checkPkcs12Password('correct horse'), undefined);
    assert.match(checkPkcs12Password('')!, /must not be empty/);
    assert.match(checkPkcs12Password('short')!, /at least 8/);
    assert.match(checkPkcs12Password('pässwörter')!, /printable ASCII/);
    assert.match(checkPkcs12Password('tab\there!')!, /printable ASCII/);
  });

  it('buildPkcs12 refuses a password the tools would read differently', async () => {
    await assert.rejects(buildPkcs12({ privateKeyDer: new Secret(new Uint8Array()), certificates: [], friendlyName: 'x', password: new Secret('pässwörter') }), /printable ASCII/);
  });
});

describe('mtlsFileNames', () => {
  it('names exactly what mtlsOutputFiles writes, for every combination, before anything is generated', async () => {
    for (const intermediate of [false, true]) {
      for (const pkcs12 of [undefined, { password: new Secret('password1'), writePasswordFile: false }, { password: new Secret('password1'), writePasswordFile: true }]) {
        const { options } = parseMtlsInput({ intermediate, keyAlg: 'ed25519' });
        const files = await mtlsOutputFiles(await generateMtlsPair(options!), pkcs12);
        assert.deepEqual(mtlsFileNames(intermediate, pkcs12), files.map((f) => f.path));
        assert.deepEqual(files.filter((f) => f.private).map((f) => f.path), files.map((f) => f.path).filter((p) => /\.(key|p12|txt)$/.test(p)));
      }
    }
  });
});
