// Scaffolded zero-trust manifests: byte for byte against golden files, linted clean by the CLI's
// multi-file lint (with the .trustwright.yaml a layout with its own trust namespace writes), and read back into the
// objects the layout asks for, with the expected trust computed here from the connections.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { collectFiles } from '../../../server/src/cli/collect';
import { LINTED_FILE, lintFiles } from '../../../server/src/cli/lint';
import { lintScaffold } from '../../../server/src/core/scaffold/check';
import { parseLayoutText, resolveLayout, type Layout, type LayoutInput } from '../../../server/src/core/scaffold/layout';
import { scaffoldMtls, type ScaffoldFile } from '../../../server/src/core/scaffold/mtls';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'scaffold');
const CASES = readdirSync(FIXTURES).filter((name) => statSync(join(FIXTURES, name)).isDirectory()).sort();

function layoutOf(input: LayoutInput): Layout {
  const { layout, problems } = resolveLayout(input);
  assert.ok(layout, problems.join('\n'));
  return layout;
}

function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/** The CLI's own multi-file lint over the files written to a folder: every finding, any severity. */
function lintWritten(layout: Layout, files: readonly ScaffoldFile[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'trustwright-scaffold-'));
  try {
    for (const file of files) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.text);
    }
    // No configuration of the test's own: a layout with its own trust namespace writes .trustwright.yaml.
    const collected = collectFiles([dir], LINTED_FILE);
    assert.deepEqual(collected.problems, []);
    const results = lintFiles(collected.files, { readStdin: () => '', warn: (message) => assert.fail(message), problem: (message) => assert.fail(message) });
    assert.equal(results.filter((r) => !r.path.endsWith('.trustwright.yaml')).length, files.filter((f) => f.path !== '.trustwright.yaml').length);
    return results.flatMap((r) => r.findings.map((f) => `${relative(dir, r.path)}:${f.range.start.line + 1}: ${f.rule}: ${f.message}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, any>;
}

function objectsOf(files: readonly ScaffoldFile[]): (K8sObject & { file: string })[] {
  return files.flatMap((file) =>
    parseAllDocuments(file.text, { version: '1.1' }).map((document) => {
      assert.deepEqual(document.errors, [], `${file.path} parses`);
      return { ...(document.toJS() as K8sObject), file: file.path };
    }),
  );
}

/** What each namespace must trust, computed from the layout file's own words, not from Layout. */
function expectedTrust(input: LayoutInput): Map<string, Set<string>> {
  const namespaces = [...new Set(input.workloads!.map((w) => w.namespace))];
  const trust = new Map(namespaces.map((n) => [n, new Set<string>()]));
  if (!input.connections) {
    for (const n of namespaces) for (const m of namespaces) trust.get(n)!.add(m);
  } else {
    for (const { from, to } of input.connections) {
      const [a, b] = [from.split('/')[0], to.split('/')[0]];
      trust.get(a)!.add(b);
      trust.get(b)!.add(a);
    }
  }
  return trust;
}

for (const name of CASES) {
  describe(`scaffold ${name}`, () => {
    const input = parseLayoutText(readFileSync(join(FIXTURES, name, 'layout.yaml'), 'utf8'));
    const layout = layoutOf(input);
    const files = scaffoldMtls(layout);

    it('matches the golden files byte for byte', () => {
      const expectedDir = join(FIXTURES, name, 'expected');
      if (process.env.UPDATE_GOLDEN) {
        rmSync(expectedDir, { recursive: true, force: true });
        for (const file of files) {
          mkdirSync(dirname(join(expectedDir, file.path)), { recursive: true });
          writeFileSync(join(expectedDir, file.path), file.text);
        }
      }
      const golden = readTree(expectedDir);
      assert.deepEqual(files.map((f) => f.path).sort(), [...golden.keys()].sort());
      for (const file of files) assert.equal(file.text, golden.get(file.path), `${file.path} differs from the golden file`);
    });

    it("is clean in Trustwright's own lint: nothing at any severity, across files", () => {
      assert.deepEqual(lintWritten(layout, files), []);
      assert.deepEqual(lintScaffold(layout, files), []);
    });

    it('reads back into the objects of the layout', () => {
      const objects = objectsOf(files);
      const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
      const namespaces = [...new Set(input.workloads!.map((w) => w.namespace))];
      const trustNamespace = input.trustNamespace ?? 'cert-manager';
      const clusterIssuers = new Map(ofKind('ClusterIssuer').map((o) => [o.metadata.name, o]));
      const certificates = ofKind('Certificate');

      // The CA source.
      const selfSigned = 'selfSigned' in input.caSource!;
      assert.equal(ofKind('ClusterIssuer').some((o) => 'selfSigned' in o.spec), selfSigned);
      if (selfSigned) {
        const bootstrap = objects.filter((o) => o.file === 'ca.yaml');
        assert.ok(bootstrap.every((o) => o.metadata.labels?.['trustwright.dev/development-only'] === 'true'), 'every bootstrap object is labelled');
        assert.match(files.find((f) => f.path === 'ca.yaml')!.text, /^# DEVELOPMENT ONLY/m);
      } else {
        const secret = (input.caSource as { secret: string }).secret;
        assert.ok([...clusterIssuers.values()].some((o) => o.spec.ca?.secretName === secret), `a ClusterIssuer signs with ${secret}`);
        assert.doesNotMatch(files.map((f) => f.text).join(), /DEVELOPMENT ONLY|selfSigned/);
      }

      // One intermediate CA per namespace, in the trust namespace, constrained to its names.
      const intermediates = certificates.filter((c) => c.spec.isCA && c.file.startsWith('intermediates/'));
      assert.equal(intermediates.length, namespaces.length);
      for (const ca of intermediates) {
        assert.equal(ca.metadata.namespace, trustNamespace);
        assert.ok(clusterIssuers.get(ca.metadata.name)?.spec.ca?.secretName === ca.spec.secretName, `${ca.metadata.name} has its ClusterIssuer`);
        assert.equal(ca.spec.nameConstraints.critical, true);
      }

      // Leaves: the right usages, short lives, issued by their own namespace's intermediate.
      for (const workload of input.workloads!) {
        const id = `${workload.namespace}/${workload.name}`;
        const isServer = !input.connections || input.connections.some((c) => c.to === id);
        const isClient = !input.connections || input.connections.some((c) => c.from === id);
        const mine = certificates.filter((c) => c.metadata.namespace === workload.namespace && c.metadata.name.startsWith(`${workload.name}-`));
        const server = mine.find((c) => c.metadata.name === `${workload.name}-server`);
        const client = mine.find((c) => c.metadata.name === `${workload.name}-client`);
        assert.equal(Boolean(server), isServer, `${id} has a server certificate iff something calls it`);
        assert.equal(Boolean(client), isClient, `${id} has a client certificate iff it calls something`);
        for (const leaf of [server, client].filter((c): c is NonNullable<typeof c> => c !== undefined)) {
          const issuer = intermediates.find((ca) => ca.metadata.name === leaf.spec.issuerRef.name);
          assert.ok(issuer && issuer.spec.nameConstraints.permitted.dnsDomains.some((d: string) => d.startsWith(`${workload.namespace}.svc`)), `${leaf.metadata.name} is issued by the ${workload.namespace} intermediate`);
          assert.ok(!leaf.spec.isCA);
          assert.ok(Number.parseInt(leaf.spec.duration) <= 2160);
          assert.equal(leaf.spec.privateKey.rotationPolicy, 'Always');
        }
        if (server) {
          assert.ok(server.spec.usages.includes('server auth') && !server.spec.usages.includes('client auth'));
          const permitted: string[] = intermediates.find((ca) => ca.metadata.name === server.spec.issuerRef.name)!.spec.nameConstraints.permitted.dnsDomains;
          for (const dns of server.spec.dnsNames ?? []) {
            assert.ok(permitted.some((d) => dns === d || dns.endsWith(`.${d}`)), `${dns} is within the name constraints`);
          }
        }
        if (client) {
          assert.ok(client.spec.usages.includes('client auth') && !client.spec.usages.includes('server auth'));
          assert.ok(client.spec.uris.every((u: string) => u.startsWith('spiffe://')));
        }
      }

      // One Bundle per namespace: the root and exactly the intermediates it must trust, to that namespace only.
      const trust = expectedTrust(input);
      const bundles = ofKind('Bundle');
      assert.equal(bundles.length, namespaces.length);
      for (const namespace of namespaces) {
        const bundle = bundles.find((b) => b.spec.target.namespaceSelector.matchLabels['kubernetes.io/metadata.name'] === namespace);
        assert.ok(bundle, `a Bundle for ${namespace}`);
        assert.deepEqual(bundle.spec.target.namespaceSelector, { matchLabels: { 'kubernetes.io/metadata.name': namespace } });
        const [root, ...rest] = bundle.spec.sources as { secret: { name: string; key: string } }[];
        assert.equal(root.secret.key, 'ca.crt');
        const trustedIntermediates = rest.map((s) => {
          assert.equal(s.secret.key, 'tls.crt');
          const ca = intermediates.find((c) => c.spec.secretName === s.secret.name);
          assert.ok(ca, `${s.secret.name} is an intermediate CA's Secret`);
          return ca.spec.nameConstraints.permitted.dnsDomains[0].replace(/\.svc$/, '');
        });
        assert.deepEqual(new Set(trustedIntermediates), trust.get(namespace), `${namespace} trusts exactly its peers`);
        assert.equal(bundle.spec.sources.some((s: Record<string, unknown>) => 'useDefaultCAs' in s || 'inLine' in s), false);
      }
    });

    it('is pure: the same layout gives the same text', () => {
      assert.deepEqual(scaffoldMtls(layoutOf(input)), files);
    });
  });
}

