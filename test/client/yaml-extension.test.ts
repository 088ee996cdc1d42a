// Red Hat YAML coexistence (client/src/yaml-extension.ts) against fake extension objects.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLAIM_SCHEMA,
  CLAIM_SCHEMA_URI,
  documentHeaders,
  ownsDocument,
  RED_HAT_YAML_ID,
  RedHatYamlCoexistence,
  SCHEMA_SCHEME,
  type CoexistenceHost,
  type ExtensionLike,
  type RedHatYamlApi,
} from '../../client/src/yaml-extension';

const CERTIFICATE = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\nspec:\n  secretName: web-tls\n';
const BUNDLE = 'apiVersion: trust.cert-manager.io/v1alpha1\nkind: Bundle\nmetadata:\n  name: ca\n';
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n';

interface Registration {
  schema: string;
  requestSchema: (resource: string) => string | undefined;
  requestSchemaContent: (uri: string) => string;
  label?: string;
}

function fakeRedHat(options: { active?: boolean; exports?: unknown; failActivation?: boolean } = {}) {
  const registrations: Registration[] = [];
  let activations = 0;
  const api: RedHatYamlApi = {
    registerContributor(schema, requestSchema, requestSchemaContent, label) {
      registrations.push({ schema, requestSchema, requestSchemaContent, label });
      return true;
    },
  };
  const exports = 'exports' in options ? options.exports : api;
  const extension = {
    isActive: options.active ?? false,
    exports: options.active ? exports : undefined,
    activate(): Thenable<unknown> {
      activations++;
      if (options.failActivation) return Promise.reject(new Error('boom'));
      extension.isActive = true;
      extension.exports = exports;
      return Promise.resolve(exports);
    },
  };
  return { extension, registrations, activations: () => activations };
}

function fakeHost(options: { extension?: ExtensionLike; documents?: Record<string, string>; validate?: boolean } = {}) {
  const logs: string[] = [];
  const state = { extension: options.extension, validate: options.validate ?? true };
  const host: CoexistenceHost = {
    getExtension: (id) => (id === RED_HAT_YAML_ID ? state.extension : undefined),
    textOf: (resource) => options.documents?.[resource],
    yamlValidate: () => state.validate,
    log: (message) => logs.push(message),
  };
  return { host, logs, state };
}

type FakeDiagnostic = { code?: string | number | { value: string | number }; message: string };
const uri = (value: string) => ({ toString: () => value });

describe('which files Trustwright claims from Red Hat YAML', () => {
  it('reads the top-level apiVersion and kind of each document', () => {
    assert.deepEqual(documentHeaders(`# header\n---\n${CERTIFICATE}---\n${BUNDLE}`), [
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate' },
      { apiVersion: 'trust.cert-manager.io/v1alpha1', kind: 'Bundle' },
    ]);
    assert.deepEqual(documentHeaders('apiVersion: "cert-manager.io/v1"  # quoted\nkind: \'Issuer\'\nspec:\n  kind: Deployment\n'), [
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer' },
    ]);
  });

  it('claims files made only of kinds it validates, including removed apiVersions of them', () => {
    assert.equal(ownsDocument(CERTIFICATE), true);
    assert.equal(ownsDocument(`${CERTIFICATE}---\n${BUNDLE}---\n`), true);
    assert.equal(ownsDocument('apiVersion: certmanager.k8s.io/v1alpha1\nkind: Certificate\n'), true);
    assert.equal(ownsDocument('apiVersion: certificates.k8s.io/v1beta1\nkind: ClusterTrustBundle\n'), true);
  });

  it('leaves other files, mixed files and empty files to Red Hat YAML', () => {
    assert.equal(ownsDocument(DEPLOYMENT), false);
    assert.equal(ownsDocument(`${DEPLOYMENT}---\n${CERTIFICATE}`), false);
    assert.equal(ownsDocument(''), false);
    assert.equal(ownsDocument('# only a comment\n'), false);
    // A Flux Kustomization that mentions a ClusterIssuer below the top level is not ours.
    assert.equal(ownsDocument('apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  healthChecks:\n    - apiVersion: cert-manager.io/v1\n      kind: ClusterIssuer\n'), false);
    // A Helm template whose apiVersion is an expression: unknown, so not claimed.
    assert.equal(ownsDocument('apiVersion: {{ .Values.apiVersion }}\nkind: Certificate\n'), false);
  });
});

