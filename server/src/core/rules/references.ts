// Following references between objects through the workspace index: a Certificate's issuerRef, the
// Secret a Certificate writes, the Certificates behind a Bundle source.
import type { RelatedLocation } from '../findings';
import type { IndexedObject, WorkspaceView } from '../workspace/index';
import { asMap, asString, type JsonMap } from './access';
import type { RuleContext } from './types';

export type IssuerType = 'acme' | 'ca' | 'selfSigned' | 'vault' | 'venafi';

export type IssuerResolution =
  | { readonly status: 'found'; readonly issuer: IndexedObject; readonly type?: IssuerType }
  /** Another API group: an external issuer the workspace cannot judge. */
  | { readonly status: 'external' }
  /** The workspace defines issuers of that kind, but not this one. */
  | { readonly status: 'missing'; readonly kind: 'Issuer' | 'ClusterIssuer'; readonly elsewhere: readonly IndexedObject[] }
  /** The workspace defines no issuer of that kind at all: it probably lives elsewhere. */
  | { readonly status: 'unknown' };

export function issuerTypeOf(issuer: { readonly value: JsonMap } | undefined): IssuerType | undefined {
  const spec = asMap(issuer?.value.spec);
  if (!spec) return undefined;
  return (['acme', 'ca', 'selfSigned', 'vault', 'venafi'] as const).find((t) => asMap(spec[t]) !== undefined);
}

/** Resolves spec.issuerRef of a Certificate or CertificateRequest in its namespace. */
export function resolveIssuer(context: Pick<RuleContext, 'spec' | 'object' | 'workspace'>): IssuerResolution {
  const ref = asMap(context.spec?.issuerRef);
  const name = asString(ref?.name);
  const group = asString(ref?.group) ?? 'cert-manager.io';
  if (!name) return { status: 'unknown' };
  if (group !== 'cert-manager.io' && group !== '') return { status: 'external' };
  // Any other kind (a typo such as `Issue`) names no issuer at all; certificate/issuer-ref reports it.
  const rawKind = asString(ref?.kind) ?? '';
  if (rawKind !== '' && rawKind !== 'Issuer' && rawKind !== 'ClusterIssuer') return { status: 'unknown' };
  const kind = rawKind === 'ClusterIssuer' ? 'ClusterIssuer' : 'Issuer';

  const namespace = context.object.namespace;
  const all = context.workspace.byKind(kind, 'cert-manager.io');
  if (all.length === 0) return { status: 'unknown' };
  const sameName = context.workspace.where(kind, 'cert-manager.io', 'name', name);
  const matching = kind === 'ClusterIssuer' ? sameName : sameName.filter((o) => namespace === undefined || o.namespace === undefined || o.namespace === namespace);
  if (matching.length > 0) return { status: 'found', issuer: matching[0], type: issuerTypeOf(matching[0]) };
  return { status: 'missing', kind, elsewhere: sameName };
}

/** Certificates (cert-manager.io) that write `secretName` in `namespace`. */
export function certificatesWriting(workspace: WorkspaceView, secretName: string, namespace?: string): IndexedObject[] {
  return workspace.where('Certificate', 'cert-manager.io', 'secretName', secretName).filter((c) => namespace === undefined || c.namespace === namespace);
}

export function relatedTo(object: IndexedObject, message: string): RelatedLocation {
  return { uri: object.uri, range: object.range, message };
}

export function describeObject(object: IndexedObject): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name ?? '(unnamed)'}`;
}
