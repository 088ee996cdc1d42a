import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import type { FieldPath, PathSegment } from './path';
import { segmentName } from './path';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Stops "billion laughs" documents: every node produced through an alias counts. */
export const MAX_ALIAS_NODES = 10_000;

export interface AliasProblem {
  readonly kind: 'unresolved' | 'too-many';
  readonly node: Node;
  readonly source: string;
}

export class ValueBuilder {
  readonly problems: AliasProblem[] = [];
  private aliasBudget = MAX_ALIAS_NODES;

  constructor(private readonly doc: Document.Parsed) {}

  toValue(node: unknown, viaAlias = false): JsonValue {
    if (viaAlias && --this.aliasBudget < 0) {
      if (this.aliasBudget === -1) {
        this.problems.push({ kind: 'too-many', node: node as Node, source: '' });
      }
      return null;
    }
    if (node === null || node === undefined) return null;

    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) {
        this.problems.push({ kind: 'unresolved', node, source: node.source });
        return null;
      }
      return this.toValue(target, true);
    }
    if (isScalar(node)) return scalarValue(node.value);
    if (isSeq(node)) return node.items.map((item) => this.toValue(item, viaAlias));
    if (isMap(node)) {
      const out: { [key: string]: JsonValue } = {};
      for (const pair of node.items) this.addPair(out, pair, viaAlias);
      return out;
    }
    return null;
  }

  private addPair(out: { [key: string]: JsonValue }, pair: Pair, viaAlias: boolean): void {
    const key = keyString(pair.key);
    if (key === '<<') {
      // YAML 1.1 merge key: explicit keys win over merged ones.
      const merged = this.toValue(pair.value, viaAlias);
      const sources = Array.isArray(merged) ? merged : [merged];
      for (const source of sources) {
        if (source && typeof source === 'object' && !Array.isArray(source)) {
          for (const [k, v] of Object.entries(source)) if (!(k in out)) out[k] = v;
        }
      }
      return;
    }
    out[key] = this.toValue(pair.value, viaAlias);
  }
}

function scalarValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

export function keyString(key: unknown): string {
  if (isScalar(key)) return key.value === null ? 'null' : String(key.value);
  if (key === null || key === undefined) return 'null';
  if (isAlias(key)) return key.source;
  return String((key as Node).toString?.() ?? key);
}

export interface NodeLocation {
  /** The node holding the value at the path (absent when the path does not exist). */
  readonly value?: Node;
  /** The key of the last segment when it is a map key. */
  readonly key?: Node;
  /** The deepest node along the path that exists. */
  readonly deepest: Node;
  /** Key node of the deepest existing map entry along the path, if any. */
  readonly deepestKey?: Node;
  /** Number of path segments that were found. */
  readonly depth: number;
}

/** Follows a field path through the YAML tree, stopping where the path leaves the document. */
export function locate(root: Node, path: FieldPath, doc?: Document.Parsed): NodeLocation {
  let node: Node = root;
  let key: Node | undefined;
  let deepestKey: Node | undefined;

  for (let depth = 0; depth < path.length; depth++) {
    const resolved = doc && isAlias(node) ? (node.resolve(doc) as Node | undefined) : node;
    const next = step(resolved, path[depth]);
    if (!next) return { deepest: node, deepestKey, depth };
    node = next.value;
    key = next.key;
    if (key) deepestKey = key;
    if (!node) return { key, deepest: (key ?? resolved) as Node, deepestKey, depth: depth + 1 };
  }
  return { value: node, key, deepest: node, deepestKey, depth: path.length };
}

function step(node: Node | undefined, segment: PathSegment): { value: Node; key?: Node } | undefined {
  if (!node) return undefined;
  const name = segmentName(segment);
  if (typeof name === 'number') {
    if (isSeq(node) && name < node.items.length) return { value: node.items[name] as Node };
    return undefined;
  }
  if (isMap(node)) {
    for (let i = node.items.length - 1; i >= 0; i--) {
      const pair = node.items[i];
      if (isPair(pair) && keyString(pair.key) === name) {
        return { value: pair.value as Node, key: pair.key as Node };
      }
    }
  }
  return undefined;
}

export function nodeRange(node: Node | null | undefined): [number, number] | undefined {
  const range = node?.range;
  return range ? [range[0], range[1]] : undefined;
}
