// What cluster commands receive: a tree node when run from a view, or (from other commands, tests
// or keybindings) a plain object naming the object or the certificate.
import type { ObjectRef } from '../../../server/src/core/cluster/tree';

export interface NodeLike {
  readonly ref?: ObjectRef;
  readonly pem?: { readonly secret: ObjectRef; readonly index: number };
  readonly label?: string;
}

export function asNode(argument: unknown): NodeLike | undefined {
  if (!argument || typeof argument !== 'object') return undefined;
  const node = argument as NodeLike;
  return node.ref || node.pem ? node : undefined;
}

export function refText(ref: ObjectRef): string {
  return `${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
