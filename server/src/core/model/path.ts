// Kubernetes field paths: `spec.sources[2].inLine`, `metadata.annotations[cert-manager.io/x]`.

/** A property name, a list index, or a key of a free-form map (printed in brackets). */
export type PathSegment = string | number | { readonly key: string };

export type FieldPath = readonly PathSegment[];

export function formatPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string') out += out ? `.${segment}` : segment;
    else out += `[${segment.key}]`;
  }
  return out;
}

export function segmentName(segment: PathSegment): string | number {
  return typeof segment === 'object' ? segment.key : segment;
}

export function samePath(a: FieldPath, b: FieldPath): boolean {
  return a.length === b.length && a.every((s, i) => segmentName(s) === segmentName(b[i]));
}

export function isPrefix(prefix: FieldPath, path: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => segmentName(s) === segmentName(path[i]));
}
