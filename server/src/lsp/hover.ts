import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../core/engine';
import { targetAt } from '../core/model/cursor';
import { schemaFor } from '../core/schema/registry';
import { describeField } from '../core/schema/describe';
import type { PemSite } from '../core/pem/sites';
import { blockMarkdown, describeBlock, summaryRow } from '../core/pem/render';

export function hover(document: TextDocument, position: Position, analysis: Analysis, now = Date.now()): Hover | null {
  const offset = document.offsetAt(position);
  return certificateHover(document, offset, analysis, now) ?? fieldHover(document, offset, analysis);
}

function within(range: readonly [number, number] | undefined, offset: number): boolean {
  return Boolean(range && offset >= range[0] && offset <= range[1]);
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** On a certificate: that certificate. On the key holding a bundle: one row per certificate. */
function certificateHover(document: TextDocument, offset: number, analysis: Analysis, now: number): Hover | null {
  const site = analysis.sites.find((s) => within(s.valueRange, offset) || within(s.keyRange, offset));
  if (!site || site.blocks.length === 0) return null;
  const onKey = within(site.keyRange, offset) && !within(site.valueRange, offset);
  const entry = onKey ? undefined : (site.blocks.find((b) => offset >= b.start && offset <= b.end) ?? blockOnLine(document, site, offset));
  // Base64 maps to whole lines only approximately; with one block the answer is unambiguous.
  const chosen = entry ?? (!onKey && site.encoding === 'base64' && site.blocks.length === 1 ? site.blocks[0] : undefined);

  if (chosen) {
    const value = blockMarkdown(describeBlock(site, chosen, now));
    return { contents: { kind: MarkupKind.Markdown, value }, range: rangeOf(document, [chosen.start, chosen.end]) };
  }
  return { contents: { kind: MarkupKind.Markdown, value: table(site, now) }, range: rangeOf(document, site.keyRange ?? site.valueRange) };
}

/** The block whose lines hold `offset` (its indentation, say), where blocks have lines of their own. */
function blockOnLine(document: TextDocument, site: PemSite, offset: number) {
  if (!site.linesExact) return undefined;
  const line = document.positionAt(offset).line;
  return site.blocks.find((b) => document.positionAt(b.start).line <= line && line <= document.positionAt(b.end).line);
}

function table(site: PemSite, now: number): string {
  const rows = site.blocks.map((entry) => `| ${summaryRow(entry, now).map(cell).join(' | ')} |`);
  const count = site.blocks.length;
  return [`**${site.field}** · ${count} PEM block${count === 1 ? '' : 's'}`, '', '| # | Subject | Role | Expires | SHA-256 |', '|---|---|---|---|---|', ...rows].join('\n');
}

function rangeOf(document: TextDocument, [start, end]: readonly [number, number]) {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}

function fieldHover(document: TextDocument, offset: number, analysis: Analysis): Hover | null {
  const object = analysis.objects.find((o) => o.node.range && offset >= o.node.range[0] && offset <= o.node.range[1]);
  if (!object || object.classification.status === 'other' || object.classification.status === 'unknown-kind') return null;

  const info = object.classification.info;
  const schema = schemaFor(`${info.group}/${info.versions[0]}`, info.kind);
  const target = targetAt(object, offset);
  if (!schema || !target) return null;

  const field = describeField(schema, target.path);
  if (!field) return null;
  const lines = [`**${field.path}** · \`${field.type}\`${field.required ? ' · required' : ''}`, ''];
  if (field.description) lines.push(field.description, '');
  if (field.enumValues) lines.push(`Allowed values: ${field.enumValues.map((v) => `\`${v}\``).join(', ')}`, '');
  if (field.defaultValue !== undefined) lines.push(`Default: \`${JSON.stringify(field.defaultValue)}\``, '');
  lines.push(`*${info.kind} (${info.group}/${info.versions[0]}), from the ${info.servedBy} CRD*`);

  const range = target.node.range;
  return {
    contents: { kind: MarkupKind.Markdown, value: lines.join('\n') },
    range: range ? rangeOf(document, [range[0], range[1]]) : undefined,
  };
}
