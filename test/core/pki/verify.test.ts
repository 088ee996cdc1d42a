// verifyChain against openssl: for each chain, the answer `openssl verify` gives for the same files.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyChain } from '../../../server/src/core/pki/verify';
import { Workshop, type Made } from '../../pki';
import { opensslVerify } from '../../cluster/openssl';

const DAY = 86400_000;

describe('verifyChain (openssl verify is the oracle)', () => {
  const w = new Workshop();
  let root: Made, noCertSign: Made, noBasicConstraints: Made, underNoCertSign: Made, underNoBasicConstraints: Made, bare: Made, underBare: Made, intermediate: Made, other: Made, leaf: Made, expired: Made, direct: Made, notYet: Made, leafOfLeaf: Made, expiredIntermediate: Made, underExpired: Made, clientOnly: Made;

  before(() => {
    const now = Date.now();
    root = w.ca('root', { cn: 'Test Root' });
    other = w.ca('other', { cn: 'Other Root' });
    intermediate = w.signed('intermediate', root, { cn: 'Test Intermediate', extensions: 'ca' });
    leaf = w.signed('leaf', intermediate, { cn: 'web.apps.svc' });
    direct = w.signed('direct', root, { cn: 'direct.apps.svc' });
    expired = w.signed('expired', intermediate, { cn: 'old.apps.svc', start: new Date(now - 90 * DAY), end: new Date(now - 2 * DAY) });
    notYet = w.signed('not-yet', intermediate, { cn: 'future.apps.svc', start: new Date(now + 5 * DAY), end: new Date(now + 50 * DAY) });
    // A leaf used as if it were a CA: openssl and Go both refuse what it signs.
    leafOfLeaf = w.signed('leaf-of-leaf', direct, { cn: 'sneaky.apps.svc' });
    expiredIntermediate = w.signed('expired-intermediate', root, { cn: 'Old Intermediate', extensions: 'ca', start: new Date(now - 400 * DAY), end: new Date(now - DAY) });
    underExpired = w.signed('under-expired', expiredIntermediate, { cn: 'orphan.apps.svc', start: new Date(now - 10 * DAY), end: new Date(now + 10 * DAY) });
    clientOnly = clientCertificate(w, root);
    // Roots that are not quite CAs, signing a leaf directly (no intermediate below them).
    noCertSign = rootWith(w, 'no-cert-sign', 'basicConstraints = critical, CA:TRUE\nkeyUsage = critical, digitalSignature, cRLSign\n');
    noBasicConstraints = rootWith(w, 'no-basic-constraints', 'keyUsage = critical, keyCertSign, cRLSign\n');
    underNoCertSign = w.signed('under-no-cert-sign', noCertSign, { cn: 'a.apps.svc' });
    underNoBasicConstraints = w.signed('under-no-basic-constraints', noBasicConstraints, { cn: 'b.apps.svc' });
    bare = rootWith(w, 'bare', 'subjectAltName = DNS:bare.example\n');
    underBare = w.signed('under-bare', bare, { cn: 'c.apps.svc' });
  });
  after(() => w.dispose());

  const cases: { name: string; chain: () => string; bundle: () => string; ok: boolean; reason: RegExp; partialChain?: boolean }[] = [
    { name: 'leaf + intermediate, root in the bundle', chain: () => leaf.pem + intermediate.pem, bundle: () => root.pem, ok: true, reason: /chains through CN=Test Intermediate to CN=Test Root/ },
    { name: 'leaf signed by the root directly', chain: () => direct.pem, bundle: () => root.pem, ok: true, reason: /chains to CN=Test Root/ },
    { name: 'intermediate missing from the Secret', chain: () => leaf.pem, bundle: () => root.pem, ok: false, reason: /no certificate in the bundle issued CN=web\.apps\.svc .*unknown authority/ },
    { name: 'another root in the bundle', chain: () => leaf.pem + intermediate.pem, bundle: () => other.pem, ok: false, reason: /unknown authority/ },
    { name: 'bundle of several roots, one of them right', chain: () => leaf.pem + intermediate.pem, bundle: () => other.pem + root.pem, ok: true, reason: /Test Root/ },
    { name: 'expired leaf', chain: () => expired.pem + intermediate.pem, bundle: () => root.pem, ok: false, reason: /expired on/ },
    { name: 'leaf not valid yet', chain: () => notYet.pem + intermediate.pem, bundle: () => root.pem, ok: false, reason: /not valid before/ },
    { name: 'a leaf that signed another leaf', chain: () => leafOfLeaf.pem + direct.pem, bundle: () => root.pem, ok: false, reason: /is not a CA/ },
    { name: 'expired intermediate', chain: () => underExpired.pem + expiredIntermediate.pem, bundle: () => root.pem, ok: false, reason: /intermediate CN=Old Intermediate expired/ },
    { name: 'client-only certificate offered by a server', chain: () => clientOnly.pem, bundle: () => root.pem, ok: false, reason: /not valid for server authentication/ },
    { name: 'only the intermediate in the bundle (partial chain, as Go accepts)', chain: () => leaf.pem + intermediate.pem, bundle: () => intermediate.pem, ok: true, reason: /to CN=Test Intermediate/, partialChain: true },
    { name: 'a root whose key usage does not allow signing certificates', chain: () => underNoCertSign.pem, bundle: () => noCertSign.pem, ok: false, reason: /key usage does not allow signing certificates/ },
    { name: 'a root with key usage keyCertSign but no basic constraints', chain: () => underNoBasicConstraints.pem, bundle: () => noBasicConstraints.pem, ok: true, reason: /chains to CN=no-basic-constraints/ },
    { name: 'a root with neither basic constraints nor key usage', chain: () => underBare.pem, bundle: () => bare.pem, ok: false, reason: /is not a CA/ },
    { name: 'an empty bundle', chain: () => leaf.pem + intermediate.pem, bundle: () => '', ok: false, reason: /holds no certificate/ },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.ok ? 'accepted' : 'rejected'}, as openssl says`, () => {
      const expected = opensslVerify(w, c.chain(), c.bundle(), { partialChain: c.partialChain });
      assert.equal(expected.ok, c.ok, `openssl's own answer: ${expected.output}`);
      const verdict = verifyChain(c.chain(), c.bundle());
      assert.equal(verdict.ok, expected.ok, verdict.reason);
      assert.match(verdict.reason, c.reason);
    });
  }

  it('the accepted chain runs from the leaf to the bundle certificate, with fingerprints', () => {
    const verdict = verifyChain(leaf.pem + intermediate.pem, other.pem + root.pem);
    assert.deepEqual(verdict.chain.map((l) => [l.subject, l.from]), [['CN=web.apps.svc', 'leaf'], ['CN=Test Intermediate', 'presented'], ['CN=Test Root', 'bundle']]);
    assert.equal(verdict.chain[2].sha256, w.facts(root).sha256);
    assert.equal(verdict.anchors, 2);
    assert.equal(verdict.presented, 2);
  });

  it('a client certificate is checked for client authentication when asked', () => {
    assert.equal(opensslVerify(w, clientOnly.pem, root.pem, { purpose: 'sslclient' }).ok, true);
    assert.equal(verifyChain(clientOnly.pem, root.pem, { purpose: 'client' }).ok, true);
  });

  it('checks the host name when one is given', () => {
    assert.equal(verifyChain(leaf.pem + intermediate.pem, root.pem, { host: 'web.example.com' }).ok, true);
    assert.match(verifyChain(leaf.pem + intermediate.pem, root.pem, { host: 'db.example.com' }).reason, /not valid for db\.example\.com/);
    assert.equal(verifyChain(leaf.pem + intermediate.pem, root.pem, { host: '10.0.0.7' }).ok, true);
  });

  it('says so when there is nothing to verify', () => {
    assert.match(verifyChain('', root.pem).reason, /no certificate to verify/);
  });
});

