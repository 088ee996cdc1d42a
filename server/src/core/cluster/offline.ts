// The cluster as saved to disk, for clusters one cannot reach: `kubectl get … -o yaml` (or json)
// output (a `List`), a folder of manifests, or a support dump such as an OpenShift must-gather
// (`namespaces/<ns>/<group>/<resource>.yaml`, `cluster-scoped-resources/…`, one object or one List
// per file). Every YAML and JSON file under the path is read; objects are sorted into the kinds the
// views show by apiVersion and kind, whatever the file is called. Secrets keep only their
// certificates, exactly as when read from the API server.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ClusterFault } from './faults';
import { RESOURCE_KEYS, RESOURCES, sanitizeSecret, type KubeObject, type ResourceKey } from './resources';

export interface OfflineData {
  readonly path: string;
  readonly name: string;
  readonly objects: Readonly<Record<ResourceKey, KubeObject[]>>;
  /** ConfigMaps holding PEM certificates (what trust-manager writes into each namespace). */
  readonly configMaps: readonly KubeObject[];
  /** Opaque or other Secrets with certificates under some key (Bundle sources), certificates only. */
  readonly otherSecrets: readonly KubeObject[];
  readonly files: number;
  /** Files that could not be read, with the reason. */
  readonly skipped: readonly string[];
  /** No Namespace object was found: the namespaces are those named by objects, labels unknown. */
  readonly namespacesDerived: boolean;
}

const MAX_FILES = 50_000;
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

function kindKey(apiVersion: unknown, kind: unknown, type: unknown): ResourceKey | 'configmap' | 'secret' | undefined {
  const group = typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (group === '' && kind === 'Secret') return type === 'kubernetes.io/tls' ? 'tlsSecrets' : 'secret';
  if (group === '' && kind === 'ConfigMap') return 'configmap';
  return RESOURCE_KEYS.find((key) => RESOURCES[key].group === group && RESOURCES[key].kind === kind && key !== 'tlsSecrets');
}

function files(root: string, out: string[]): void {
  const stat = statSync(root);
  if (stat.isFile()) {
    out.push(root);
    return;
  }
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (out.length >= MAX_FILES) return;
    const path = join(root, entry.name);
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) files(path, out);
    else if (entry.isFile() && /\.(ya?ml|json)$/i.test(entry.name)) out.push(path);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file's text; a binary file (invalid UTF-8, or NUL bytes) is refused, since YAML would read most
 * of them as one plain string and the file would vanish without a word.
 */
function readText(file: string): string {
  let text: string;
  try {
    text = UTF8.decode(readFileSync(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') throw new Error('a binary file, not YAML or JSON (not UTF-8 text)');
    throw error;
  }
  if (text.includes('\0')) throw new Error('a binary file, not YAML or JSON (NUL bytes)');
  return text;
}

/** Objects in one file: documents, and the items of any `List` or `*List` among them. */
function objectsIn(text: string, json: boolean): unknown[] {
  const values: unknown[] = json ? [JSON.parse(text)] : parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(d.errors[0].message.split('\n')[0]);
    return d.toJS({ maxAliasCount: 100 });
  });
  const out: unknown[] = [];
  const expand = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    const object = value as { kind?: unknown; items?: unknown };
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) object.items.forEach(expand);
    else out.push(value);
  };
  values.forEach(expand);
  return out;
}

export function readOfflineSource(path: string): OfflineData {
  let list: string[] = [];
  try {
    files(path, list);
  } catch (error) {
    throw new ClusterFault('config', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  list = list.slice(0, MAX_FILES);
  const objects = Object.fromEntries(RESOURCE_KEYS.map((k) => [k, [] as KubeObject[]])) as Record<ResourceKey, KubeObject[]>;
  const configMaps: KubeObject[] = [];
  const otherSecrets: KubeObject[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();

  for (const file of list) {
    let text: string;
    try {
      if (statSync(file).size > MAX_FILE_BYTES) {
        skipped.push(`${file}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
        continue;
      }
      text = readText(file);
    } catch (error) {
      skipped.push(`${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      continue;
    }
    let found: unknown[];
    try {
      found = objectsIn(text, /\.json$/i.test(file));
    } catch (error) {
      skipped.push(`${file}: not YAML or JSON (${(error as Error).message})`);
      continue;
    }
    for (const raw of found) {
      const object = raw as KubeObject;
      if (!object.metadata || typeof object.metadata.name !== 'string') continue;
      const key = kindKey(object.apiVersion, object.kind, object.type);
      if (!key) continue;
      // The same object can sit in a List and in a file of its own (must-gather does both).
      const identity = `${key}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
      const { managedFields: _dropped, ...metadata } = object.metadata as KubeObject['metadata'] & { managedFields?: unknown };
      const clean = { ...object, metadata } as KubeObject;
      if (key === 'configmap') {
        if (Object.values(clean.data ?? {}).some((v) => typeof v === 'string' && v.includes(PEM_CERTIFICATE))) configMaps.push(clean);
      } else if (key === 'secret') {
        otherSecrets.push(sanitizeSecret(clean));
      } else {
        objects[key].push(key === 'tlsSecrets' ? sanitizeSecret(clean) : clean);
      }
    }
  }

  // Without Namespace objects, the namespaces are those the objects live in (labels unknown).
  let namespacesDerived = false;
  if (objects.namespaces.length === 0) {
    const named = new Set<string>();
    for (const key of RESOURCE_KEYS) for (const o of objects[key]) if (o.metadata.namespace) named.add(o.metadata.namespace);
    for (const o of configMaps) if (o.metadata.namespace) named.add(o.metadata.namespace);
    objects.namespaces = [...named].sort().map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
    namespacesDerived = named.size > 0;
  }
  return { path, name: basename(path), objects, configMaps, otherSecrets, files: list.length, skipped, namespacesDerived };
}
