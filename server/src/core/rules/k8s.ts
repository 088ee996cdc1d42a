// Kubernetes' field-error wording (k8s.io/apimachinery field.Error) and the name validators the API
// server and the webhooks share, so our messages read exactly like the cluster's.

/** How apimachinery prints a value inside "Invalid value: …": strings quoted, numbers bare. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return String(value.length);
  return quote(value);
}

/** The JSON type name the API server reports in type errors. */
export function goType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

export const fieldError = {
  required: (path: string, detail?: string) => `${path}: Required value${detail ? `: ${detail}` : ''}`,
  invalid: (path: string, value: unknown, detail: string) => `${path}: Invalid value: ${quote(value)}: ${detail}`,
  /** For values apimachinery prints through String() (durations): no quotes. */
  invalidRaw: (path: string, value: string, detail: string) => `${path}: Invalid value: ${value}: ${detail}`,
  forbidden: (path: string, detail: string) => `${path}: Forbidden: ${detail}`,
  notSupported: (path: string, value: unknown, valid: readonly string[]) =>
    `${path}: Unsupported value: ${quote(value)}: supported values: ${valid.map((v) => quote(v)).join(', ')}`,
  duplicate: (path: string, value: unknown) => `${path}: Duplicate value: ${quote(value)}`,
  tooLong: (path: string, max: number) => `${path}: Too long: may not be more than ${max} bytes`,
  tooMany: (path: string, actual: number, max: number) => `${path}: Too many: ${actual}: must have at most ${max} items`,
};

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Returns the problems apimachinery's IsDNS1123Subdomain reports (empty when valid). */
export function dns1123Subdomain(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 253) errors.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) errors.push(SUBDOMAIN_MSG);
  return errors;
}

export function dns1123Label(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(value)) errors.push(LABEL_MSG);
  return errors;
}

/** Label and annotation keys: an optional DNS-subdomain prefix, a slash, a 63-character name. */
export function qualifiedName(value: string): string[] {
  const errors: string[] = [];
  const parts = value.split('/');
  let name = value;
  if (parts.length === 2) {
    const [prefix, rest] = parts;
    name = rest;
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else errors.push(...dns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else if (parts.length > 2) {
    return [
      `a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME.test(name)) errors.push(QUALIFIED_MSG);
  return errors;
}

export function labelValue(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) errors.push(LABEL_VALUE_MSG);
  return errors;
}
