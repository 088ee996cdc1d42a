import { CompletionItemKind, InsertTextMode, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { completionSite } from '../core/model/cursor';
import { kindInfo, TARGET_KINDS } from '../core/model/kinds';
import { schemaAt, schemaFor, typesOf } from '../core/schema/registry';
import { typeLabel } from '../core/schema/describe';

export function complete(document: TextDocument, position: Position): CompletionItem[] {
  const text = document.getText();
  const site = completionSite(text, document.offsetAt(position));
  if (!site) return [];

  if (site.path.length === 1 && site.mode === 'value' && site.path[0] === 'kind') {
    return TARGET_KINDS.map((k) => ({ label: k.kind, kind: CompletionItemKind.Class, detail: `${k.group}/${k.versions[0]}` }));
  }
  const info = site.kind ? kindInfo(site.kind) : undefined;
  if (site.path.length === 1 && site.mode === 'value' && site.path[0] === 'apiVersion') {
    const kinds = info ? [info] : TARGET_KINDS;
    return [...new Set(kinds.flatMap((k) => k.versions.map((v) => `${k.group}/${v}`)))].map((label) => ({ label, kind: CompletionItemKind.Module }));
  }
  if (!info) return [];
  const schema = schemaFor(site.apiVersion ?? `${info.group}/${info.versions[0]}`, info.kind) ?? schemaFor(`${info.group}/${info.versions[0]}`, info.kind);
  if (!schema) return [];

  const node = schemaAt(schema, site.path);
  if (!node) return [];

  if (site.mode === 'value') {
    const values = node.enum?.map(String) ?? (typesOf(node).includes('boolean') ? ['true', 'false'] : []);
    return values.map((value, index) => ({ label: value, kind: CompletionItemKind.EnumMember, sortText: String(index).padStart(3, '0') }));
  }

  const required = new Set(node.properties ? (node.required ?? []) : []);
  return Object.entries(node.properties ?? {})
    .filter(([name]) => !site.existingKeys.has(name) && name !== 'status')
    .map(([name, child]): CompletionItem => {
      const types = typesOf(child);
      const pad = ' '.repeat(site.indent);
      let insertText = `${name}: `;
      if (types.includes('object') && child.properties) insertText = `${name}:\n${pad}  `;
      else if (types.includes('array')) insertText = `${name}:\n${pad}- `;
      return {
        label: name,
        kind: CompletionItemKind.Property,
        detail: `${typeLabel(child)}${required.has(name) ? ' (required)' : ''}`,
        documentation: child.description ? { kind: MarkupKind.Markdown, value: child.description } : undefined,
        insertText,
        insertTextMode: InsertTextMode.asIs,
        sortText: `${required.has(name) ? '0' : '1'}${name}`,
      };
    });
}
