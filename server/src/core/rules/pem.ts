// Rules about the certificates, keys and requests embedded in manifests, wherever they are: trust
// bundles, caBundle fields, Secrets and ConfigMaps. Each finding sits on the block's own lines.
//
// The structure of PEM in a Bundle, ClusterBundle or ClusterTrustBundle (block types, headers,
// unreadable blocks) is judged by those kinds' own rules, which use the controller's or API server's
// words; the rules here skip what those already report.
import type { Fix } from '../findings';
import type { PemBlock } from '../pem/blocks';
import { summarizeCertificate, verifiesWithOwnKey, type CertificateSummary } from '../pem/decode';
import type { PemSite, SiteBlock } from '../pem/sites';
import type { LineIndex } from '../model/text';
import type { Rule, SiteContext } from './types';

const DAY = 24 * 3600 * 1000;

/** Kinds whose own rules already report block structure (types, headers, unreadable blocks). */
function structureOwnedByKind(site: PemSite): boolean {
  return site.role === 'trust-bundle';
}

function isTrustSite(site: PemSite): boolean {
  return site.role === 'trust-bundle' || site.role === 'ca-bundle';
}

function now(context: SiteContext): number {
  return context.settings.now ?? Date.now();
}

interface DecodedBlock {
  readonly entry: SiteBlock;
  readonly summary: CertificateSummary;
}

/** The certificates of a site that decode, in order. */
function certificates(site: PemSite): DecodedBlock[] {
  const out: DecodedBlock[] = [];
  for (const entry of site.blocks) {
    if (!entry.block.decodes || entry.block.type !== 'CERTIFICATE') continue;
    const decoded = summarizeCertificate(entry.block.bytes!);
    if (decoded.ok) out.push({ entry, summary: decoded.value });
  }
  return out;
}

