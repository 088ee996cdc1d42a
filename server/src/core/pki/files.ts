// The files an mTLS set is written as. Names follow what servers and clients are usually pointed at:
// `<role>.crt` the certificate alone, `<role>-chain.crt` the certificate followed by its
// intermediate (what a peer presents), `<role>.key` its PKCS#8 private key.
import type { OutputFile } from '../output-files';
import type { Issued, MtlsPair } from './generate';
import { buildPkcs12 } from './pkcs12';
import type { Secret } from './secret';

export const PKCS12_PASSWORD_FILE = 'pkcs12-password.txt';

export interface Pkcs12Choice {
  readonly password: Secret;
  /** The password was generated, not typed: write it beside the stores (mode 0600). */
  readonly writePasswordFile: boolean;
}

/** What each written file is, for the summary the faces print. */
export function describeOutput(path: string): string {
  const base = path.split('/').pop()!;
  if (base === PKCS12_PASSWORD_FILE) return 'password of the .p12 files';
  if (base.endsWith('.key')) return 'private key (PKCS#8)';
  if (base.endsWith('.p12')) return 'PKCS#12: key, certificate and CA chain, password-protected';
  if (base.endsWith('-chain.crt')) return 'certificate, then its intermediate if any: what to present to peers';
  if (base === 'ca.crt') return 'root CA certificate: the trust anchor both sides verify against';
  if (base === 'intermediate.crt') return 'intermediate CA certificate';
  return 'certificate';
}

/** The names `mtlsOutputFiles` writes, known before anything is generated. */
export function mtlsFileNames(intermediate: boolean, pkcs12?: Pick<Pkcs12Choice, 'writePasswordFile'>): string[] {
  const names = ['ca.crt', 'ca.key'];
  if (intermediate) names.push('intermediate.crt', 'intermediate.key');
  for (const role of ['server', 'client']) names.push(`${role}.crt`, `${role}.key`, `${role}-chain.crt`);
  if (pkcs12) names.push('server.p12', 'client.p12');
  if (pkcs12?.writePasswordFile) names.push(PKCS12_PASSWORD_FILE);
  return names;
}

export async function mtlsOutputFiles(pair: MtlsPair, pkcs12?: Pkcs12Choice): Promise<OutputFile[]> {
  const files: OutputFile[] = [
    { path: 'ca.crt', contents: pair.ca.certificatePem },
    { path: 'ca.key', contents: pair.ca.privateKeyPem, private: true },
  ];
  if (pair.intermediate) {
    files.push(
      { path: 'intermediate.crt', contents: pair.intermediate.certificatePem },
      { path: 'intermediate.key', contents: pair.intermediate.privateKeyPem, private: true },
    );
  }
  for (const leaf of [pair.server, pair.client]) {
    files.push(
      { path: `${leaf.role}.crt`, contents: leaf.certificatePem },
      { path: `${leaf.role}.key`, contents: leaf.privateKeyPem, private: true },
      { path: `${leaf.role}-chain.crt`, contents: leaf.certificatePem + (pair.intermediate?.certificatePem ?? '') },
    );
  }
  if (pkcs12) {
    for (const leaf of [pair.server, pair.client]) {
      files.push({ path: `${leaf.role}.p12`, contents: await pkcs12For(leaf, pair, pkcs12.password), private: true });
    }
    if (pkcs12.writePasswordFile) files.push({ path: PKCS12_PASSWORD_FILE, contents: pkcs12.password, private: true });
  }
  return files;
}

function pkcs12For(leaf: Issued, pair: MtlsPair, password: Secret): Promise<Uint8Array> {
  const authorities = [pair.intermediate, pair.ca].filter((c): c is Issued => c !== undefined);
  return buildPkcs12({
    privateKeyDer: leaf.privateKeyDer,
    certificates: [leaf.certificateDer, ...authorities.map((c) => c.certificateDer)],
    friendlyName: leaf.role,
    password,
  });
}
