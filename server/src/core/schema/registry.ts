// The generated schemas (npm run schemas), keyed by apiVersion and kind. esbuild inlines the JSON
// into the bundles, so a packaged extension reads nothing from disk.
import certificate from '../../../../schemas/cert-manager.io_v1_Certificate.json';
import certificateRequest from '../../../../schemas/cert-manager.io_v1_CertificateRequest.json';
import issuer from '../../../../schemas/cert-manager.io_v1_Issuer.json';
import clusterIssuer from '../../../../schemas/cert-manager.io_v1_ClusterIssuer.json';
import bundle from '../../../../schemas/trust.cert-manager.io_v1alpha1_Bundle.json';
import clusterBundle from '../../../../schemas/trust-manager.io_v1alpha2_ClusterBundle.json';
import ctbAlpha from '../../../../schemas/certificates.k8s.io_v1alpha1_ClusterTrustBundle.json';
import ctbBeta from '../../../../schemas/certificates.k8s.io_v1beta1_ClusterTrustBundle.json';

export interface SchemaNode {
  readonly description?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly pattern?: string;
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly 'x-kubernetes-validations'?: readonly CelRule[];
  readonly 'x-kubernetes-list-type'?: string;
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
}

export interface ObjectSchema extends SchemaNode {
  readonly $id: string;
  readonly 'x-trustwright': { group: string; version: string; kind: string; scope: string };
}

const ALL = [certificate, certificateRequest, issuer, clusterIssuer, bundle, clusterBundle, ctbAlpha, ctbBeta] as unknown as ObjectSchema[];

const BY_API = new Map(ALL.map((s) => [apiKey(`${s['x-trustwright'].group}/${s['x-trustwright'].version}`, s['x-trustwright'].kind), s]));

function apiKey(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

export function schemaFor(apiVersion: string, kind: string): ObjectSchema | undefined {
  return BY_API.get(apiKey(apiVersion, kind));
}

export function allSchemas(): readonly ObjectSchema[] {
  return ALL;
}

/** The schema at a field path, following properties, list items and map values. */
export function schemaAt(root: SchemaNode, path: readonly (string | number)[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === 'number') node = node.items;
    else node = node.properties?.[segment] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
  }
  return node;
}

export function typesOf(node: SchemaNode): readonly string[] {
  return node.type === undefined ? [] : typeof node.type === 'string' ? [node.type] : node.type;
}