export function certificateLabel(summary: Pick<CertificateSummary, 'commonName' | 'subject'>): string {
  return summary.commonName ? `CN=${summary.commonName}` : summary.subject || '(empty subject)';
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** "3 days", "14 months", "2 years": the rough distance users think in. */
export function relativeDuration(ms: number): string {
  const days = Math.round(Math.abs(ms) / DAY);
  if (days < 1) return 'less than a day';
  if (days < 60) return `${days} day${days === 1 ? '' : 's'}`;
  const months = Math.round(days / 30.44);
  if (months < 24) return `${months} months`;
  return `${Math.round(days / 365.25)} years`;
}

/**
 * Deletes a block's lines from PEM text in the document, leaving the lines around it as they were.
 * Only where the block has lines of its own (a literal block scalar or a PEM file): in a quoted
 * scalar every block maps to the value's first line, which holds the key and the other blocks too.
 */
function removeBlockFix(context: SiteContext, entry: SiteBlock, title: string): Fix[] | undefined {
  return removeLinesFix(context.site, context.lines, entry.start, entry.end, title);
}

/** The fix that deletes the document lines from `start` to `end` (offsets) inside a PEM site. */
export function removeLinesFix(site: PemSite, lines: LineIndex, start: number, end: number, title: string): Fix[] | undefined {
  if (site.encoding !== 'pem' || !site.linesExact) return undefined;
  const first = lines.positionAt(start).line;
  const last = lines.positionAt(end).line;
  const range =
    last + 1 < lines.lineCount
      ? { start: { line: first, character: 0 }, end: { line: last + 1, character: 0 } }
      : { start: lines.positionAt(Math.max(0, lines.lineStart(first) - 1)), end: lines.positionAt(lines.lineEnd(last)) };
  return [{ title, edits: [{ range, newText: '' }] }];
}

export const pemRules: readonly Rule[] = [
  {
    id: 'pem/malformed',
    severity: 'error',
    layer: 'lint',
    kinds: [],
    doc: {
      summary: 'Embedded PEM or base64 that does not decode.',
      details:
        'A truncated line, a stray character, a missing END line or a body elided as `....` makes the block unreadable: Go programs (Kubernetes, cert-manager, most webhooks) skip it silently or fail outright. Secret `data` values that are not base64 are rejected by the API server. Paste the complete block again. (Trust bundles of Bundle, ClusterBundle and ClusterTrustBundle are checked by their own rules.)',
    },
    checkSite(context) {
      const { site } = context;
      if (structureOwnedByKind(site)) return;
      // cert-manager kinds declare these fields as `format: byte`, which the schema already checks.
      if (site.base64Error && site.object?.classification.status === 'other') {
        const pasted = site.object.kind === 'Secret' && site.path[0] === 'data' ? '; PEM text goes under stringData, or base64-encode it (base64 -w0) for data' : '; base64-encode the PEM (base64 -w0)';
        context.report(undefined, `${site.field} is not valid base64, so the API server rejects the object ("illegal base64 data")${pasted}`);
      }
      for (const entry of site.blocks) {
        const { block } = entry;
        if (!block.decodes) {
          context.report([block.start, block.end], `${site.field}: ${describeProblem(block, entry.index)}`);
        } else if (block.type === 'CERTIFICATE' && !summarizeCertificate(block.bytes!).ok) {
          context.report(
            [block.start, block.end],
            `${site.field}: PEM block ${entry.index + 1} (CERTIFICATE) is valid base64 but not an X.509 certificate; lines are probably missing or altered, so paste the complete certificate`,
          );
        }
      }
    },
  },
  {
    id: 'pem/private-key',
    severity: 'error',
    layer: 'lint',
    kinds: [],
    doc: {
      summary: 'A private key where only certificates belong.',
      details:
        'A private key in a CA bundle, a certificate field or a ConfigMap is readable by everyone who can read that object, and often copied to many namespaces. Remove it and treat the key as exposed: rotate it. Private keys belong in a Secret key such as `tls.key`.',
    },
    checkSite(context) {
      const { site } = context;
      // A PEM file on its own (privkey.pem, a combined cert+key file) is where keys are kept; the
      // exposure this rule is about comes from keys inside cluster objects.
      if (site.role === 'private-key' || structureOwnedByKind(site) || !site.object) return;
      for (const entry of site.blocks) {
        if (!/PRIVATE KEY/.test(entry.block.type)) continue;
        const where = site.object?.kind === 'ConfigMap' ? 'a ConfigMap, which is not secret' : `${site.field}, which should hold only certificates`;
        context.report([entry.block.start, entry.block.end], `PEM block ${entry.index + 1} is a ${entry.block.type} in ${where}; remove it and rotate the key`, {
          fixes: removeBlockFix(context, entry, 'Remove the private key'),
        });
      }
    },
  },
  {
    id: 'pem/headers',
    severity: 'warning',
    layer: 'lint',
    kinds: [],
    doc: {
      summary: 'A certificate block carries PEM headers.',
      details:
        'RFC 7468 certificates have no headers (`Proc-Type:`, `DEK-Info:` belong to legacy encrypted keys). Kubernetes and trust-manager reject headers in trust bundles; other consumers ignore or refuse them. Remove the header lines.',
    },
    checkSite(context) {
      const { site } = context;
      if (structureOwnedByKind(site)) return;
      for (const entry of site.blocks) {
        if (entry.block.type === 'CERTIFICATE' && entry.block.hasHeaders) {
          context.report([entry.block.start, entry.block.end], `PEM block ${entry.index + 1} (CERTIFICATE) has header lines ("${entry.block.headers[0].name}: …"); remove them`);
        }
      }
    },
  },
  {
    id: 'pem/expired',
    severity: 'warning',
    layer: 'lint',
    kinds: [],
    doc: {
      summary: 'An embedded certificate has expired.',
      details:
        'An expired CA validates nothing and an expired leaf is refused by every client. In a Bundle, trust-manager keeps expired certificates unless it runs with `--filter-expired-certificates`, and then fails the Bundle with a message that does not mention expiry when nothing is left (trust-manager#276). Replace or remove the certificate; the quick fix removes the block.',
    },
    checkSite(context) {
      for (const { entry, summary } of certificates(context.site)) {
        const age = now(context) - summary.notAfter.getTime();
        if (age <= 0) continue;
        context.report(
          [entry.block.start, entry.block.end],
          `certificate ${certificateLabel(summary)} (PEM block ${entry.index + 1}) expired on ${day(summary.notAfter)}, ${relativeDuration(age)} ago; replace or remove it`,
          { fixes: removeBlockFix(context, entry, 'Remove the expired certificate') },
        );
      }
    },
  },
  {
    id: 'pem/not-yet-valid',
    severity: 'warning',
    layer: 'lint',
    kinds: [],
    doc: {
      summary: 'An embedded certificate is not valid yet.',
      details: 'Its notBefore date is in the future, so clients refuse it until then. Usually a clock problem where it was issued, or a certificate dated for a planned rotation.',
    },
    checkSite(context) {
      for (const { entry, summary } of certificates(context.site)) {
        const wait = summary.notBefore.getTime() - now(context);
        if (wait <= 0) continue;
        context.report([entry.block.start, entry.block.end], `certificate ${certificateLabel(summary)} (PEM block ${entry.index + 1}) is not valid until ${day(summary.notBefore)}, in ${relativeDuration(wait)}`);
      }
    },
  },
  {
    id: 'pem/expiring-soon',
    severity: 'warning',
    layer: 'lint',
    kinds: [],
    doc: {
      summary: 'An embedded certificate expires within the warning window.',
      details:
        'Certificates pasted into manifests are not renewed by cert-manager: someone has to replace them by hand. The window is `expiryWarningDays` in .trustwright.yaml (or `trustwright.expiryWarningDays`), 30 days by default.',
    },
    checkSite(context) {
      const window = context.settings.expiryWarningDays * DAY;
      for (const { entry, summary } of certificates(context.site)) {
        const left = summary.notAfter.getTime() - now(context);
        if (left <= 0 || left > window) continue;
        context.report([entry.block.start, entry.block.end], `certificate ${certificateLabel(summary)} (PEM block ${entry.index + 1}) expires on ${day(summary.notAfter)}, in ${relativeDuration(left)}; plan its replacement`);
      }
    },
  },
  {
    id: 'pem/not-ca',
    severity: 'warning',
    layer: 'lint',
    kinds: [],
    doc: {
      summary: 'A trust bundle or CA bundle holds a certificate that is not a CA.',
      details:
        'Trust anchors are CA certificates (basic constraints CA:TRUE). A leaf certificate in a bundle usually means the wrong file was pasted (tls.crt instead of ca.crt); clients that accept it as an anchor trust exactly that one server, and trust-manager drops it when run with `--filter-non-ca-certs`. Replace it with the issuing CA. (ClusterTrustBundle rejects leaves outright; its own rule reports that.)',
    },
    checkSite(context) {
      const { site } = context;
      if (!isTrustSite(site) || site.object?.kind === 'ClusterTrustBundle') return;
      for (const { entry, summary } of certificates(site)) {
        if (summary.isCA) continue;
        context.report([entry.block.start, entry.block.end], `certificate ${certificateLabel(summary)} (PEM block ${entry.index + 1}) is not a CA (no CA:TRUE basic constraint), so it does not belong in ${site.field}; use the CA that issued it`);
      }
    },
  },
  {
    id: 'pem/weak-key',
    severity: 'warning',
    layer: 'lint',
    kinds: [],
    doc: {
      summary: 'An embedded certificate has an RSA key under 2048 bits or an EC key under 256 bits.',
      details: 'Keys this short are below every current baseline (CA/Browser Forum, NIST SP 800-57) and are refused by modern TLS stacks. Reissue with RSA 2048+ or ECDSA P-256+.',
    },
    checkSite(context) {
      for (const { entry, summary } of certificates(context.site)) {
        const { algorithm, bits } = summary.publicKey;
        const weak = (algorithm === 'RSA' && bits !== undefined && bits < 2048) || (algorithm === 'EC' && bits !== undefined && bits < 256);
        if (!weak) continue;
        context.report([entry.block.start, entry.block.end], `certificate ${certificateLabel(summary)} (PEM block ${entry.index + 1}) has a ${bits}-bit ${algorithm} key; reissue it with RSA 2048+ or ECDSA P-256+`);
      }
    },
  },
  {
    id: 'pem/weak-signature',
    severity: 'warning',
    layer: 'lint',
    kinds: [],
    doc: {
      summary: 'An embedded certificate is signed with SHA-1, MD5 or MD2.',
      details:
        'These digests allow forged certificates; current clients reject SHA-1 signatures on anything but trust anchors. On a self-signed root the signature is never checked, so it is reported as information only; on an intermediate or leaf it is a warning. Reissue with SHA-256 or better.',
    },
    checkSite(context) {
      for (const { entry, summary } of certificates(context.site)) {
        const hash = summary.signatureHash;
        if (hash !== 'SHA-1' && hash !== 'MD5' && hash !== 'MD2') continue;
        const root = summary.selfIssued && verifiesWithOwnKey(entry.block.bytes!);
        const message = root
          ? `self-signed root ${certificateLabel(summary)} (PEM block ${entry.index + 1}) is signed with ${hash}; clients do not check a root's own signature, but consider a root reissued with SHA-256`
          : `certificate ${certificateLabel(summary)} (PEM block ${entry.index + 1}) is signed with ${hash}, which clients reject; reissue it with SHA-256 or better`;
        context.report([entry.block.start, entry.block.end], message, root ? { severity: 'info' } : {});
      }
    },
  },
  {
    id: 'pem/duplicate',
    severity: 'warning',
    layer: 'lint',
    kinds: [],
    doc: {
      summary: 'The same certificate appears twice in one value.',
      details:
        'A duplicate adds nothing and hides what the bundle really holds; trust-manager deduplicates its output, ClusterTrustBundle rejects duplicates (its own rule reports that). Remove the second copy; the quick fix does.',
    },
    checkSite(context) {
      const { site } = context;
      if (site.object?.kind === 'ClusterTrustBundle') return;
      const seen = new Map<string, number>();
      for (const { entry, summary } of certificates(site)) {
        const first = seen.get(summary.sha256);
        if (first === undefined) {
          seen.set(summary.sha256, entry.index);
          continue;
        }
        context.report([entry.block.start, entry.block.end], `certificate ${certificateLabel(summary)} (PEM block ${entry.index + 1}) repeats PEM block ${first + 1}; remove the copy`, {
          fixes: removeBlockFix(context, entry, 'Remove the duplicate certificate'),
        });
      }
    },
  },
];

function describeProblem(block: PemBlock, index: number): string {
  const name = `PEM block ${index + 1} (${block.type || 'no type'})`;
  switch (block.problem) {
    case 'bad-begin-line':
      return `${name} has a malformed BEGIN line; it must read "-----BEGIN ${block.type}-----"`;
    case 'unterminated':
      return `${name} has no "-----END ${block.type}-----" line, so it is not read at all`;
    default:
      return `${name} does not decode: its body is not valid base64 (a truncated or altered line, or text elided as "...."); paste the complete block`;
  }
}
