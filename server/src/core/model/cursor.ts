// What the cursor is on, for completion and hover.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { ManifestObject } from './objects';
import type { PathSegment } from './path';
import { keyString } from './value';

export interface CompletionSite {
  /** Path of the map (for keys) or of the field (for values), from the document root. */
  readonly path: readonly (string | number)[];
  readonly mode: 'key' | 'value';
  /** Text typed so far at the cursor. */
  readonly prefix: string;
  /** Keys already present in the map being completed. */
  readonly existingKeys: ReadonlySet<string>;
  /** Column where the key being completed starts (for multi-line inserts). */
  readonly indent: number;
  /** apiVersion and kind of the document, when they are written. */
  readonly apiVersion?: string;
  readonly kind?: string;
}

const MARK = '__trustwright_cursor__';

/**
 * Works out the completion site of a half-typed line (`  secre|`, `    algorithm: |`, `  - |`): the
 * line is replaced by a marker key or value, the surrounding document is parsed, and the marker's
 * position in the tree gives the path. Everything but the current line is the user's own YAML.
 */
export function completionSite(text: string, offset: number): CompletionSite | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd === -1) lineEnd = text.length;
  const before = text.slice(lineStart, offset);
  const after = text.slice(offset, lineEnd).replace(/\r$/, '');
  if (after.trim() !== '' && !/^[\w.\-/]*\s*$/.test(after)) return undefined;

  const valueMatch = /^(\s*)(- )?([^\s:#][^:#]*?)\s*:\s+(\S*)$/.exec(before);
  const keyMatch = /^(\s*)(- )?([\w.\-/]*)$/.exec(before);
  let replacement: string;
  let mode: 'key' | 'value';
  let prefix: string;
  let indent: number;
  if (valueMatch) {
    mode = 'value';
    prefix = valueMatch[4].replace(/^["']/, '');
    indent = valueMatch[1].length + (valueMatch[2] ? 2 : 0);
    replacement = `${before.slice(0, before.length - valueMatch[4].length)}${MARK}`;
  } else if (keyMatch) {
    mode = 'key';
    prefix = keyMatch[3];
    indent = keyMatch[1].length + (keyMatch[2] ? 2 : 0);
    replacement = `${keyMatch[1]}${keyMatch[2] ?? ''}${MARK}: x`;
  } else {
    return undefined;
  }

  const docStart = documentBoundary(text, lineStart, -1);
  const docEnd = documentBoundary(text, lineEnd, 1);
  const probe = text.slice(docStart, lineStart) + replacement + text.slice(lineEnd, docEnd);
  const doc = parseDocument(probe, { uniqueKeys: false, prettyErrors: false });
  const found = findMark(doc.contents as Node | null, []);
  if (!found) return undefined;

  const root = doc.contents;
  const field = (name: string) => (isMap(root) ? root.get(name) : undefined);
  const str = (v: unknown) => (typeof v === 'string' && v !== MARK ? v : undefined);
  return {
    path: mode === 'key' ? found.path.slice(0, -1) : found.path,
    mode,
    prefix,
    indent,
    existingKeys: new Set([...found.siblings].filter((k) => k !== MARK)),
    apiVersion: str(field('apiVersion')),
    kind: str(field('kind')),
  };
}

/** Offset of the `---` line bounding the current document (or the start/end of the text). */
function documentBoundary(text: string, from: number, direction: -1 | 1): number {
  const separator = /^(---|\.\.\.)(\s.*)?$/;
  let position = from;
  while (direction < 0 ? position > 0 : position < text.length) {
    if (direction < 0) {
      const start = text.lastIndexOf('\n', position - 2) + 1;
      const line = text.slice(start, position).replace(/\r?\n$/, '');
      if (separator.test(line)) return position;
      position = start;
      if (start === 0) return 0;
    } else {
      const next = text.indexOf('\n', position + 1);
      const end = next === -1 ? text.length : next;
      const line = text.slice(position + 1, end).replace(/\r$/, '');
      if (separator.test(line)) return position + 1;
      position = end;
    }
  }
  return direction < 0 ? 0 : text.length;
}

function findMark(node: Node | null, path: (string | number)[]): { path: (string | number)[]; siblings: Set<string> } | undefined {
  if (isMap(node)) {
    const keys = new Set(node.items.map((pair) => keyString(pair.key)));
    for (const pair of node.items) {
      const name = keyString(pair.key);
      if (name === MARK) return { path: [...path, name], siblings: keys };
      const value = pair.value as Node | null;
      if (isScalar(value) && value.value === MARK) return { path: [...path, name], siblings: keys };
      const inner = findMark(value, [...path, name]);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const inner = findMark(node.items[i] as Node, [...path, i]);
      if (inner) return inner;
    }
  }
  return undefined;
}

export interface HoverTarget {
  readonly path: readonly PathSegment[];
  /** The key node hovered, or the value node when the cursor is on a value. */
  readonly node: Node;
  readonly on: 'key' | 'value';
}

/** The field under an offset inside an object's tree. */
export function targetAt(object: ManifestObject, offset: number): HoverTarget | undefined {
  return walk(object.node, offset, []);
}

function contains(node: unknown, offset: number): boolean {
  const range = (node as Node | null)?.range;
  return Boolean(range && offset >= range[0] && offset <= range[1]);
}

function walk(node: Node, offset: number, path: PathSegment[]): HoverTarget | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as Node;
      const name = keyString(key);
      if (contains(key, offset)) return { path: [...path, name], node: key, on: 'key' };
      const value = pair.value as Node | null;
      if (value && contains(value, offset)) {
        if (isScalar(value)) return { path: [...path, name], node: value, on: 'value' };
        return walk(value, offset, [...path, name]);
      }
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i] as Node;
      if (!contains(item, offset)) continue;
      if (isScalar(item)) return { path: [...path, i], node: item, on: 'value' };
      return walk(item, offset, [...path, i]);
    }
  }
  return undefined;
}