/** A leaf with only the clientAuth extended key usage. */
function clientCertificate(w: Workshop, issuer: Made): Made {
  const { writeFileSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  writeFileSync(join(w.dir, 'client.ext'), 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = clientAuth\n');
  w.openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'client-only.key']);
  w.openssl(['req', '-new', '-config', 'openssl.cnf', '-key', 'client-only.key', '-subj', '/CN=client-only', '-out', 'client-only.csr']);
  w.openssl(['x509', '-req', '-in', 'client-only.csr', '-CA', issuer.path, '-CAkey', issuer.keyPath, '-set_serial', '4242', '-days', '30', '-extfile', 'client.ext', '-out', 'client-only.pem']);
  const path = join(w.dir, 'client-only.pem');
  return { pem: readFileSync(path, 'utf8'), path, keyPath: join(w.dir, 'client-only.key') };
}

/** A self-signed root with exactly the extensions in `extensions` (openssl config lines). */
function rootWith(w: Workshop, name: string, extensions: string): Made {
  const { writeFileSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  writeFileSync(join(w.dir, `${name}.cnf`), `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = ${name}\n[v3]\nsubjectKeyIdentifier = hash\n${extensions}`);
  w.openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  w.openssl(['req', '-x509', '-new', '-config', `${name}.cnf`, '-extensions', 'v3', '-key', `${name}.key`, '-days', '30', '-out', `${name}.pem`]);
  const path = join(w.dir, `${name}.pem`);
  return { pem: readFileSync(path, 'utf8'), path, keyPath: join(w.dir, `${name}.key`) };
}
