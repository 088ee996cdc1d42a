// PKCS#12 (RFC 7292) key stores for the generated leaves, in the modern profile OpenSSL 3 and Java
// 17 write by default: certificates and key encrypted with PBES2 (PBKDF2 with HMAC-SHA-256,
// AES-256-CBC), and an HMAC-SHA-256 integrity MAC. PKI.js builds and encrypts the structures; no
// ASN.1 is written by hand here.
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { Secret } from './secret';

/** Java's default since 8u301 (keystore.pkcs12.*IterationCount); OpenSSL 3 uses 2048. */
export const PKCS12_ITERATIONS = 10_000;

const OID = {
  certBag: '1.2.840.113549.1.12.10.1.3',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
};

const ENCRYPTION = { name: 'AES-CBC', length: 256 };

export interface Pkcs12Request {
  /** The leaf's private key, PKCS#8 DER. */
  readonly privateKeyDer: Secret;
  /** The leaf first, then the CA certificates up to the root, DER. */
  readonly certificates: readonly Uint8Array[];
  /** The alias Java's keytool shows. */
  readonly friendlyName: string;
  readonly password: Secret;
}

/**
 * Limitation: passwords are printable ASCII. PKI.js passes the password bytes to the MAC key
 * derivation one byte per BMP character, which matches OpenSSL and Java only for ASCII.
 */
export function checkPkcs12Password(password: string): string | undefined {
  if (password.length === 0) return 'The PKCS#12 password must not be empty';
  if (password.length < 8) return 'The PKCS#12 password needs at least 8 characters';
  if (!/^[\x20-\x7e]+$/.test(password)) return 'The PKCS#12 password may only use printable ASCII characters (no accents, no control characters)';
  return undefined;
}

/** 32 characters from a 24-byte random value, URL-safe. */
export function randomPkcs12Password(): Secret {
  return new Secret(randomBytes(24).toString('base64url'));
}

export async function buildPkcs12(request: Pkcs12Request): Promise<Uint8Array> {
  const problem = checkPkcs12Password(request.password.revealText());
  if (problem) throw new Error(problem);
  const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] });
  const password = arrayBuffer(Buffer.from(request.password.revealText(), 'ascii'));
  const [leaf, ...authorities] = request.certificates;
  const keyId = createHash('sha256').update(leaf).digest();
  const leafAttributes = () => [
    new pkijs.Attribute({ type: OID.localKeyId, values: [new asn1js.OctetString({ valueHex: arrayBuffer(keyId) })] }),
    new pkijs.Attribute({ type: OID.friendlyName, values: [new asn1js.BmpString({ value: request.friendlyName })] }),
  ];

  const certificateBags = [leaf, ...authorities].map(
    (der, index) =>
      new pkijs.SafeBag({
        bagId: OID.certBag,
        bagValue: new pkijs.CertBag({ parsedValue: pkijs.Certificate.fromBER(arrayBuffer(der)) }),
        // Only the leaf is tied to the key; Java builds the chain from the others by issuer.
        bagAttributes: index === 0 ? leafAttributes() : undefined,
      }),
  );
  const keyBag = new pkijs.PKCS8ShroudedKeyBag({
    parsedValue: pkijs.PrivateKeyInfo.fromBER(arrayBuffer(request.privateKeyDer.reveal() as Uint8Array)),
  });
  const encryption = { password, contentEncryptionAlgorithm: ENCRYPTION, hmacHashAlgorithm: 'SHA-256', iterationCount: PKCS12_ITERATIONS };
  await keyBag.makeInternalValues(encryption, engine);

  const pfx = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            // privacyMode 1: the certificates go in a password-encrypted SafeContents, as OpenSSL 3 does.
            { privacyMode: 1, value: new pkijs.SafeContents({ safeBags: certificateBags }) },
            // The key bag is already encrypted on its own (a PKCS#8 shrouded key bag).
            { privacyMode: 0, value: new pkijs.SafeContents({ safeBags: [new pkijs.SafeBag({ bagId: OID.pkcs8ShroudedKeyBag, bagValue: keyBag, bagAttributes: leafAttributes() })] }) },
          ],
        },
      }),
    },
  });
  await pfx.parsedValue!.authenticatedSafe!.makeInternalValues({ safeContents: [encryption, {}] }, engine);
  await pfx.makeInternalValues({ password, iterations: PKCS12_ITERATIONS, pbkdf2HashAlgorithm: 'SHA-256', hmacHashAlgorithm: 'SHA-256' }, engine);
  return new Uint8Array(pfx.toSchema().toBER(false));
}

function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
