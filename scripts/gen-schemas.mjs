#!/usr/bin/env node
// Generates schemas/*.json from the upstream CRDs in crds/ (and a hand-written schema for the
// built-in ClusterTrustBundle). The output is plain JSON Schema (draft-07) that keeps the
// Kubernetes extensions our validator needs (x-kubernetes-validations, list types), so the same
// files serve our engine and any JSON-schema-aware editor.
//
//   node scripts/gen-schemas.mjs            write schemas/
//   node scripts/gen-schemas.mjs --check    exit 1 when schemas/ is not what the CRDs produce
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const crdDir = join(root, 'crds');
const outDir = join(root, 'schemas');

// Keywords that carry meaning for validation, completion or hover. Everything else in the CRD
// (printer columns, x-kubernetes-map-type, list-type atomic) is dropped to keep the files small.
const KEPT = new Set([
  'description', 'type', 'properties', 'additionalProperties', 'items', 'required', 'enum',
  'pattern', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'format', 'default',
  'x-kubernetes-validations', 'x-kubernetes-list-map-keys', 'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
]);

function convert(node) {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;

  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (!KEPT.has(key)) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = convert(value);
    } else if (key === 'x-kubernetes-list-type' && value === 'atomic') {
      continue;
    } else {
      out[key] = value;
    }
  }

  if (node['x-kubernetes-int-or-string']) {
    out.type = ['integer', 'string'];
  }
  if (node.nullable === true && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
  }
  // A structural schema with declared properties rejects (strict validation) or prunes anything
  // else, unless the CRD explicitly preserves unknown fields.
  if (out.properties && out.additionalProperties === undefined && !node['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

// metav1.ObjectMeta as a user writes it. The CRDs only say `metadata: {type: object}`; the API
// server validates the fields itself (names, labels) and strict field validation reports unknown
// keys, so the fields are spelled out here.
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const objectMeta = {
  type: 'object',
  description: 'Standard object metadata: name, namespace, labels and annotations.',
  properties: {
    name: { type: 'string', description: 'Name of the object, unique within its kind (and namespace, for namespaced kinds).' },
    generateName: { type: 'string', description: 'Prefix from which the API server generates a unique name when `name` is not set.' },
    namespace: { type: 'string', description: 'Namespace of the object. Ignored for cluster-scoped kinds.' },
    labels: { ...stringMap, description: 'Key/value pairs used to select and organise objects.' },
    annotations: { ...stringMap, description: 'Arbitrary non-identifying key/value metadata.' },
    finalizers: { type: 'array', items: { type: 'string' }, description: 'Finalizers that must be removed before the object is deleted.' },
    ownerReferences: { type: 'array', items: { type: 'object' }, description: 'Objects this object depends on.' },
    uid: { type: 'string', description: 'Set by the server.' },
    resourceVersion: { type: 'string', description: 'Set by the server.' },
    generation: { type: 'integer', description: 'Set by the server.' },
    creationTimestamp: { type: ['string', 'null'], description: 'Set by the server.' },
    deletionTimestamp: { type: ['string', 'null'], description: 'Set by the server.' },
    deletionGracePeriodSeconds: { type: 'integer', description: 'Set by the server.' },
    managedFields: { type: 'array', items: { type: 'object' }, description: 'Set by the server (server-side apply).' },
    selfLink: { type: 'string', description: 'Deprecated; set by the server.' },
  },
  additionalProperties: false,
};

// certificates.k8s.io ClusterTrustBundle is built into Kubernetes; its shape (two string fields,
// trustBundle required) comes from the Kubernetes API reference. Its content rules (PEM, signer
// name prefix) live in the engine's rules.
const clusterTrustBundleSpec = {
  type: 'object',
  description: 'The signer this bundle belongs to, if any, and its trust anchors.',
  properties: {
    signerName: {
      type: 'string',
      description:
        'Signer the bundle is associated with. When set, the object name must start with the signer name with `/` turned into `:` followed by `:` (signer `example.com/foo` → `example.com:foo:v1`); when empty, the name must not contain `:`.',
    },
    trustBundle: {
      type: 'string',
      description:
        'PEM certificates (CA certificates only, no PEM headers, no duplicates) that clients should trust.',
    },
  },
  required: ['trustBundle'],
  additionalProperties: false,
};

function objectSchema({ group, version, kind, scope, spec, status, description, required }) {
  const apiVersion = `${group}/${version}`;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://trustwright.dev/schemas/${group}/${version}/${kind}.json`,
    title: `${kind} (${apiVersion})`,
    description,
    type: 'object',
    'x-trustwright': { group, version, kind, scope },
    properties: {
      apiVersion: { type: 'string', enum: [apiVersion], description: `Always \`${apiVersion}\`.` },
      kind: { type: 'string', enum: [kind], description: `Always \`${kind}\`.` },
      metadata: objectMeta,
      ...(spec ? { spec } : {}),
      ...(status ? { status } : {}),
    },
    required: ['apiVersion', 'kind', ...(required ?? [])],
    additionalProperties: false,
  };
}

function fromCrd(crd) {
  const { group, names, scope } = crd.spec;
  return crd.spec.versions
    .filter((v) => v.served)
    .map((v) => {
      const top = v.schema.openAPIV3Schema;
      const converted = convert(top);
      return objectSchema({
        group,
        version: v.name,
        kind: names.kind,
        scope,
        description: top.description,
        spec: converted.properties?.spec,
        status: converted.properties?.status,
        required: (top.required ?? []).filter((r) => r !== 'apiVersion' && r !== 'kind'),
      });
    });
}

export function generate() {
  const schemas = [];
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(crdDir, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind === 'CustomResourceDefinition') schemas.push(...fromCrd(crd));
    }
  }
  for (const version of ['v1alpha1', 'v1beta1']) {
    schemas.push(
      objectSchema({
        group: 'certificates.k8s.io',
        version,
        kind: 'ClusterTrustBundle',
        scope: 'Cluster',
        description: 'A cluster-scoped set of X.509 trust anchors (CA certificates), built into Kubernetes.',
        spec: clusterTrustBundleSpec,
        required: ['spec'],
      }),
    );
  }
  const files = new Map();
  for (const s of schemas) {
    const { group, version, kind } = s['x-trustwright'];
    files.set(`${group}_${version}_${kind}.json`, JSON.stringify(s, null, 1) + '\n');
  }
  return files;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const check = process.argv.includes('--check');
  const files = generate();
  let stale = 0;
  if (!check) mkdirSync(outDir, { recursive: true });
  for (const [name, text] of files) {
    const path = join(outDir, name);
    if (check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
        console.error(`stale: schemas/${name}`);
        stale++;
      }
    } else {
      writeFileSync(path, text);
    }
  }
  if (check && stale) {
    console.error('run `npm run schemas` to regenerate');
    process.exit(1);
  }
  console.log(`${check ? 'checked' : 'wrote'} ${files.size} schemas in schemas/`);
}
