// An object as read-only YAML, as `kubectl get -o yaml` shows it (without managedFields, which are
// never kept). A Secret shows only the certificate keys: the rest was never stored.
import { stringify } from 'yaml';
import { RESOURCES, type KubeObject, type ResourceKey } from './resources';

export function objectYaml(object: KubeObject, resource: ResourceKey, where: string): string {
  const type = RESOURCES[resource];
  const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
  const { apiVersion: _a, kind: _k, ...rest } = object;
  const header = [
    `# ${type.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}, ${where}; read-only`,
    `# resourceVersion ${object.metadata.resourceVersion ?? 'unknown'}`,
  ];
  if (resource === 'tlsSecrets') header.push('# data: tls.crt and ca.crt only; every other key (the private key included) was dropped as the response was read');
  return `${header.join('\n')}\n${stringify({ apiVersion: object.apiVersion ?? apiVersion, kind: object.kind ?? type.kind, ...rest }, { lineWidth: 0 })}`;
}
