// An mTLS set made in memory: a root CA, optionally an intermediate, a server and a client leaf.
// Roles are fixed by construction (RFC 5280 profiles below), not by options a user can get wrong.
// Nothing here touches the disk; `output.ts` writes what the faces decide to keep.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { keyAlgorithm, type KeyAlgorithmInfo } from './algorithms';
import type { MtlsOptions } from './options';
import { Secret } from './secret';
import { verifyChain } from './verify';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const subtle = webcrypto.subtle;
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

export type Role = 'ca' | 'intermediate' | 'server' | 'client';

export interface Issued {
  readonly role: Role;
  readonly certificate: x509.X509Certificate;
  /** PEM with a final newline. */
  readonly certificatePem: string;
  readonly certificateDer: Uint8Array;
  /** PKCS#8, PEM ("PRIVATE KEY") and DER. */
  readonly privateKeyPem: Secret;
  readonly privateKeyDer: Secret;
}

export interface MtlsPair {
  readonly options: MtlsOptions;
  readonly ca: Issued;
  readonly intermediate?: Issued;
  readonly server: Issued;
  readonly client: Issued;
}

export interface Progress {
  readonly message: string;
  /** Steps finished so far, of `total`. */
  readonly done: number;
  readonly total: number;
}

export interface GenerateHooks {
  /** Aborting rejects at once with an AbortError; nothing generated so far is returned. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
  /** The clock, for tests. */
  readonly now?: Date;
}

const KEY_CONCURRENCY = 2;

/** Leaves and CAs start a few minutes in the past, so a peer whose clock lags still accepts them. */
const BACKDATE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function generateMtlsPair(options: MtlsOptions, hooks: GenerateHooks = {}): Promise<MtlsPair> {
  const { signal } = hooks;
  signal?.throwIfAborted();
  const algorithm = keyAlgorithm(options.keyAlgorithm);
  const roles: Role[] = options.intermediate ? ['ca', 'intermediate', 'server', 'client'] : ['ca', 'server', 'client'];
  const total = roles.length + 1;
  let done = 0;
  const report = (message: string) => hooks.onProgress?.({ message, done, total });

  // Keys are made two at a time on the thread pool (RSA 4096 takes seconds each): both cores busy,
  // and half of libuv's four threads left for the file I/O of whoever hosts us (VS Code's extension
  // host). A cancelled run stops waiting at once and starts no further key.
  // Limitation: a WebCrypto key generation cannot be interrupted mid-call, so the keys in flight
  // finish in the background and are dropped; nothing is returned or written.
  report(`Generating ${roles.length} ${algorithm.label} keys`);
  const keyOf = new Map<Role, CryptoKeyPair>();
  let next = 0;
  const worker = async () => {
    while (next < roles.length && !signal?.aborted) {
      const role = roles[next++];
      keyOf.set(role, await generateKeyPair(algorithm));
      if (signal?.aborted) return;
      done++;
      report(`Generated ${done} of ${roles.length} ${algorithm.label} keys`);
    }
  };
  await untilAborted(Promise.all(Array.from({ length: Math.min(KEY_CONCURRENCY, roles.length) }, worker)), signal);
  signal?.throwIfAborted();

  report('Signing certificates');
  const notBefore = new Date(Math.floor(((hooks.now ?? new Date()).getTime() - BACKDATE_MS) / 1000) * 1000);
  const caNotAfter = new Date(notBefore.getTime() + options.caDays * DAY_MS);
  const leafNotAfter = new Date(notBefore.getTime() + options.leafDays * DAY_MS);

  const ca = await issue({
    role: 'ca',
    subject: options.caCommonName,
    keys: keyOf.get('ca')!,
    algorithm,
    notBefore,
    notAfter: caNotAfter,
    extensions: caExtensions(options.intermediate ? 1 : 0),
  });
  const intermediate = options.intermediate
    ? await issue({
        role: 'intermediate',
        subject: [...`${options.caCommonName} Intermediate`].slice(0, 64).join(''),
        keys: keyOf.get('intermediate')!,
        algorithm,
        notBefore,
        notAfter: caNotAfter,
        issuer: ca,
        issuerKey: keyOf.get('ca')!.privateKey,
        extensions: caExtensions(0),
      })
    : undefined;
  const signer = intermediate ?? ca;
  const signerKey = keyOf.get(intermediate ? 'intermediate' : 'ca')!.privateKey;

  const { dns, ip, uri } = options.server;
  // The two leaves depend only on their signer: signed side by side.
  const [server, client] = await Promise.all([
    issue({
      role: 'server',
      subject: dns[0] ?? ip[0] ?? 'server',
      keys: keyOf.get('server')!,
      algorithm,
      notBefore,
      notAfter: leafNotAfter,
      issuer: signer,
      issuerKey: signerKey,
      extensions: [
        ...leafExtensions(algorithm, x509.ExtendedKeyUsage.serverAuth),
        new x509.SubjectAlternativeNameExtension([
          ...dns.map((value) => ({ type: 'dns' as const, value })),
          ...ip.map((value) => ({ type: 'ip' as const, value })),
          ...uri.map((value) => ({ type: 'url' as const, value })),
        ]),
      ],
    }),
    issue({
      role: 'client',
      subject: options.clientCommonName,
      keys: keyOf.get('client')!,
      algorithm,
      notBefore,
      notAfter: leafNotAfter,
      issuer: signer,
      issuerKey: signerKey,
      extensions: leafExtensions(algorithm, x509.ExtendedKeyUsage.clientAuth),
    }),
  ]);
  signal?.throwIfAborted();
  const pair = { options, ca, intermediate, server, client };
  const problems = selfCheck(pair, hooks.now);
  if (problems.length > 0) throw new Error(`the generated certificates failed their own check (a Trustwright bug): ${problems.join('; ')}`);
  done = total;
  report('Done');
  return pair;
}

