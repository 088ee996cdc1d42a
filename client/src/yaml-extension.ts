// Living next to Red Hat's YAML extension (redhat.vscode-yaml) without reporting a problem twice.
// See docs/red-hat-yaml.md for the reasoning. In short:
//   - Manifests whose every document is one Trustwright validates are claimed through Red Hat
//     YAML's schema-contributor API with a permissive schema, so Red Hat YAML does not validate
//     them again against a Kubernetes/CRD-catalog schema (and shows no second hover or completion).
//   - Red Hat YAML always reports YAML syntax errors; while it validates (`yaml.validate`), our
//     `yaml/syntax` diagnostics are dropped on the client so each syntax error is listed once.
// This file has no runtime dependency on the `vscode` module: the host is passed in, so the logic
// is unit-tested with fakes (test/client/yaml-extension.test.ts).
import type * as vscode from 'vscode';
import { classify } from '../../server/src/core/model/kinds';

export const RED_HAT_YAML_ID = 'redhat.vscode-yaml';
/** URI scheme under which our schema is contributed to Red Hat YAML. */
export const SCHEMA_SCHEME = 'trustwright';
export const CLAIM_SCHEMA_URI = `${SCHEMA_SCHEME}://schemas/validated-by-trustwright.json`;
/** Accepts every document: it only tells Red Hat YAML that another validator owns the file. */
export const CLAIM_SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: CLAIM_SCHEMA_URI,
  title: 'cert-manager / trust-manager manifest',
  description: 'Validated by Trustwright (schema, CEL rules and webhook checks); Red Hat YAML checks its YAML syntax only.',
});
/** Rule ids of findings Red Hat YAML reports itself whenever it validates a file. */
export const SHARED_RULES: ReadonlySet<string> = new Set(['yaml/syntax']);

/** What Red Hat YAML exports (its `schema-extension-api`); only the part we use. */
export interface RedHatYamlApi {
  registerContributor(
    schema: string,
    requestSchema: (resource: string) => string | undefined,
    requestSchemaContent: (uri: string) => string,
    label?: string,
  ): boolean;
}

export interface ExtensionLike {
  readonly isActive: boolean;
  readonly exports: unknown;
  activate(): Thenable<unknown>;
}

export interface CoexistenceHost {
  getExtension(id: string): ExtensionLike | undefined;
  /** Text of the open document with this URI string, if it is open. */
  textOf(resource: string): string | undefined;
  /** Red Hat YAML's `yaml.validate` for this resource (default true). */
  yamlValidate(resource: string): boolean;
  log(message: string): void;
}

type Code = string | number | { value: string | number } | undefined;

