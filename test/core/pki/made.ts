// Shared by the PKI tests: a generated mTLS set written to a scratch folder (removed by dispose()),
// and openssl as the independent reader. Assertions never print key material: they compare
// fingerprints and openssl's reading, not PEM text.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMtlsPair, type GenerateHooks, type MtlsPair } from '../../../server/src/core/pki/generate';
import { mtlsOutputFiles, type Pkcs12Choice } from '../../../server/src/core/pki/files';
import { parseMtlsInput, type MtlsInput } from '../../../server/src/core/pki/options';
import { writeOutputFiles, type WrittenFile } from '../../../server/src/core/output-files';

export interface MadeSet {
  readonly dir: string;
  readonly pair: MtlsPair;
  readonly written: readonly WrittenFile[];
  path(name: string): string;
  read(name: string): string;
  dispose(): void;
}

export function scratch(prefix = 'trustwright-generate-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function makeSet(input: MtlsInput, options: { pkcs12?: Pkcs12Choice; hooks?: GenerateHooks } = {}): Promise<MadeSet> {
  const { options: parsed, problems } = parseMtlsInput(input);
  if (!parsed) throw new Error(problems.join('; '));
  const pair = await generateMtlsPair(parsed, options.hooks);
  const dir = scratch();
  const written = writeOutputFiles(join(dir, 'out'), await mtlsOutputFiles(pair, options.pkcs12), { overwrite: false });
  const path = (name: string) => join(dir, 'out', name);
  return {
    dir,
    pair,
    written,
    path,
    read: (name) => readFileSync(path(name), 'utf8'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function openssl(args: readonly string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** openssl's exit status and output, for commands expected to fail. */
export function opensslResult(args: readonly string[]): { readonly status: number | null; readonly output: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** `openssl x509 -text`, the oracle for extensions, names and dates. */
export function certificateText(path: string): string {
  return openssl(['x509', '-in', path, '-noout', '-text']);
}

/** The value lines under an extension heading in openssl's text, e.g. `X509v3 Subject Alternative Name`. */
export function extension(text: string, heading: string): { readonly critical: boolean; readonly value: string } | undefined {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.trim().startsWith(`${heading}:`));
  if (at < 0) return undefined;
  return { critical: lines[at].includes('critical'), value: lines[at + 1].trim() };
}

/** notBefore / notAfter as openssl reads them. */
export function validity(path: string): { readonly notBefore: Date; readonly notAfter: Date } {
  const text = openssl(['x509', '-in', path, '-noout', '-startdate', '-enddate']);
  return { notBefore: new Date(/^notBefore=(.*)$/m.exec(text)![1]), notAfter: new Date(/^notAfter=(.*)$/m.exec(text)![1]) };
}

/** The public key of a certificate, and of a private key file, as openssl derives them. */
export function certificatePublicKey(path: string): string {
  return openssl(['x509', '-in', path, '-noout', '-pubkey']).trim();
}

export function privateKeyPublicKey(path: string): string {
  return openssl(['pkey', '-in', path, '-pubout']).trim();
}
