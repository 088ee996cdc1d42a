// Test certificates made with openssl at test time (no key is ever committed), and openssl's own
// reading of them, which tests use as the independent source of expected values.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Made {
  /** PEM text of the certificate (or CSR). */
  readonly pem: string;
  /** Path of the PEM file inside the workshop folder. */
  readonly path: string;
  readonly keyPath: string;
}

const CONFIG = `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:web.apps.svc, DNS:web.example.com, IP:10.0.0.7
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ signing ]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no
[ anything ]
commonName = supplied
`;

/** A scratch folder with an openssl config; `dispose()` removes it and every key in it. */
export class Workshop {
  readonly dir = mkdtempSync(join(tmpdir(), 'trustwright-pki-'));

  constructor() {
    writeFileSync(join(this.dir, 'openssl.cnf'), CONFIG);
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'serial'), '1000\n');
  }

  openssl(args: string[], input?: string): string {
    return execFileSync('openssl', args, { cwd: this.dir, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  }

  private key(name: string, keyArgs: string[]): string {
    const keyPath = join(this.dir, `${name}.key`);
    this.openssl(['genpkey', ...keyArgs, '-out', keyPath]);
    return keyPath;
  }

  /** A self-signed CA. */
  ca(name: string, options: { cn?: string; key?: string[]; digest?: string; days?: number } = {}): Made {
    const keyPath = this.key(name, options.key ?? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    const path = join(this.dir, `${name}.pem`);
    this.openssl(['req', '-x509', '-config', 'openssl.cnf', '-extensions', 'ca', '-key', keyPath, '-subj', `/CN=${options.cn ?? name}`, `-${options.digest ?? 'sha256'}`, '-days', String(options.days ?? 365), '-out', path]);
    return { pem: readFileSync(path, 'utf8'), path, keyPath };
  }

  /**
   * A leaf (or, with `extensions: 'ca'`, an intermediate) signed by `issuer`, valid between the
   * given dates (openssl `ca` is the only way OpenSSL 3.0 back- or forward-dates a certificate).
   */
  signed(
    name: string,
    issuer: Made,
    options: { cn?: string; key?: string[]; digest?: string; start?: Date; end?: Date; extensions?: 'leaf' | 'ca' } = {},
  ): Made {
    const keyPath = this.key(name, options.key ?? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    const csr = join(this.dir, `${name}.csr`);
    const path = join(this.dir, `${name}.pem`);
    this.openssl(['req', '-new', '-config', 'openssl.cnf', '-key', keyPath, '-subj', `/CN=${options.cn ?? name}`, '-out', csr]);
    const start = options.start ?? new Date(Date.now() - 3600_000);
    const end = options.end ?? new Date(Date.now() + 365 * 86400_000);
    this.openssl([
      'ca', '-batch', '-config', 'openssl.cnf', '-name', 'signing', '-notext',
      '-cert', issuer.path, '-keyfile', issuer.keyPath, '-in', csr, '-out', path,
      '-extfile', 'openssl.cnf', '-extensions', options.extensions ?? 'leaf',
      '-md', options.digest ?? 'sha256', '-startdate', asn1Time(start), '-enddate', asn1Time(end),
    ]);
    return { pem: readFileSync(path, 'utf8').replace(/^[\s\S]*?(?=-----BEGIN)/, ''), path, keyPath };
  }

  /** A PKCS#8 private key in PEM (for "key pasted where it should not be" cases). */
  privateKeyPem(name: string): string {
    return readFileSync(this.key(name, ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']), 'utf8');
  }

  /** openssl's reading of one certificate: the independent oracle. */
  facts(made: Made): OpensslFacts {
    const text = this.openssl(['x509', '-in', made.path, '-noout', '-text', '-fingerprint', '-sha256']);
    const sha1 = this.openssl(['x509', '-in', made.path, '-noout', '-fingerprint', '-sha1']);
    const endDate = this.openssl(['x509', '-in', made.path, '-noout', '-enddate']).trim().replace('notAfter=', '');
    const startDate = this.openssl(['x509', '-in', made.path, '-noout', '-startdate']).trim().replace('notBefore=', '');
    return {
      sha256: /sha256 Fingerprint=([0-9A-F:]+)/.exec(text)![1],
      sha1: /SHA1 Fingerprint=([0-9A-F:]+)/i.exec(sha1)![1],
      notAfter: new Date(endDate),
      notBefore: new Date(startDate),
      isCA: /CA:TRUE/.test(text),
      keyBits: Number(/Public-Key: \((\d+) bit\)/.exec(text)?.[1]),
      signature: /Signature Algorithm: (\S+)/.exec(text)![1],
      sans: /X509v3 Subject Alternative Name:[^\n]*\n\s*([^\n]+)/.exec(text)?.[1].trim() ?? '',
      serial: this.openssl(['x509', '-in', made.path, '-noout', '-serial']).trim().replace('serial=', ''),
    };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface OpensslFacts {
  readonly sha256: string;
  readonly sha1: string;
  readonly notAfter: Date;
  readonly notBefore: Date;
  readonly isCA: boolean;
  readonly keyBits: number;
  readonly signature: string;
  /** As openssl prints it: `DNS:a, DNS:b, IP Address:10.0.0.7`. */
  readonly sans: string;
  /** Upper-case hex without separators. */
  readonly serial: string;
}

/** YYYYMMDDHHMMSSZ, the form `openssl ca -startdate/-enddate` takes. */
function asn1Time(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Indents PEM text for a YAML literal block at `spaces`. */
export function indent(pem: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return pem
    .trim()
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
