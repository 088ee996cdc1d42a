import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import type { ParsedDocument, ParsedFile } from './parse';
import type { FieldPath } from './path';
import { classify, type Classification } from './kinds';
import { ValueBuilder, type AliasProblem, type JsonValue } from './value';

/** One Kubernetes object found in a file: a top-level document or an item of a `kind: List`. */
export interface ManifestObject {
  readonly document: ParsedDocument;
  readonly node: YAMLMap;
  /** Where the object sits inside its document: [] or ['items', 3]. */
  readonly prefix: FieldPath;
  readonly value: { readonly [key: string]: JsonValue };
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly classification: Classification;
}

export interface DocumentObjects {
  readonly document: ParsedDocument;
  readonly objects: readonly ManifestObject[];
  readonly aliasProblems: readonly AliasProblem[];
}

export function extractObjects(file: ParsedFile): DocumentObjects[] {
  return file.documents.map(objectsOfDocument);
}

export function objectsOfDocument(document: ParsedDocument): DocumentObjects {
  {
    const contents = document.doc.contents as Node | null;
    if (!isMap(contents)) return { document, objects: [], aliasProblems: [] };

    const builder = new ValueBuilder(document.doc);
    const root = builder.toValue(contents);
    const objects: ManifestObject[] = [];
    if (root && typeof root === 'object' && !Array.isArray(root)) {
      objects.push(makeObject(document, contents, [], root));
      // `kubectl get -o yaml` output and `kind: List` files hold real objects under items.
      const items = contents.get('items', true);
      if (isListKind(root) && isSeq(items) && Array.isArray(root.items)) {
        items.items.forEach((item, index) => {
          const value = (root.items as JsonValue[])[index];
          if (isMap(item) && value && typeof value === 'object' && !Array.isArray(value)) {
            objects.push(makeObject(document, item, ['items', index], value));
          }
        });
      }
    }
    return { document, objects, aliasProblems: builder.problems };
  }
}

function isListKind(root: { [key: string]: JsonValue }): boolean {
  return root.apiVersion === 'v1' && typeof root.kind === 'string' && root.kind.endsWith('List');
}

function makeObject(document: ParsedDocument, node: YAMLMap, prefix: FieldPath, value: { [key: string]: JsonValue }): ManifestObject {
  const metadata = value.metadata && typeof value.metadata === 'object' && !Array.isArray(value.metadata) ? value.metadata : {};
  const str = (v: JsonValue | undefined) => (typeof v === 'string' ? v : undefined);
  return {
    document,
    node,
    prefix,
    value,
    apiVersion: str(value.apiVersion),
    kind: str(value.kind),
    name: str((metadata as Record<string, JsonValue>).name),
    namespace: str((metadata as Record<string, JsonValue>).namespace),
    classification: classify(value.apiVersion, value.kind),
  };
}
