// `trustwright inspect`: decodes PEM and DER files, and every certificate, request or key block
// embedded in manifests, as text (the hover's fields) or JSON.
import { readFileSync } from 'node:fs';
import { analyze, analyzePem } from '../core/engine';
import { fileSite, type PemSite } from '../core/pem/sites';
import { describeBlock, type BlockView } from '../core/pem/render';
import { decodeCertificate, decodeCsr } from '../core/pem/decode';
import { LineIndex } from '../core/model/text';
import { UsageError } from './lint';
import { reason } from './collect';
import { printable } from './format/escape';

export interface InspectedBlock {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly kind: string | null;
  readonly name: string | null;
  readonly view: BlockView;
}

/** A manifest by its name, or (for stdin and unusual names) by a top-level apiVersion or kind. */
function looksLikeYaml(path: string, text: string): boolean {
  return /\.ya?ml$/i.test(path) || /^(apiVersion|kind):/m.test(text);
}

export function inspectFile(path: string, bytes: Buffer, now: number): InspectedBlock[] {
  const text = bytes.toString('utf8');
  let sites: readonly PemSite[];
  if (looksLikeYaml(path, text)) {
    sites = analyze(text).sites;
  } else if (text.includes('-----BEGIN')) {
    sites = analyzePem(text).sites;
  } else {
    return inspectDer(path, bytes, now);
  }
  const lines = new LineIndex(text);
  return sites.flatMap((site) =>
    site.blocks.map((entry) => ({
      file: path,
      line: lines.positionAt(entry.start).line + 1,
      field: site.field,
      kind: site.object?.kind ?? null,
      name: site.object?.name ?? null,
      view: describeBlock(site, entry, now),
    })),
  );
}

/** A binary file: one DER certificate or request. */
function inspectDer(path: string, bytes: Buffer, now: number): InspectedBlock[] {
  const der = new Uint8Array(bytes);
  const type = decodeCertificate(der).ok ? 'CERTIFICATE' : decodeCsr(der).ok ? 'CERTIFICATE REQUEST' : undefined;
  if (!type) throw new UsageError(`${path}: neither PEM nor a DER certificate or certificate request`);
  // Re-armour the DER so it goes through the same description as PEM blocks.
  const pem = `-----BEGIN ${type}-----\n${bytes.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ${type}-----\n`;
  const site = fileSite(pem);
  return site.blocks.map((entry) => ({ file: path, line: 1, field: 'file (DER)', kind: null, name: null, view: describeBlock(site, entry, now) }));
}

export function readInput(path: string, readStdin: () => Buffer): Buffer {
  try {
    return path === '-' ? readStdin() : readFileSync(path);
  } catch (error) {
    throw new UsageError(`${path}: ${reason(error)}`);
  }
}

export function formatInspectText(blocks: readonly InspectedBlock[]): string {
  if (blocks.length === 0) return 'no PEM blocks found\n';
  const out: string[] = [];
  let last = '';
  for (const b of blocks) {
    const where = `${b.file}:${b.line}: ${b.kind ? `${b.kind}${b.name ? ` ${b.name}` : ''} ` : ''}${b.field}`;
    if (where !== last) out.push(where);
    last = where;
    out.push(`  [${b.view.number}/${b.view.total}] ${b.view.type}: ${b.view.title}`);
    const width = Math.max(0, ...b.view.fields.map((f) => f.label.length));
    for (const f of b.view.fields) out.push(`      ${`${f.label}:`.padEnd(width + 1)} ${f.value}`);
  }
  // File names, object names and certificate subjects are not ours to print raw.
  return printable(out.join('\n')) + '\n';
}

export function formatInspectJson(blocks: readonly InspectedBlock[]): string {
  const certificates = blocks.map((b) => ({ file: b.file, line: b.line, field: b.field, kind: b.kind, name: b.name, index: b.view.number, ...b.view.data }));
  return JSON.stringify({ blocks: certificates }, null, 2) + '\n';
}
