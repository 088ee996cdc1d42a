// The workspace model: every Kubernetes object of every indexed file, by kind, namespace and name,
// so rules can follow references across files (a Certificate to its Issuer, a Bundle to the Secret it
// reads and the Certificate that writes that Secret). Updated one file at a time.
import type { Range } from '../findings';
import { extractObjects, type ManifestObject } from '../model/objects';
import { parseFile, type ParsedFile } from '../model/parse';
import { locate, type JsonValue } from '../model/value';
import { splitApiVersion } from '../model/kinds';
import { asMap, asString } from '../rules/access';

export interface IndexedObject {
  readonly uri: string;
  readonly apiVersion: string;
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
  /** As written; namespaced objects without one are applied to whatever namespace kubectl uses. */
  readonly namespace?: string;
  readonly value: { readonly [key: string]: JsonValue };
  /** The object's `metadata.name` (or first line), for related-location links. */
  readonly range: Range;
}

/** What rules may ask of the workspace. Read-only. */
export interface WorkspaceView {
  /** Objects of a kind (any group unless `group` is given). */
  byKind(kind: string, group?: string): readonly IndexedObject[];
  /** Objects of a kind with a name, in a namespace (when given and the object states one). */
  find(kind: string, name: string, namespace?: string, group?: string): readonly IndexedObject[];
  /**
   * Objects of a kind whose `facet` is `key` (a name, the Secret a Certificate writes), from an
   * index built once per kind and facet: rules run once per object, and filtering every object of
   * a kind for each of them made a file of thousands of Certificates take quadratic time.
   */
  where(kind: string, group: string | undefined, facet: Facet, key: string): readonly IndexedObject[];
  /** Number of indexed files, for messages and for rules that only make sense in a workspace. */
  readonly fileCount: number;
}

/** The values rules look objects up by. */
const FACETS = {
  name: (o: IndexedObject) => o.name,
  secretName: (o: IndexedObject) => asString(asMap(o.value.spec)?.secretName),
} satisfies Record<string, (o: IndexedObject) => string | undefined>;

export type Facet = keyof typeof FACETS;

export const EMPTY_WORKSPACE: WorkspaceView = {
  byKind: () => [],
  find: () => [],
  where: () => [],
  fileCount: 0,
};

/** Groups `objects` by a facet (objects without a value for it are left out). */
function groupBy(objects: readonly IndexedObject[], facet: Facet): Map<string, IndexedObject[]> {
  const groups = new Map<string, IndexedObject[]>();
  for (const object of objects) {
    const key = FACETS[facet](object);
    if (key === undefined) continue;
    const list = groups.get(key);
    if (list) list.push(object);
    else groups.set(key, [object]);
  }
  return groups;
}

/** Index lookups for a view, kept until `clear` (a change to what the view sees). */
class FacetCache {
  private readonly indexes = new Map<string, Map<string, IndexedObject[]>>();

  lookup(view: WorkspaceView, kind: string, group: string | undefined, facet: Facet, key: string): readonly IndexedObject[] {
    const id = `${kind}|${group ?? '*'}|${facet}`;
    let index = this.indexes.get(id);
    if (!index) {
      index = groupBy(view.byKind(kind, group), facet);
      this.indexes.set(id, index);
    }
    return index.get(key) ?? [];
  }

  clear(): void {
    this.indexes.clear();
  }
}

/** `find` over the name index: namespace matches when either side states none. */
function findNamed(view: WorkspaceView, kind: string, name: string, namespace?: string, group?: string): readonly IndexedObject[] {
  return view.where(kind, group, 'name', name).filter((o) => namespace === undefined || o.namespace === undefined || o.namespace === namespace);
}

/** The index entries of objects the engine already extracted from a file. */
export function indexObjects(uri: string, file: ParsedFile, objects: readonly ManifestObject[]): IndexedObject[] {
  const out: IndexedObject[] = [];
  for (const object of objects) {
    const indexed = toIndexed(uri, file, object);
    if (indexed) out.push(indexed);
  }
  return out;
}

function indexFile(uri: string, file: ParsedFile): IndexedObject[] {
  return indexObjects(uri, file, extractObjects(file).flatMap((d) => d.objects));
}

function toIndexed(uri: string, file: ParsedFile, object: ManifestObject): IndexedObject | undefined {
  if (!object.apiVersion || !object.kind || object.kind.endsWith('List')) return undefined;
  const nameNode = locate(object.node, ['metadata', 'name']).value;
  const [start, end] = nameNode?.range ?? object.node.range ?? [0, 0];
  return {
    uri,
    apiVersion: object.apiVersion,
    group: splitApiVersion(object.apiVersion).group,
    kind: object.kind,
    name: object.name,
    namespace: object.namespace,
    value: object.value,
    range: file.lines.range(start, Math.max(start, Math.min(end, file.lines.lineEnd(file.lines.positionAt(start).line)))),
  };
}

