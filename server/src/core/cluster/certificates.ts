// A certificate picked in a view (a Secret's leaf, one certificate of its chain, the Secret a
// Certificate writes), described with the very code the hover uses.
import { describeBlock, blockMarkdown, type BlockView } from '../pem/render';
import { fileSite } from '../pem/sites';
import { objectKey } from './resources';
import type { ClusterSnapshot } from './session';
import { certificatesOf, secretCertificatePem, type PemCertificate } from './status';
import { secretOfCertificate, type ObjectRef } from './tree';

export interface PickedCertificate {
  /** The Secret the certificate was read from. */
  readonly secret: ObjectRef;
  readonly index: number;
  readonly certificate: PemCertificate;
  /** The whole tls.crt (leaf and the intermediates the server presents). */
  readonly chainPem: string;
}

/**
 * The certificate behind a node: `pem` names one certificate of a Secret; a Secret node means its
 * leaf; a Certificate node means the leaf of the Secret it writes.
 */
export function pickCertificate(snapshot: ClusterSnapshot, target: { ref?: ObjectRef; pem?: { secret: ObjectRef; index: number } }): PickedCertificate | undefined {
  let secretRef: ObjectRef | undefined = target.pem?.secret;
  const index = target.pem?.index ?? 0;
  if (!secretRef && target.ref?.resource === 'tlsSecrets') secretRef = target.ref;
  if (!secretRef && target.ref?.resource === 'certificates') {
    const certificate = snapshot.resources.certificates.items.get(objectKey({ metadata: { name: target.ref.name, namespace: target.ref.namespace } }));
    const secret = certificate && secretOfCertificate(snapshot, certificate);
    if (secret) secretRef = { resource: 'tlsSecrets', namespace: secret.metadata.namespace, name: secret.metadata.name };
  }
  if (!secretRef) return undefined;
  const secret = snapshot.resources.tlsSecrets.items.get(`${secretRef.namespace}/${secretRef.name}`);
  const chainPem = secretCertificatePem(secret);
  const certificate = certificatesOf(chainPem)[index];
  return certificate ? { secret: secretRef, index, certificate, chainPem } : undefined;
}

/** The hover's description of the picked certificate, with its place in the Secret's chain. */
export function describePicked(picked: PickedCertificate, now: number): BlockView {
  const site = fileSite(picked.chainPem, 'certificate');
  const entry = site.blocks.filter((b) => b.block.type === 'CERTIFICATE')[picked.index];
  return describeBlock(site, entry, now);
}

/** Markdown for the inspect view: a heading naming the Secret, then the hover's table. */
export function inspectMarkdown(picked: PickedCertificate, context: string, now: number): string {
  const where = `Secret \`${picked.secret.namespace}/${picked.secret.name}\`, \`tls.crt\`, in ${context}`;
  return `# Certificate ${picked.index + 1} of ${where}\n\n${blockMarkdown(describePicked(picked, now))}\n`;
}

/** SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it. */
export function fingerprintOf(picked: PickedCertificate): string | undefined {
  return picked.certificate.summary?.sha256;
}
