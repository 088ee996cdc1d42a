import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../core/engine';
import { targetAt } from '../core/model/cursor';
import { schemaFor } from '../core/schema/registry';
import { describeField } from '../core/schema/describe';

export function hover(document: TextDocument, position: Position, analysis: Analysis): Hover | null {
  const offset = document.offsetAt(position);
  const object = analysis.objects.find((o) => o.node.range && offset >= o.node.range[0] && offset <= o.node.range[1] && o.classification.status !== 'unknown-kind');
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
    range: range ? { start: document.positionAt(range[0]), end: document.positionAt(range[1]) } : undefined,
  };
}
