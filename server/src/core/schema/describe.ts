// Field documentation from the generated schemas, shared by hover and completion.
import type { FieldPath } from '../model/path';
import { formatPath, segmentName } from '../model/path';
import { schemaAt, typesOf, type SchemaNode } from './registry';

export interface FieldDoc {
  readonly path: string;
  readonly type: string;
  readonly description?: string;
  readonly enumValues?: readonly string[];
  readonly defaultValue?: unknown;
  readonly required: boolean;
}

export function typeLabel(node: SchemaNode): string {
  const types = typesOf(node).filter((t) => t !== 'null');
  if (types.length === 2 && types.includes('integer') && types.includes('string')) return 'integer or string';
  const type = types[0] ?? (node.properties ? 'object' : 'any');
  if (type === 'array') return `${node.items ? typeLabel(node.items) : 'any'}[]`;
  if (type === 'object' && !node.properties && typeof node.additionalProperties === 'object') {
    return `map[string]${typeLabel(node.additionalProperties)}`;
  }
  return node.format && type === 'string' ? `string (${node.format})` : type;
}

export function describeField(root: SchemaNode, path: FieldPath): FieldDoc | undefined {
  const plain = path.map(segmentName);
  const node = schemaAt(root, plain);
  if (!node) return undefined;
  const parent = schemaAt(root, plain.slice(0, -1));
  const last = plain[plain.length - 1];
  return {
    path: formatPath(path),
    type: typeLabel(node),
    description: node.description,
    enumValues: node.enum?.map(String),
    defaultValue: node.default,
    required: typeof last === 'string' && Boolean(parent?.required?.includes(last)),
  };
}