describe('scaffold: YAML as Kubernetes reads it', () => {
  it('quotes names YAML 1.1 would read as booleans', () => {
    const layout = layoutOf({ caSource: { selfSigned: true }, workloads: [{ name: 'on', namespace: 'yes' }, { name: 'n', namespace: 'off' }] });
    const files = scaffoldMtls(layout);
    const bundle = objectsOf(files).find((o) => o.kind === 'Bundle' && o.metadata.name === 'mtls-yes')!;
    assert.equal(bundle.spec.target.namespaceSelector.matchLabels['kubernetes.io/metadata.name'], 'yes');
    const workloads = objectsOf(files).filter((o) => o.metadata.namespace === 'yes');
    assert.deepEqual(workloads.map((o) => o.metadata.namespace), ['yes', 'yes']);
    assert.deepEqual(lintScaffold(layout, files), []);
  });
});

describe('resolveLayout', () => {
  const base: LayoutInput = { caSource: { selfSigned: true }, workloads: [{ name: 'a', namespace: 'x' }] };
  const cases: [string, LayoutInput, RegExp][] = [
    ['no CA source', { workloads: base.workloads }, /caSource is required/],
    ['no workloads', { caSource: { selfSigned: true }, workloads: [] }, /name at least one workload/],
    ['an upper-case namespace', { ...base, workloads: [{ name: 'a', namespace: 'Team' }] }, /workloads\[0\]\.namespace "Team" a lowercase RFC 1123 label/],
    ['a workload twice', { ...base, workloads: [{ name: 'a', namespace: 'x' }, { name: 'a', namespace: 'x' }] }, /x\/a is listed twice/],
    ['a misspelt field', { ...base, leafDurations: '1h' } as LayoutInput, /unknown field "leafDurations"/],
    ['a leaf lifetime over 90 days', { ...base, leafDuration: '2161h' }, /leafDuration must be between 1h and 2160h/],
    ['a leaf lifetime under an hour', { ...base, leafDuration: '30m' }, /whole number of hours/],
    ['a CA lifetime over five years', { ...base, caDuration: '43801h' }, /caDuration must be between 1h and 43800h/],
    ['a CA not three times the leaf', { ...base, caDuration: '48h', leafDuration: '24h' }, /at least three times/],
    ['a connection to a workload that is not listed', { ...base, connections: [{ from: 'x/a', to: 'y/b' }] }, /connections\[0\]\.to: "y\/b" is not a workload/],
    ['a workload in no connection', { ...base, workloads: [{ name: 'a', namespace: 'x' }, { name: 'b', namespace: 'y' }, { name: 'c', namespace: 'z' }], connections: [{ from: 'x/a', to: 'y/b' }] }, /z\/c takes part in no connection/],
    ['a CA Secret named like a generated one', { ...base, caSource: { secret: 'mtls-x-ca' } }, /is a name the layout uses/],
    ['a wildcard server name', { ...base, workloads: [{ name: 'a', namespace: 'x', dnsNames: ['*.x.svc'] }] }, /is a wildcard/],
    ['an unknown key algorithm', { ...base, keyAlgorithm: 'rsa-1024' }, /keyAlgorithm must be one of/],
    ['a prefix that makes names too long', { ...base, prefix: 'p'.repeat(60) }, /longer than 63 characters/],
  ];
  for (const [name, input, expected] of cases) {
    it(`rejects ${name}`, () => {
      const { layout, problems } = resolveLayout(input);
      assert.equal(layout, undefined);
      assert.ok(problems.some((p) => expected.test(p)), `expected ${expected} in ${JSON.stringify(problems)}`);
    });
  }

  it('reads a layout file with selfSigned written as a mapping', () => {
    assert.deepEqual(parseLayoutText('caSource:\n  selfSigned: {}\nworkloads: []\n').caSource, { selfSigned: true });
    assert.throws(() => parseLayoutText('- a\n'), /expected a mapping/);
    assert.throws(() => parseLayoutText('a: [\n'), /not YAML/);
  });
});
