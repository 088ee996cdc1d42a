// One description of a certificate, rendered by the hover (Markdown), `trustwright inspect` (text
// and JSON) and the CodeLens (one line). Faces format; the words are chosen here.
import type { PemBlock } from './blocks';
import {
  decodeCertificate,
  decodeCsr,
  nodeCertificate,
  summarizeCertificate,
  type CertificateInfo,
  type CertificateSummary,
  type CsrInfo,
  type PublicKeyInfo,
} from './decode';
import type { PemSite, SiteBlock } from './sites';

const DAY = 24 * 3600 * 1000;

export interface Field {
  readonly label: string;
  readonly value: string;
}

export interface BlockView {
  /** 1-based position among the site's blocks. */
  readonly number: number;
  readonly total: number;
  readonly type: string;
  readonly title: string;
  readonly fields: readonly Field[];
  /** Machine-readable facts, for `inspect --format json`. */
  readonly data: Record<string, unknown>;
}

/** "in 14 months", "3 days ago": the rough distance users think in. */
export function relative(date: Date, now: number): string {
  const ms = date.getTime() - now;
  const days = Math.round(Math.abs(ms) / DAY);
  let amount: string;
  if (days < 1) {
    const hours = Math.max(1, Math.round(Math.abs(ms) / 3600000));
    amount = `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  else if (days < 60) amount = `${days} day${days === 1 ? '' : 's'}`;
  else if (days < 730) amount = `${Math.round(days / 30.44)} months`;
  else amount = `${Math.round(days / 365.25)} years`;
  return ms >= 0 ? `in ${amount}` : `${amount} ago`;
}

export function validityPhrase(notBefore: Date, notAfter: Date, now: number): string {
  if (notAfter.getTime() < now) return `expired ${relative(notAfter, now)}`;
  if (notBefore.getTime() > now) return `not valid yet (starts ${relative(notBefore, now)})`;
  return `expires ${relative(notAfter, now)}`;
}

export function keyText(key: PublicKeyInfo): string {
  if (key.algorithm === 'RSA') return `RSA ${key.bits ?? '?'} bits`;
  if (key.algorithm === 'EC') return `ECDSA ${key.curve ?? `${key.bits ?? '?'} bits`}`;
  return key.algorithm;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function shortFingerprint(sha256: string): string {
  return sha256.toLowerCase().split(':').slice(0, 4).join(':') + ':…';
}

/** `CN=web · CA · expires 2031-05-01 · SHA-256 ab:cd:ef:01:…` */
export function codeLensTitle(summary: CertificateSummary, now: number): string {
  const name = summary.commonName ? `CN=${summary.commonName}` : summary.subject || '(no subject)';
  const role = summary.isCA ? 'CA' : 'leaf';
  const when = summary.notAfter.getTime() < now ? `expired ${day(summary.notAfter)}` : `expires ${day(summary.notAfter)}`;
  return `${name} · ${role} · ${when} · SHA-256 ${shortFingerprint(summary.sha256)}`;
}

/** The other certificate of the same site whose key signed this one, if any. */
export function issuerWithinSite(site: PemSite, entry: SiteBlock): SiteBlock | undefined {
  if (!entry.block.decodes || entry.block.type !== 'CERTIFICATE') return undefined;
  const subject = nodeCertificate(entry.block.bytes!);
  if (!subject) return undefined;
  for (const other of site.blocks) {
    if (other === entry || !other.block.decodes || other.block.type !== 'CERTIFICATE') continue;
    const candidate = nodeCertificate(other.block.bytes!);
    if (!candidate) continue;
    try {
      if (subject.checkIssued(candidate) && subject.verify(candidate.publicKey)) return other;
    } catch {
      continue;
    }
  }
  return undefined;
}

function sansText(info: Pick<CertificateInfo, 'sans'>): string {
  const { dns, ip, email, uri } = info.sans;
  return [...dns.map((d) => `DNS:${d}`), ...ip.map((i) => `IP:${i}`), ...email.map((e) => `email:${e}`), ...uri.map((u) => `URI:${u}`)].join(', ');
}

function certificateFields(info: CertificateInfo, now: number, issuedBy: string): Field[] {
  const fields: Field[] = [
    { label: 'Subject', value: info.subject || '(empty)' },
    { label: 'Issuer', value: info.issuer || '(empty)' },
    { label: 'Serial', value: info.serialNumber },
    { label: 'Valid', value: `${info.notBefore.toISOString()} → ${info.notAfter.toISOString()} (${validityPhrase(info.notBefore, info.notAfter, now)})` },
  ];
  const sans = sansText(info);
  if (sans) fields.push({ label: 'SANs', value: sans });
  fields.push({ label: 'Public key', value: keyText(info.publicKey) });
  fields.push({ label: 'Signature', value: info.signatureAlgorithm });
  fields.push({ label: 'CA', value: info.isCA ? `yes${info.pathLength !== undefined ? `, path length ${info.pathLength}` : ''}` : 'no' });
  if (info.keyUsage.length) fields.push({ label: 'Key usage', value: info.keyUsage.join(', ') });
  if (info.extendedKeyUsage.length) fields.push({ label: 'Extended key usage', value: info.extendedKeyUsage.join(', ') });
  if (info.nameConstraints) {
    const { permitted, excluded } = info.nameConstraints;
    fields.push({ label: 'Name constraints', value: [permitted.length ? `permitted ${permitted.join(', ')}` : '', excluded.length ? `excluded ${excluded.join(', ')}` : ''].filter(Boolean).join('; ') });
  }
  if (info.subjectKeyId) fields.push({ label: 'Subject key ID', value: info.subjectKeyId });
  if (info.authorityKeyId) fields.push({ label: 'Authority key ID', value: info.authorityKeyId });
  fields.push({ label: 'SHA-256', value: info.sha256 });
  fields.push({ label: 'SHA-1', value: info.sha1 });
  fields.push({ label: 'Self-signed', value: info.selfSigned ? 'yes' : 'no' });
  fields.push({ label: 'Issued by', value: issuedBy });
  return fields;
}

function csrFields(info: CsrInfo): Field[] {
  const fields: Field[] = [{ label: 'Subject', value: info.subject || '(empty)' }];
  const sans = sansText(info);
  if (sans) fields.push({ label: 'SANs', value: sans });
  fields.push({ label: 'Public key', value: keyText(info.publicKey) });
  fields.push({ label: 'Signature', value: info.signatureAlgorithm });
  if (info.isCA !== undefined) fields.push({ label: 'CA requested', value: info.isCA ? 'yes' : 'no' });
  if (info.keyUsage.length) fields.push({ label: 'Key usage', value: info.keyUsage.join(', ') });
  if (info.extendedKeyUsage.length) fields.push({ label: 'Extended key usage', value: info.extendedKeyUsage.join(', ') });
  return fields;
}

/** Everything worth showing about one block. Private keys are named, never decoded or shown. */
export function describeBlock(site: PemSite, entry: SiteBlock, now: number): BlockView {
  const { block } = entry;
  const base = { number: entry.index + 1, total: site.blocks.length, type: block.type };
  if (!block.decodes) {
    return { ...base, title: `${block.type || 'PEM'} block that does not decode`, fields: [{ label: 'Problem', value: problemText(block) }], data: { type: block.type, decodes: false } };
  }
  if (/PRIVATE KEY/.test(block.type)) {
    const misplaced = site.object !== undefined && site.role !== 'private-key';
    const value = misplaced ? 'not decoded or shown; it should not be here unless this is a tls.key' : 'not decoded or shown';
    return { ...base, title: block.type, fields: [{ label: 'Private key', value }], data: { type: block.type } };
  }
  if (block.type === 'CERTIFICATE REQUEST' || block.type === 'NEW CERTIFICATE REQUEST') {
    const csr = decodeCsr(block.bytes!);
    if (!csr.ok) return { ...base, title: 'Certificate request that does not parse', fields: [{ label: 'Problem', value: csr.error }], data: { type: block.type, error: csr.error } };
    return { ...base, title: `Certificate request ${csr.value.commonName ? `CN=${csr.value.commonName}` : csr.value.subject}`, fields: csrFields(csr.value), data: { type: block.type, ...csr.value } };
  }
  if (block.type !== 'CERTIFICATE') {
    return { ...base, title: `${block.type} block`, fields: [], data: { type: block.type } };
  }
  const decoded = decodeCertificate(block.bytes!);
  if (!decoded.ok) {
    // The parser's own words ("Unsupported format of 'raw' argument…") mean nothing to a reader;
    // say what pem/malformed says.
    const problem = 'the body is valid base64 but not an X.509 certificate; lines are probably missing or altered';
    return { ...base, title: 'Certificate that does not parse', fields: [{ label: 'Problem', value: problem }], data: { type: block.type, error: problem } };
  }
  const info = decoded.value;
  const issuer = issuerWithinSite(site, entry);
  const issuedBy = info.selfSigned ? 'itself (self-signed)' : issuer ? `certificate ${issuer.index + 1} in this block` : 'a certificate not in this block';
  const name = info.commonName ? `CN=${info.commonName}` : info.subject || '(no subject)';
  return {
    ...base,
    title: `${name}${info.isCA ? ' (CA)' : ''}`,
    fields: certificateFields(info, now, issuedBy),
    data: {
      type: block.type,
      ...info,
      notBefore: info.notBefore.toISOString(),
      notAfter: info.notAfter.toISOString(),
      issuedByBlock: issuer ? issuer.index + 1 : null,
    },
  };
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The hover's Markdown for one block: a heading line and a two-column table of its fields. */
export function blockMarkdown(view: BlockView): string {
  const rows = view.fields.map((f) => `| ${cell(f.label)} | ${cell(f.value)} |`);
  return [`**${view.type} ${view.number} of ${view.total}** · ${cell(view.title)}`, '', '| | |', '|---|---|', ...rows].join('\n');
}

/** One line per block, for the table shown when hovering the key that holds a bundle. */
export function summaryRow(entry: SiteBlock, now: number): string[] {
  const { block } = entry;
  if (!block.decodes) return [String(entry.index + 1), block.type || 'PEM', 'does not decode', '', ''];
  if (block.type !== 'CERTIFICATE') return [String(entry.index + 1), block.type, '', '', ''];
  const summary = summarizeCertificate(block.bytes!);
  if (!summary.ok) return [String(entry.index + 1), 'CERTIFICATE', 'does not parse', '', ''];
  const s = summary.value;
  return [
    String(entry.index + 1),
    s.commonName ? `CN=${s.commonName}` : s.subject,
    s.isCA ? 'CA' : 'leaf',
    `${day(s.notAfter)} (${validityPhrase(s.notBefore, s.notAfter, now)})`,
    shortFingerprint(s.sha256),
  ];
}

function problemText(block: PemBlock): string {
  switch (block.problem) {
    case 'bad-begin-line':
      return 'malformed BEGIN line';
    case 'unterminated':
      return 'no END line';
    default:
      return 'the body is not valid base64';
  }
}