/** Top-level `apiVersion` and `kind` of each YAML document in `text` (documents split on `---`). */
export function documentHeaders(text: string): Array<{ apiVersion?: string; kind?: string }> {
  return text
    .split(/^---[^\S\r\n]*(?:#.*)?$/m)
    .filter((document) => document.split(/\r?\n/).some((line) => line.trim() !== '' && !line.trimStart().startsWith('#')))
    .map((document) => ({ apiVersion: topLevel(document, 'apiVersion'), kind: topLevel(document, 'kind') }));
}

function topLevel(document: string, key: string): string | undefined {
  const match = new RegExp(`^${key}:[^\\S\\r\\n]*(["']?)([^"'#\\s]+)\\1[^\\S\\r\\n]*(?:#.*)?$`, 'm').exec(document);
  return match?.[2];
}

/**
 * Whether Trustwright owns the whole file: at least one document, and every document one that the
 * engine validates or reports on (its kinds, including removed or misspelled apiVersions of them).
 * A file that mixes in other Kubernetes objects is left to Red Hat YAML's usual schemas.
 */
export function ownsDocument(text: string): boolean {
  const headers = documentHeaders(text);
  return headers.length > 0 && headers.every((h) => classify(h.apiVersion, h.kind).status !== 'other');
}

function codeOf(code: Code): string | undefined {
  if (code === undefined) return undefined;
  return String(typeof code === 'object' ? code.value : code);
}

export class RedHatYamlCoexistence<Uri extends { toString(): string }, Diagnostic extends { code?: Code }> {
  private registered = false;
  private readonly raw = new Map<string, { uri: Uri; diagnostics: Diagnostic[] }>();

  constructor(private readonly host: CoexistenceHost) {}

  /** Whether our schema claim is registered with Red Hat YAML. */
  get contributing(): boolean {
    return this.registered;
  }

  /** Registers the schema claim once Red Hat YAML is installed and enabled; safe to call again. */
  async connect(): Promise<boolean> {
    if (this.registered) return true;
    const extension = this.host.getExtension(RED_HAT_YAML_ID);
    if (!extension) return false;
    let api: unknown;
    try {
      api = extension.isActive ? extension.exports : await extension.activate();
      api ??= extension.exports;
    } catch (error) {
      this.host.log(`Red Hat YAML did not activate: ${(error as Error).message ?? error}`);
      return false;
    }
    if (this.registered) return true;
    if (!api || typeof (api as Partial<RedHatYamlApi>).registerContributor !== 'function') {
      this.host.log('Red Hat YAML exports no registerContributor: Trustwright manifests may be validated by both extensions');
      return false;
    }
    this.registered = (api as RedHatYamlApi).registerContributor(
      SCHEMA_SCHEME,
      (resource) => this.requestSchema(resource),
      (uri) => this.requestSchemaContent(uri),
      'Trustwright',
    ) !== false;
    if (this.registered) this.host.log('Red Hat YAML found: it checks YAML syntax, Trustwright validates cert-manager and trust-manager objects');
    return this.registered;
  }

  requestSchema(resource: string): string | undefined {
    const text = this.host.textOf(resource);
    return text !== undefined && ownsDocument(text) ? CLAIM_SCHEMA_URI : undefined;
  }

  requestSchemaContent(uri: string): string {
    return uri === CLAIM_SCHEMA_URI ? CLAIM_SCHEMA : '{}';
  }

  /** Whether Red Hat YAML is present and reports syntax errors for this resource. */
  redHatValidates(resource: string): boolean {
    return this.host.getExtension(RED_HAT_YAML_ID) !== undefined && this.host.yamlValidate(resource);
  }

  filter(resource: string, diagnostics: readonly Diagnostic[]): Diagnostic[] {
    if (!this.redHatValidates(resource)) return [...diagnostics];
    return diagnostics.filter((d) => !SHARED_RULES.has(codeOf(d.code) ?? ''));
  }

  /** vscode-languageclient `middleware.handleDiagnostics`. */
  handleDiagnostics(uri: Uri, diagnostics: Diagnostic[], next: (uri: Uri, diagnostics: Diagnostic[]) => void): void {
    const key = uri.toString();
    if (diagnostics.length === 0) this.raw.delete(key);
    else this.raw.set(key, { uri, diagnostics });
    next(uri, this.filter(key, diagnostics));
  }

  /** Re-applies the filter after Red Hat YAML was installed, removed or `yaml.validate` changed. */
  refresh(set: (uri: Uri, diagnostics: Diagnostic[]) => void): void {
    for (const [key, { uri, diagnostics }] of this.raw) set(uri, this.filter(key, diagnostics));
  }
}

/** The host backed by the real `vscode` API (passed in, so this file never imports it). */
export function vscodeHost(api: typeof vscode, output: vscode.OutputChannel): CoexistenceHost {
  return {
    getExtension: (id) => api.extensions.getExtension(id),
    textOf: (resource) => api.workspace.textDocuments.find((d) => d.uri.toString() === resource)?.getText(),
    yamlValidate: (resource) => api.workspace.getConfiguration('yaml', api.Uri.parse(resource)).get<boolean>('validate', true),
    log: (message) => output.appendLine(message),
  };
}
