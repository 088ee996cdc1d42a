// Structural schema validation (types, enums, required, patterns, lengths, formats, unknown fields,
// list-map keys) with Ajv over the generated schemas, plus the CRDs' CEL rules as an Ajv keyword, so
// one pass reports everything the API server reports before admission webhooks run.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { FieldPath, PathSegment } from '../model/path';
import { formatPath } from '../model/path';
import type { JsonValue } from '../model/value';
import { closest } from '../model/kinds';
import { evaluateRules } from './cel';
import { typesOf, type CelRule, type ObjectSchema, type SchemaNode } from './registry';
import { describeValue, goType, quote } from '../rules/k8s';

export type Anchor = 'key' | 'value' | 'missing';

export interface SchemaIssue {
  readonly rule: string;
  readonly path: FieldPath;
  readonly message: string;
  readonly anchor: Anchor;
  /** For unknown fields: a replacement key name when there is an obvious one. */
  readonly suggestion?: string;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true, messages: false });

ajv.addFormat('byte', { type: 'string', validate: isBase64 });
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) });
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) || Number.isInteger(n) });

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Go's base64.StdEncoding, which skips line breaks. */
export function isBase64(text: string): boolean {
  const compact = text.replace(/[\r\n]/g, '');
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
}

interface CelKeywordError {
  readonly rule: CelRule;
  readonly message: string;
}

ajv.addKeyword({
  keyword: 'x-kubernetes-validations',
  schemaType: 'array',
  errors: true,
  validate: function validateCel(rules: CelRule[], data: unknown): boolean {
    const failures = evaluateRules(rules, data);
    (validateCel as unknown as { errors: Partial<ErrorObject>[] }).errors = failures.map((f) => ({
      keyword: 'x-kubernetes-validations',
      params: { rule: f.rule, message: f.message } satisfies CelKeywordError,
    }));
    return failures.length === 0;
  },
});

ajv.addKeyword({
  keyword: 'x-kubernetes-list-map-keys',
  schemaType: 'array',
  errors: true,
  validate: function validateListMap(keys: string[], data: unknown): boolean {
    if (!Array.isArray(data)) return true;
    const seen = new Set<string>();
    const errors: Partial<ErrorObject>[] = [];
    data.forEach((item, index) => {
      if (!item || typeof item !== 'object') return;
      const identity: Record<string, unknown> = {};
      for (const key of keys) if (key in item) identity[key] = (item as Record<string, unknown>)[key];
      const id = JSON.stringify(identity);
      if (seen.has(id)) errors.push({ keyword: 'x-kubernetes-list-map-keys', params: { index, identity } });
      seen.add(id);
    });
    (validateListMap as unknown as { errors: Partial<ErrorObject>[] }).errors = errors;
    return errors.length === 0;
  },
});
ajv.addKeyword({ keyword: 'x-kubernetes-list-type' });
ajv.addKeyword({ keyword: 'x-kubernetes-preserve-unknown-fields' });
ajv.addKeyword({ keyword: 'x-trustwright' });

const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: ObjectSchema): ValidateFunction {
  let validate = compiled.get(schema.$id);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema.$id, validate);
  }
  return validate;
}

/** Warms the compiled validator for a schema (the Issuer schema takes a few hundred ms). */
export function prepare(schema: ObjectSchema): void {
  validatorFor(schema);
}

/**
 * Validates one object. `value` is the object as decoded from YAML; null fields that the schema
 * does not mark nullable are dropped first, as the API server prunes them.
 */