describe('registering with Red Hat YAML', () => {
  it('does nothing when Red Hat YAML is not installed', async () => {
    const { host } = fakeHost();
    const coexistence = new RedHatYamlCoexistence(host);
    assert.equal(await coexistence.connect(), false);
    assert.equal(coexistence.contributing, false);
  });

  it('activates it if needed and registers one contributor, once', async () => {
    const redHat = fakeRedHat();
    const { host, logs } = fakeHost({ extension: redHat.extension });
    const coexistence = new RedHatYamlCoexistence(host);
    assert.equal(await coexistence.connect(), true);
    assert.equal(await coexistence.connect(), true);
    assert.equal(redHat.activations(), 1);
    assert.equal(redHat.registrations.length, 1);
    assert.equal(redHat.registrations[0].schema, SCHEMA_SCHEME);
    assert.equal(redHat.registrations[0].label, 'Trustwright');
    assert.match(logs.join('\n'), /Red Hat YAML found/);
  });

  it('uses the exports of an already active extension without activating it again', async () => {
    const redHat = fakeRedHat({ active: true });
    const coexistence = new RedHatYamlCoexistence(fakeHost({ extension: redHat.extension }).host);
    assert.equal(await coexistence.connect(), true);
    assert.equal(redHat.activations(), 0);
    assert.equal(redHat.registrations.length, 1);
  });

  it('says so when Red Hat YAML has no contributor API or fails to activate', async () => {
    const old = fakeHost({ extension: fakeRedHat({ exports: {} }).extension });
    assert.equal(await new RedHatYamlCoexistence(old.host).connect(), false);
    assert.match(old.logs.join('\n'), /exports no registerContributor/);

    const broken = fakeHost({ extension: fakeRedHat({ failActivation: true }).extension });
    assert.equal(await new RedHatYamlCoexistence(broken.host).connect(), false);
    assert.match(broken.logs.join('\n'), /did not activate: boom/);
  });

  it('answers schema requests with the permissive claim schema for our files only', async () => {
    const redHat = fakeRedHat();
    const documents = { 'file:///w/cert.yaml': CERTIFICATE, 'file:///w/deploy.yaml': DEPLOYMENT };
    await new RedHatYamlCoexistence(fakeHost({ extension: redHat.extension, documents }).host).connect();
    const [registration] = redHat.registrations;
    assert.equal(registration.requestSchema('file:///w/cert.yaml'), CLAIM_SCHEMA_URI);
    assert.equal(registration.requestSchema('file:///w/deploy.yaml'), undefined);
    assert.equal(registration.requestSchema('file:///w/not-open.yaml'), undefined);
    assert.ok(CLAIM_SCHEMA_URI.startsWith(`${SCHEMA_SCHEME}://`));

    const schema = JSON.parse(registration.requestSchemaContent(CLAIM_SCHEMA_URI));
    assert.equal(schema, JSON.parse(CLAIM_SCHEMA) && schema);
    // Nothing in it can fail validation or offer completions/hovers of its own.
    for (const keyword of ['type', 'properties', 'required', 'additionalProperties', 'enum', 'allOf', 'anyOf', 'oneOf', 'if', 'not', '$ref']) {
      assert.ok(!(keyword in schema), `claim schema has no ${keyword}`);
    }
  });
});

describe('dropping findings Red Hat YAML reports itself', () => {
  const diagnostics: FakeDiagnostic[] = [
    { code: 'yaml/syntax', message: 'tabs are not allowed as indentation' },
    { code: { value: 'yaml/syntax' }, message: 'implicit keys need to be on a single line' },
    { code: 'certificate/duration', message: 'certificate duration must be greater than 1h0m0s' },
    { message: 'no code' },
  ];

  it('keeps everything when Red Hat YAML is absent', () => {
    const coexistence = new RedHatYamlCoexistence<{ toString(): string }, FakeDiagnostic>(fakeHost().host);
    assert.equal(coexistence.filter('file:///w/a.yaml', diagnostics).length, 4);
  });

  it('drops yaml/syntax, and only that, while Red Hat YAML validates', () => {
    const coexistence = new RedHatYamlCoexistence<{ toString(): string }, FakeDiagnostic>(fakeHost({ extension: fakeRedHat().extension }).host);
    assert.deepEqual(
      coexistence.filter('file:///w/a.yaml', diagnostics).map((d) => d.message),
      ['certificate duration must be greater than 1h0m0s', 'no code'],
    );
  });

  it('keeps yaml/syntax when yaml.validate is off', () => {
    const coexistence = new RedHatYamlCoexistence<{ toString(): string }, FakeDiagnostic>(
      fakeHost({ extension: fakeRedHat().extension, validate: false }).host,
    );
    assert.equal(coexistence.filter('file:///w/a.yaml', diagnostics).length, 4);
  });

  it('filters in the diagnostics middleware and re-filters when the situation changes', () => {
    const { host, state } = fakeHost();
    const coexistence = new RedHatYamlCoexistence<{ toString(): string }, FakeDiagnostic>(host);
    const shown = new Map<string, string[]>();
    const show = (u: { toString(): string }, d: FakeDiagnostic[]) => shown.set(u.toString(), d.map((x) => x.message));

    coexistence.handleDiagnostics(uri('file:///w/a.yaml'), diagnostics, show);
    assert.equal(shown.get('file:///w/a.yaml')?.length, 4);

    state.extension = fakeRedHat().extension; // Red Hat YAML installed while the file is open
    coexistence.refresh(show);
    assert.equal(shown.get('file:///w/a.yaml')?.length, 2);

    state.validate = false; // user turned yaml.validate off
    coexistence.refresh(show);
    assert.equal(shown.get('file:///w/a.yaml')?.length, 4);

    // A file whose findings were cleared is not re-shown with stale ones.
    coexistence.handleDiagnostics(uri('file:///w/a.yaml'), [], show);
    shown.clear();
    coexistence.refresh(show);
    assert.equal(shown.size, 0);
  });
});
