// Defensive readers over decoded YAML: a rule never trusts that the schema already held.
import type { JsonValue } from '../model/value';

export type JsonMap = { readonly [key: string]: JsonValue };

export function asMap(value: JsonValue | undefined): JsonMap | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

export function asList(value: JsonValue | undefined): readonly JsonValue[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export function asBool(value: JsonValue | undefined): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** Follows property names through nested maps. */
export function dig(value: JsonValue | undefined, ...names: string[]): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const name of names) {
    const map = asMap(current);
    if (!map) return undefined;
    current = map[name];
  }
  return current;
}

/** Set as Go sees it after decoding: present, not null, and not the zero value. */
export function isSet(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 0) return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

export function stringList(value: JsonValue | undefined): string[] {
  return asList(value).filter((v): v is string => typeof v === 'string');
}

/** The object's spec, or an empty map when it has none (the schema reports that). */
export function specOf(context: { readonly spec: JsonMap | undefined }): JsonMap {
  return context.spec ?? {};
}