export function validateStructure(schema: ObjectSchema, value: JsonValue): SchemaIssue[] {
  const pruned = pruneNulls(value, schema);
  const validate = validatorFor(schema);
  if (validate(pruned)) return [];

  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const issue = toIssue(error, schema, pruned, value);
    if (!issue) continue;
    const key = `${issue.rule}|${formatPath(issue.path)}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

export function pruneNulls(value: JsonValue, schema: SchemaNode | undefined): JsonValue {
  if (Array.isArray(value)) return value.map((item) => pruneNulls(item, schema?.items));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, JsonValue> = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema =
      schema?.properties?.[key] ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (child === null && childSchema && !typesOf(childSchema).includes('null')) continue;
    out[key] = pruneNulls(child, childSchema);
  }
  return out;
}

/** JSON pointer from Ajv to a field path, using the schema to tell map keys from properties. */
function toPath(pointer: string, schema: SchemaNode, data: JsonValue): { path: PathSegment[]; node: SchemaNode | undefined; value: JsonValue | undefined } {
  const path: PathSegment[] = [];
  let node: SchemaNode | undefined = schema;
  let value: JsonValue | undefined = data;
  if (pointer === '') return { path, node, value };

  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      const index = Number(part);
      path.push(index);
      value = value[index];
      node = node?.items;
      continue;
    }
    if (node?.properties?.[part]) {
      path.push(part);
      node = node.properties[part];
    } else {
      path.push({ key: part });
      node = typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined;
    }
    value = value && typeof value === 'object' ? (value as Record<string, JsonValue>)[part] : undefined;
  }
  return { path, node, value };
}

function child(path: PathSegment[], node: SchemaNode | undefined, name: string): PathSegment[] {
  return [...path, node?.properties?.[name] ? name : { key: name }];
}

function toIssue(error: ErrorObject, schema: ObjectSchema, data: JsonValue, raw: JsonValue): SchemaIssue | undefined {
  const { path, node, value } = toPath(error.instancePath, schema, data);
  const p = formatPath(path);
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case 'required': {
      const missing = params.missingProperty as string;
      const at = child(path, node, missing);
      return { rule: 'schema/required', path: at, anchor: 'missing', message: `${formatPath(at)}: Required value` };
    }
    case 'additionalProperties': {
      const unknown = params.additionalProperty as string;
      const at = [...path, unknown];
      const { hint, suggestion } = didYouMean(schema, path, node, unknown, raw);
      return {
        rule: 'schema/unknown-field',
        path: at,
        anchor: 'key',
        suggestion,
        message: `unknown field "${formatPath(at)}"${hint ? `; ${hint}` : ''}`,
      };
    }
    case 'type': {
      const expected = String(params.type).split(',').filter((t) => t !== 'null').join(' or ');
      const actual = goType(value);
      return {
        rule: 'schema/type',
        path,
        anchor: 'value',
        message: `${p}: Invalid value: "${actual}": ${p} in body must be of type ${expected}: "${actual}"`,
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => quote(v)).join(', ');
      return { rule: 'schema/enum', path, anchor: 'value', message: `${p}: Unsupported value: ${quote(value)}: supported values: ${allowed}` };
    }
    case 'pattern':
      return {
        rule: 'schema/pattern',
        path,
        anchor: 'value',
        message: `${p}: Invalid value: ${quote(value)}: ${p} in body should match '${params.pattern}'`,
      };
    case 'format':
      return {
        rule: 'schema/format',
        path,
        anchor: 'value',
        message: `${p}: Invalid value: ${quote(value)}: ${p} in body must be of type ${params.format}: ${quote(value)}`,
      };
    case 'minLength':
      return {
        rule: 'schema/length',
        path,
        anchor: 'value',
        message: `${p}: Invalid value: ${quote(value)}: ${p} in body should be at least ${params.limit} chars long`,
      };
    case 'maxLength':
      return { rule: 'schema/length', path, anchor: 'value', message: `${p}: Too long: may not be more than ${params.limit} bytes` };
    case 'minItems':
      return {
        rule: 'schema/length',
        path,
        anchor: 'value',
        message: `${p}: Invalid value: ${describeValue(value)}: ${p} in body should have at least ${params.limit} items`,
      };
    case 'maxItems':
      return {
        rule: 'schema/length',
        path,
        anchor: 'value',
        message: `${p}: Too many: ${Array.isArray(value) ? value.length : '?'}: must have at most ${params.limit} items`,
      };
    case 'minProperties':
      return {
        rule: 'schema/length',
        path,
        anchor: 'value',
        message: `${p}: Invalid value: ${value && typeof value === 'object' ? Object.keys(value).length : 0}: ${p} in body should have at least ${params.limit} properties`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = {
        minimum: 'greater than or equal to',
        maximum: 'less than or equal to',
        exclusiveMinimum: 'greater than',
        exclusiveMaximum: 'less than',
      };
      return {
        rule: 'schema/range',
        path,
        anchor: 'value',
        message: `${p}: Invalid value: ${describeValue(value)}: ${p} in body should be ${words[error.keyword]} ${params.limit}`,
      };
    }
    case 'x-kubernetes-list-map-keys': {
      const at = [...path, params.index as number];
      return {
        rule: 'schema/duplicate',
        path: at,
        anchor: 'value',
        message: `${formatPath(at)}: Duplicate value: ${JSON.stringify(params.identity)}`,
      };
    }
    case 'x-kubernetes-validations': {
      const { rule, message } = params as unknown as CelKeywordError;
      const at = rule.fieldPath ? [...path, ...celFieldPath(rule.fieldPath)] : path;
      const type = rule.reason === 'FieldValueForbidden' ? 'Forbidden' : rule.reason === 'FieldValueRequired' ? 'Required value' : 'Invalid value';
      return { rule: 'cel/validation', path: at, anchor: rule.fieldPath ? 'key' : 'value', message: `${formatPath(at)}: ${type}: ${message}` };
    }
    default:
      return undefined;
  }
}

/** `.password`, `.data['key']`, `.items[1]` (the forms CRD fieldPath uses) to segments. */
function celFieldPath(fieldPath: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const match of fieldPath.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['([^']*)'\]/g)) {
    if (match[1]) segments.push(match[1]);
    else if (match[2]) segments.push(Number(match[2]));
    else segments.push({ key: match[3] });
  }
  return segments;
}

/**
 * Fields that moved between API versions, keyed by `Kind:path`. The right-hand side says where the
 * value lives now; these are the renames users hit when copying old examples.
 */
const MOVED_FIELDS: Readonly<Record<string, string>> = {
  'Certificate:spec.organization': 'it is now spec.subject.organizations',
  'Certificate:spec.keyAlgorithm': 'it is now spec.privateKey.algorithm',
  'Certificate:spec.keySize': 'it is now spec.privateKey.size',
  'Certificate:spec.keyEncoding': 'it is now spec.privateKey.encoding',
  'Certificate:spec.uriSANs': 'it is now spec.uris',
  'Certificate:spec.emailSANs': 'it is now spec.emailAddresses',
  'Certificate:spec.acme': 'ACME solvers are configured on the Issuer (spec.acme.solvers), not on the Certificate',
  'Issuer:spec.acme.http01': 'solvers are listed under spec.acme.solvers[].http01',
  'Issuer:spec.acme.dns01': 'solvers are listed under spec.acme.solvers[].dns01',
  'ClusterIssuer:spec.acme.http01': 'solvers are listed under spec.acme.solvers[].http01',
  'ClusterIssuer:spec.acme.dns01': 'solvers are listed under spec.acme.solvers[].dns01',
  'ClusterBundle:spec.sources': 'ClusterBundle uses spec.sourceRefs (ConfigMap/Secret), spec.inLineCAs and spec.defaultCAs',
  'ClusterBundle:spec.includeDefaultCAs': 'it is now spec.defaultCAs.provider: System',
  'ClusterBundle:spec.trustBundle': 'inline PEM goes in spec.inLineCAs',
};

function didYouMean(
  schema: ObjectSchema,
  parentPath: PathSegment[],
  parent: SchemaNode | undefined,
  unknown: string,
  raw: JsonValue,
): { hint?: string; suggestion?: string } {
  const kind = schema['x-trustwright'].kind;
  const moved = MOVED_FIELDS[`${kind}:${formatPath([...parentPath, unknown])}`];
  if (moved) return { hint: moved };

  const names = Object.keys(parent?.properties ?? {});
  const near = closest(unknown, names);
  if (near) return { hint: `did you mean "${near}"?`, suggestion: near };

  // A key written at its parent's indentation: `webhook:` beside an empty `dns01:`.
  const siblings = objectAt(raw, parentPath);
  for (const name of names) {
    if (siblings && siblings[name] === null && parent?.properties?.[name]?.properties?.[unknown]) {
      return { hint: `"${name}" is empty and "${unknown}" belongs under it; indent "${unknown}" one level under "${name}"` };
    }
  }
  return {};
}

function objectAt(raw: JsonValue, path: PathSegment[]): Record<string, JsonValue> | undefined {
  let value: JsonValue | undefined = raw;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    const name = typeof segment === 'object' ? segment.key : segment;
    value = Array.isArray(value) ? value[name as number] : (value as Record<string, JsonValue>)[name as string];
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
