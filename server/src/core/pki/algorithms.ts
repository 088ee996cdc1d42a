// The key algorithms Trustwright generates, as WebCrypto sees them. One table: the CLI's
// `--key-alg`, the editor's quick pick and the scaffolded cert-manager `privateKey` all read it.
import type { webcrypto } from 'node:crypto';

export const KEY_ALGORITHMS = ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = 'ecdsa-p256';

export interface KeyAlgorithmInfo {
  readonly id: KeyAlgorithm;
  /** For people: `ECDSA P-256`. */
  readonly label: string;
  readonly detail: string;
  /** WebCrypto parameters for generateKey (which also name the signature algorithm). */
  readonly generate: webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams | webcrypto.Algorithm;
  /** WebCrypto parameters for sign: the digest ECDSA takes per call. */
  readonly sign: webcrypto.Algorithm & { hash?: string };
  /**
   * RSA keys can carry a TLS 1.2 RSA key exchange, which needs keyEncipherment; EC and Ed25519
   * keys cannot encrypt, and RFC 5480 / RFC 8410 forbid the bit for them.
   */
  readonly keyEncipherment: boolean;
  /** Seconds-long generation: worth a progress notification. */
  readonly slow: boolean;
  /** What cert-manager's `spec.privateKey` says for the same key. */
  readonly certManager: { readonly algorithm: 'RSA' | 'ECDSA' | 'Ed25519'; readonly size?: number };
}

const RSA_EXPONENT = new Uint8Array([1, 0, 1]);

function rsa(bits: 2048 | 3072 | 4096, detail: string): Omit<KeyAlgorithmInfo, 'id'> {
  return {
    label: `RSA ${bits}`,
    detail,
    generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: RSA_EXPONENT, hash: 'SHA-256' } as webcrypto.RsaHashedKeyGenParams,
    sign: { name: 'RSASSA-PKCS1-v1_5' },
    keyEncipherment: true,
    slow: bits >= 3072,
    certManager: { algorithm: 'RSA', size: bits },
  };
}

const TABLE: Readonly<Record<KeyAlgorithm, Omit<KeyAlgorithmInfo, 'id'>>> = {
  'ecdsa-p256': {
    label: 'ECDSA P-256',
    detail: 'default: small, fast, accepted everywhere',
    generate: { name: 'ECDSA', namedCurve: 'P-256' },
    sign: { name: 'ECDSA', hash: 'SHA-256' },
    keyEncipherment: false,
    slow: false,
    certManager: { algorithm: 'ECDSA', size: 256 },
  },
  'ecdsa-p384': {
    label: 'ECDSA P-384',
    detail: 'for policies that ask for 192-bit security',
    generate: { name: 'ECDSA', namedCurve: 'P-384' },
    sign: { name: 'ECDSA', hash: 'SHA-384' },
    keyEncipherment: false,
    slow: false,
    certManager: { algorithm: 'ECDSA', size: 384 },
  },
  'rsa-2048': rsa(2048, 'for old peers that only take RSA'),
  'rsa-3072': rsa(3072, 'RSA good beyond 2030'),
  'rsa-4096': rsa(4096, 'slow to generate (seconds)'),
  ed25519: {
    label: 'Ed25519',
    detail: 'modern, but some TLS stacks and Java versions refuse it',
    generate: { name: 'Ed25519' },
    sign: { name: 'Ed25519' },
    keyEncipherment: false,
    slow: false,
    certManager: { algorithm: 'Ed25519' },
  },
};

export function keyAlgorithm(id: KeyAlgorithm): KeyAlgorithmInfo {
  return { id, ...TABLE[id] };
}

export function isKeyAlgorithm(value: string): value is KeyAlgorithm {
  return (KEY_ALGORITHMS as readonly string[]).includes(value);
}
