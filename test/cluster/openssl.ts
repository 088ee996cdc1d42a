// openssl as the oracle for chain answers and fingerprints: what `openssl verify` and
// `openssl x509 -fingerprint` say about the same files, computed independently of the code under test.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Workshop } from '../pki';

let counter = 0;

/**
 * Whether `openssl verify` accepts the first certificate of `chainPem` (the rest are untrusted
 * intermediates) against `bundlePem`, for TLS server use. `partialChain` lets any bundle
 * certificate anchor the chain, as Go's verifier does.
 */
export function opensslVerify(workshop: Workshop, chainPem: string, bundlePem: string, options: { partialChain?: boolean; purpose?: string } = {}): { ok: boolean; output: string } {
  const id = ++counter;
  const blocks = chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
  const leaf = join(workshop.dir, `verify-${id}-leaf.pem`);
  const untrusted = join(workshop.dir, `verify-${id}-untrusted.pem`);
  const bundle = join(workshop.dir, `verify-${id}-bundle.pem`);
  writeFileSync(leaf, blocks[0] ?? '');
  writeFileSync(untrusted, blocks.slice(1).join('\n'));
  writeFileSync(bundle, bundlePem);
  const args = ['verify', '-CAfile', bundle, '-purpose', options.purpose ?? 'sslserver'];
  if (blocks.length > 1) args.push('-untrusted', untrusted);
  if (options.partialChain) args.push('-partial_chain');
  args.push(leaf);
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  return { ok: result.status === 0 && /: OK\s*$/.test(result.stdout), output };
}

export function opensslFingerprint(workshop: Workshop, pem: string): string {
  const file = join(workshop.dir, `fingerprint-${++counter}.pem`);
  writeFileSync(file, pem);
  return /Fingerprint=([0-9A-F:]+)/i.exec(workshop.openssl(['x509', '-in', file, '-noout', '-fingerprint', '-sha256']))![1];
}