/**
 * Every name the server was issued for, and the client, verified as a TLS peer would verify them
 * against ca.crt: a guard against a profile change that breaks a role, not the tests' oracle.
 */
function selfCheck(pair: MtlsPair, now: Date | undefined): string[] {
  const presented = (leaf: Issued) => leaf.certificatePem + (pair.intermediate?.certificatePem ?? '');
  const at = (now ?? new Date()).getTime();
  const { dns, ip } = pair.options.server;
  const checks = [
    // A wildcard is checked through a name it covers.
    ...[...dns.map((d) => d.replace(/^\*\./, 'wildcard-check.')), ...ip].map((host) => verifyChain(presented(pair.server), pair.ca.certificatePem, { purpose: 'server', host, now: at })),
    verifyChain(presented(pair.client), pair.ca.certificatePem, { purpose: 'client', now: at }),
  ];
  return checks.filter((verdict) => !verdict.ok).map((verdict) => verdict.reason);
}

function generateKeyPair(algorithm: KeyAlgorithmInfo): Promise<CryptoKeyPair> {
  return subtle.generateKey(algorithm.generate, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

/** CA:TRUE with a path length, and only the key usages a CA needs (RFC 5280 4.2.1.3, 4.2.1.9). */
function caExtensions(pathLength: number): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
}

/** CA:FALSE, digitalSignature (plus keyEncipherment for RSA) and exactly one extended usage. */
function leafExtensions(algorithm: KeyAlgorithmInfo, usage: x509.ExtendedKeyUsage): x509.Extension[] {
  const keyUsages = x509.KeyUsageFlags.digitalSignature | (algorithm.keyEncipherment ? x509.KeyUsageFlags.keyEncipherment : 0);
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(keyUsages, true),
    new x509.ExtendedKeyUsageExtension([usage], false),
  ];
}

interface IssueRequest {
  readonly role: Role;
  readonly subject: string;
  readonly keys: CryptoKeyPair;
  readonly algorithm: KeyAlgorithmInfo;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Absent: self-signed. */
  readonly issuer?: Issued;
  readonly issuerKey?: CryptoKey;
  readonly extensions: readonly x509.Extension[];
}

async function issue(request: IssueRequest): Promise<Issued> {
  // Exported once: the certificate and its key identifier both read it (each would export it again).
  const publicKey = new x509.PublicKey(await subtle.exportKey('spki', request.keys.publicKey));
  const subjectKeyId = await x509.SubjectKeyIdentifierExtension.create(publicKey, false);
  const authorityKeyId = request.issuer
    ? request.issuer.certificate.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId
    : subjectKeyId.keyId;
  const subject = new x509.Name([{ CN: [request.subject] }]);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: request.issuer ? request.issuer.certificate.subjectName : subject,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    publicKey,
    signingKey: request.issuerKey ?? request.keys.privateKey,
    signingAlgorithm: request.algorithm.sign,
    extensions: [...request.extensions, subjectKeyId, new x509.AuthorityKeyIdentifierExtension(authorityKeyId, false)],
  });
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', request.keys.privateKey));
  return {
    role: request.role,
    certificate,
    certificatePem: `${certificate.toString('pem').trim()}\n`,
    certificateDer: new Uint8Array(certificate.rawData),
    privateKeyPem: new Secret(`${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY').trim()}\n`),
    privateKeyDer: new Secret(pkcs8),
  };
}

/**
 * 126 random bits, positive, always 16 bytes (RFC 5280 4.1.2.2 allows up to 20; CA/B asks for 64+
 * random bits). The top bits are fixed so the DER INTEGER needs no padding byte.
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x3f) | 0x40;
  return bytes.toString('hex');
}

/** Rejects with the signal's reason as soon as it aborts, without waiting for `work`. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new DOMException('The operation was aborted', 'AbortError'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function isAbortError(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'AbortError';
}