export class WorkspaceIndex implements WorkspaceView {
  private readonly files = new Map<string, readonly IndexedObject[]>();
  private readonly signatures = new Map<string, string>();
  private readonly changes = new Map<string, number>();
  private totalChanges = 0;
  private kindCache: Map<string, IndexedObject[]> | undefined;
  private readonly facets = new FacetCache();

  /**
   * Changes to every file but `uri`: an analysis of `uri` stays valid while this is unchanged,
   * because the file's own objects come from its text, not from the index.
   */
  stampExcept(uri: string): number {
    return this.totalChanges - (this.changes.get(uri) ?? 0);
  }

  get fileCount(): number {
    return this.files.size;
  }

  /** Indexes (or re-indexes) a file from its text; true when its objects changed. */
  setText(uri: string, text: string): boolean {
    return this.setParsed(uri, parseFile(text));
  }

  /** Indexes a file already parsed. */
  setParsed(uri: string, file: ParsedFile): boolean {
    return this.setObjects(uri, indexFile(uri, file));
  }

  /** Indexes objects the engine already extracted (an open document: one parse per version). */
  setObjects(uri: string, objects: readonly IndexedObject[]): boolean {
    const signature = JSON.stringify(objects.map((o) => [o.kind, o.group, o.namespace, o.name, o.value]));
    if (this.signatures.get(uri) === signature && this.files.has(uri)) {
      // Same objects: only positions may have moved; keep them current without a new stamp.
      this.files.set(uri, objects);
      return false;
    }
    this.files.set(uri, objects);
    this.signatures.set(uri, signature);
    this.noteChange(uri);
    return true;
  }

  remove(uri: string): boolean {
    if (!this.files.delete(uri)) return false;
    this.signatures.delete(uri);
    this.noteChange(uri);
    return true;
  }

  private noteChange(uri: string): void {
    this.totalChanges++;
    this.changes.set(uri, (this.changes.get(uri) ?? 0) + 1);
    this.kindCache = undefined;
    this.facets.clear();
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  uris(): string[] {
    return [...this.files.keys()];
  }

  byKind(kind: string, group?: string): readonly IndexedObject[] {
    if (!this.kindCache) {
      this.kindCache = new Map();
      for (const objects of this.files.values()) {
        for (const object of objects) {
          const list = this.kindCache.get(object.kind) ?? [];
          list.push(object);
          this.kindCache.set(object.kind, list);
        }
      }
    }
    const all = this.kindCache.get(kind) ?? [];
    return group === undefined ? all : all.filter((o) => o.group === group);
  }

  find(kind: string, name: string, namespace?: string, group?: string): readonly IndexedObject[] {
    return findNamed(this, kind, name, namespace, group);
  }

  where(kind: string, group: string | undefined, facet: Facet, key: string): readonly IndexedObject[] {
    return this.facets.lookup(this, kind, group, facet, key);
  }
}

/**
 * The workspace as seen from one file being analysed: the index, with that file's entries replaced
 * by the objects of the text being analysed now (which may be newer than what was indexed).
 */
export class OverlayView implements WorkspaceView {
  private readonly own: readonly IndexedObject[];
  /** An overlay lives for one analysis, during which nothing changes: answers are kept. */
  private readonly answers = new Map<string, readonly IndexedObject[]>();
  private readonly facets = new FacetCache();

  constructor(
    private readonly base: WorkspaceView,
    private readonly uri: string,
    objects: readonly IndexedObject[],
  ) {
    this.own = objects;
  }

  get fileCount(): number {
    return Math.max(1, this.base.fileCount);
  }

  byKind(kind: string, group?: string): readonly IndexedObject[] {
    const key = `${kind}|${group ?? '*'}`;
    let answer = this.answers.get(key);
    if (!answer) {
      const others = this.base.byKind(kind, group).filter((o) => o.uri !== this.uri);
      const mine = this.own.filter((o) => o.kind === kind && (group === undefined || o.group === group));
      answer = [...mine, ...others];
      this.answers.set(key, answer);
    }
    return answer;
  }

  find(kind: string, name: string, namespace?: string, group?: string): readonly IndexedObject[] {
    return findNamed(this, kind, name, namespace, group);
  }

  where(kind: string, group: string | undefined, facet: Facet, key: string): readonly IndexedObject[] {
    return this.facets.lookup(this, kind, group, facet, key);
  }
}
