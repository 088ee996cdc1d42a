// `trustwright lint` as a user runs it: the built dist/cli.js in a child process.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workshop } from '../pki';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

/** A CA bootstrapped from a self-signed issuer and a short-lived leaf from it: nothing to report. */
const CLEAN = `# A CA bootstrapped from a self-signed issuer, and a short-lived workload certificate from it.
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: bootstrap
spec:
  selfSigned: {}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: internal-ca
  namespace: cert-manager
spec:
  isCA: true
  commonName: Internal CA
  secretName: internal-ca
  duration: 8760h
  renewBefore: 2920h
  privateKey:
    algorithm: ECDSA
    size: 256
    rotationPolicy: Always
  issuerRef:
    name: bootstrap
    kind: ClusterIssuer
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: internal-ca
spec:
  ca:
    secretName: internal-ca
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: apps
spec:
  secretName: web-tls
  duration: 24h
  renewBefore: 8h
  dnsNames:
  - web.apps.svc
  privateKey:
    algorithm: ECDSA
    rotationPolicy: Always
  issuerRef:
    name: internal-ca
    kind: ClusterIssuer
`;
const CORPUS = join(__dirname, '..', 'fixtures', 'corpus');

function cli(args: string[], options: { input?: string; cwd?: string; unprivileged?: boolean } = {}) {
  // Root reads through chmod 000, so permission tests run the CLI as nobody when the tests run as root.
  const user = options.unprivileged && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const result = spawnSync(process.execPath, [CLI, ...args], { input: options.input, cwd: options.cwd, encoding: 'utf8', timeout: 60_000, ...user });
  assert.equal(result.error, undefined, 'the CLI finished');
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** 1-based line of the first line containing `needle`, found by plain text search. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  assert.notEqual(index, -1, needle);
  return index + 1;
}

describe('trustwright lint', () => {
  let dir: string;
  const valid = CLEAN;
  const broken = readFileSync(join(CORPUS, '45-cm1972-v1alpha1-organization-long-dnsnames.yaml'), 'utf8');
  const warningOnly = readFileSync(join(CORPUS, '06-bundle-with-metadata-namespace.yaml'), 'utf8');

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'trustwright-cli-'));
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'valid.yaml'), valid);
    writeFileSync(join(dir, 'nested', 'deeper', 'broken.yml'), broken);
    writeFileSync(join(dir, 'nested', 'notes.txt'), broken); // not YAML: must be skipped
    writeFileSync(join(dir, 'warning.yaml'), warningOnly);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on a valid file and prints a summary', () => {
    const result = cli(['lint', join(dir, 'valid.yaml')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^0 errors, 0 warnings, 0 notes in 1 file \(4 objects checked\)\n$/);
  });

  it('exits 1 on errors and prints path:line:col: severity rule: message', () => {
    const file = join(dir, 'nested', 'deeper', 'broken.yml');
    const result = cli(['lint', file]);
    assert.equal(result.code, 1);
    const all = result.stdout.trim().split('\n');
    const lines = [...all.filter((l) => l.includes(': error ')), all[all.length - 1]];
    assert.equal(lines[0], `${file}:1:13: error api/removed-version: apiVersion certmanager.k8s.io/v1alpha1 is the API group of cert-manager before v0.11 and is no longer served; use cert-manager.io/v1 (the fields changed too: see the cert-manager upgrade notes)`);
    const organization = lineOf(broken, 'organization:');
    assert.match(lines[1], new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${organization}:3: error schema/unknown-field: unknown field "spec.organization"`));
    assert.match(lines[lines.length - 1], /^2 errors, \d+ warnings?, \d+ notes? in 1 file \(1 object checked\)$/);
  });

  it('walks folders recursively for .yaml and .yml only', () => {
    const result = cli(['lint', dir, '--format', 'json']);
    assert.equal(result.code, 1);
    const files = new Set((JSON.parse(result.stdout).findings as { file: string }[]).map((f) => f.file));
    assert.deepEqual([...files].sort(), [join(dir, 'nested', 'deeper', 'broken.yml'), join(dir, 'warning.yaml')].sort());
  });

  it('reads stdin with -', () => {
    const result = cli(['lint', '-', '--format', 'json'], { input: broken });
    assert.equal(result.code, 1);
    const findings = JSON.parse(result.stdout).findings;
    assert.equal(findings[0].file, '-');
  });

  it('writes JSON findings with 1-based positions and object identity', () => {
    const result = cli(['lint', join(dir, 'nested'), '--format', 'json']);
    const { findings } = JSON.parse(result.stdout);
    const unknown = findings.find((f: { rule: string }) => f.rule === 'schema/unknown-field');
    assert.deepEqual(Object.keys(unknown).sort(), ['column', 'endColumn', 'endLine', 'field', 'file', 'kind', 'line', 'message', 'name', 'namespace', 'rule', 'severity'].sort());
    assert.equal(unknown.line, lineOf(broken, 'organization:'));
    assert.equal(unknown.column, broken.split('\n')[unknown.line - 1].indexOf('organization') + 1);
    assert.equal(unknown.endColumn - unknown.column, 'organization'.length);
    assert.equal(unknown.field, 'spec.organization');
    assert.equal(unknown.kind, 'Certificate');
    assert.equal(unknown.severity, 'error');
  });

  it('writes SARIF 2.1.0 with one result per finding and the rules used', () => {
    const json = JSON.parse(cli(['lint', dir, '--format', 'json']).stdout).findings;
    const result = cli(['lint', dir, '--format', 'sarif']);
    assert.equal(result.code, 1);
    const sarif = JSON.parse(result.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'trustwright');
    assert.equal(run.results.length, json.length);
    const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
    for (const r of run.results) {
      assert.equal(ruleIds[r.ruleIndex], r.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(r.level));
      assert.ok(r.locations[0].physicalLocation.region.startLine >= 1);
    }
  });

  it('--fail-on decides the exit code', () => {
    const file = join(dir, 'warning.yaml');
    assert.equal(cli(['lint', file]).code, 0);
    assert.equal(cli(['lint', file, '--fail-on', 'warning']).code, 1);
    assert.equal(cli(['lint', join(dir, 'nested'), '--fail-on', 'never']).code, 0);
  });

  it('exits 2 on usage and I/O errors', () => {
    assert.equal(cli(['lint', join(dir, 'missing.yaml')]).code, 2);
    assert.equal(cli(['lint', dir, '--format', 'xml']).code, 2);
    assert.equal(cli(['lint', dir, '--fail-on', 'sometimes']).code, 2);
    assert.equal(cli(['lint', dir, '--no-such-flag']).code, 2);
    assert.equal(cli(['frobnicate']).code, 2);
    const missing = cli(['lint', dir, '--config', join(dir, 'nope.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml/);
  });

  it('honours .trustwright.yaml found upward from the file, and --config', () => {
    const project = mkdtempSync(join(tmpdir(), 'trustwright-config-'));
    try {
      mkdirSync(join(project, 'manifests'));
      writeFileSync(join(project, 'manifests', 'broken.yaml'), broken);
      writeFileSync(join(project, '.trustwright.yaml'), 'rules:\n  schema/unknown-field: warning\n  api/removed-version: off\n');
      const result = cli(['lint', join(project, 'manifests'), '--format', 'json']);
      const findings = (JSON.parse(result.stdout).findings as { rule: string; severity: string }[]).filter((f) => f.severity !== 'info');
      assert.deepEqual(findings.map((f) => `${f.rule}:${f.severity}`), ['schema/unknown-field:warning']);
      assert.equal(result.code, 0);

      writeFileSync(join(project, 'strict.yaml'), 'rules:\n  api/removed-version: error\n');
      const explicit = cli(['lint', join(project, 'manifests'), '--config', join(project, 'strict.yaml')]);
      assert.equal(explicit.code, 1);
      assert.match(explicit.stdout, /api\/removed-version/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('follows references across the files it lints, and prints where the other end is', () => {
    const project = mkdtempSync(join(tmpdir(), 'trustwright-xfile-'));
    try {
      const issuerFile = join(project, 'issuer.yaml');
      writeFileSync(issuerFile, 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: team-ca\n  namespace: team-a\nspec:\n  ca:\n    secretName: team-ca\n');
      writeFileSync(join(project, 'cert.yaml'), CLEAN.split('---')[3].replace('name: internal-ca\n    kind: ClusterIssuer', 'name: team-ca\n    kind: Issuer'));
      const text = cli(['lint', project]);
      const lines = text.stdout.split('\n');
      const at = lines.findIndex((l) => l.includes('certificate/issuer-not-found'));
      assert.ok(at >= 0, text.stdout);
      assert.match(lines[at], /Issuer "team-ca" exists only in namespace team-a/);
      assert.equal(lines[at + 1], `    ${issuerFile}:4:9: Issuer team-a/team-ca`);
      const json = JSON.parse(cli(['lint', project, '--format', 'json']).stdout).findings;
      const finding = json.find((f: { rule: string }) => f.rule === 'certificate/issuer-not-found');
      assert.deepEqual(finding.related, [{ file: issuerFile, line: 4, column: 9, message: 'Issuer team-a/team-ca' }]);
      const sarif = JSON.parse(cli(['lint', project, '--format', 'sarif']).stdout);
      const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'certificate/issuer-not-found');
      assert.equal(result.relatedLocations[0].physicalLocation.region.startLine, 4);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('honours trustwright-disable comments', () => {
    const silenced = broken.replace('  organization:', '  # trustwright-disable-next-line schema/unknown-field\n  organization:');
    const result = cli(['lint', '-', '--format', 'json'], { input: silenced });
    const rules = JSON.parse(result.stdout).findings.filter((f: { severity: string }) => f.severity === 'error').map((f: { rule: string }) => f.rule);
    assert.deepEqual(rules, ['api/removed-version']);
  });
});

describe('trustwright explain and rules', () => {
  it('explains a rule with how to silence it', () => {
    const result = cli(['explain', 'certificate/duration']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^certificate\/duration \(error, admission webhook; applies to Certificate\)/);
    assert.match(result.stdout, /trustwright-disable-next-line certificate\/duration/);
  });

  it('suggests the closest rule id for a typo', () => {
    const result = cli(['explain', 'certificate/duraton']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /did you mean certificate\/duration\?/);
  });

  it('lists every rule', () => {
    const result = cli(['rules']);
    assert.equal(result.code, 0);
    assert.ok(result.stdout.split('\n').some((l) => l.startsWith('schema/unknown-field')));
  });
});

describe('trustwright lint and inspect on awkward folders', () => {
  let tree: string;
  const broken = readFileSync(join(CORPUS, '45-cm1972-v1alpha1-organization-long-dnsnames.yaml'), 'utf8');

  before(() => {
    tree = mkdtempSync(join(tmpdir(), 'trustwright-tree-'));
    chmodSync(tree, 0o755); // readable by nobody
    writeFileSync(join(tree, 'ok.yaml'), broken);
    symlinkSync('ok.yaml', join(tree, 'same.yaml')); // the same file twice: not a duplicate object
    mkdirSync(join(tree, 'locked'));
    writeFileSync(join(tree, 'locked', 'inner.yaml'), broken);
    chmodSync(join(tree, 'locked'), 0o000);
    writeFileSync(join(tree, 'secret.yaml'), broken);
    chmodSync(join(tree, 'secret.yaml'), 0o000);
    symlinkSync('gone.yaml', join(tree, 'dangling.yaml'));
    execFileSync('mkfifo', [join(tree, 'pipe.yaml')]); // nobody writes to it: reading would hang
    symlinkSync('.', join(tree, 'loop')); // a folder that contains itself
    mkdirSync(join(tree, 'dist'));
    writeFileSync(join(tree, 'dist', 'rendered.yaml'), broken);
    mkdirSync(join(tree, 'node_modules'));
    writeFileSync(join(tree, 'node_modules', 'dependency.yaml'), broken);
  });
  after(() => {
    chmodSync(join(tree, 'locked'), 0o755);
    rmSync(tree, { recursive: true, force: true });
  });

  it('reports each unreadable entry in one line, lints the rest once each, and exits 2', () => {
    const result = cli(['lint', tree, '--format', 'json'], { unprivileged: true });
    assert.equal(result.code, 2, result.stderr);
    assert.deepEqual(result.stderr.split('\n').filter(Boolean).sort(), [
      `trustwright: error: ${join(tree, 'dangling.yaml')}: no such file or directory (or a link to one)`,
      `trustwright: error: ${join(tree, 'locked')}: permission denied`,
      `trustwright: error: ${join(tree, 'secret.yaml')}: permission denied`,
      `trustwright: note: ${join(tree, 'pipe.yaml')}: skipped, not a regular file`,
    ].sort());
    const findings = JSON.parse(result.stdout).findings as { file: string; rule: string }[];
    assert.deepEqual([...new Set(findings.map((f) => f.file))].sort(), [join(tree, 'dist', 'rendered.yaml'), join(tree, 'ok.yaml')]);
    // ok.yaml and dist/rendered.yaml hold the same object, so one duplicate pair is right; the link adds none.
    const duplicates = findings.filter((f) => f.rule === 'workspace/duplicate-object').map((f) => f.file);
    assert.deepEqual(duplicates.sort(), [join(tree, 'dist', 'rendered.yaml'), join(tree, 'ok.yaml')]);
  });

  it('names an unreadable file given on the command line and still lints the others', () => {
    const result = cli(['lint', join(tree, 'secret.yaml'), join(tree, 'ok.yaml'), join(tree, 'missing.yaml')], { unprivileged: true });
    assert.equal(result.code, 2);
    assert.deepEqual(result.stderr.split('\n').filter(Boolean), [
      `trustwright: error: ${join(tree, 'missing.yaml')}: no such file or directory (or a link to one)`,
      `trustwright: error: ${join(tree, 'secret.yaml')}: permission denied`,
    ]);
    assert.match(result.stdout, /^2 errors, \d+ warnings?, \d+ notes? in 1 file \(1 object checked\)$/m);
  });

  it('inspect skips the same entries instead of hanging or dumping a stack trace', () => {
    const result = cli(['inspect', tree, '--format', 'json'], { unprivileged: true });
    assert.equal(result.code, 2);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.match(result.stderr, new RegExp(`^trustwright: error: ${join(tree, 'locked').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: permission denied$`, 'm'));
    assert.match(result.stderr, /pipe\.yaml: skipped, not a regular file/);
  });
});

describe('trustwright lint on standalone PEM files', () => {
  const w = new Workshop();
  after(() => w.dispose());

  it('reports the pem/* rules the editor reports, at the BEGIN line of each block', () => {
    const root = w.ca('pem-root', { cn: 'PEM Root' });
    const expired = w.signed('expired', root, { start: new Date(Date.now() - 40 * 86400_000), end: new Date(Date.now() - 86400_000) });
    const weak = w.ca('weak', { key: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'] });
    const dir = join(w.dir, 'certs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'expired.crt'), `# renewed by hand\n\n${expired.pem}`);
    writeFileSync(join(dir, 'weak.cer'), weak.pem);
    writeFileSync(join(dir, 'mislabel.pem'), 'apiVersion: v1\nkind: Secret\n');
    writeFileSync(join(dir, 'notes.txt'), expired.pem); // not a PEM file name: skipped
    const result = cli(['lint', dir, '--format', 'json']);
    const found = (JSON.parse(result.stdout).findings as { file: string; rule: string; line: number }[]).map((f) => `${f.file.slice(dir.length + 1)}:${f.line}:${f.rule}`);
    assert.deepEqual(found.sort(), ['expired.crt:3:pem/expired', 'mislabel.pem:1:pem/malformed', 'weak.cer:1:pem/weak-key']);
    assert.equal(result.code, 1);
    const text = cli(['lint', join(dir, 'weak.cer')]);
    assert.match(text.stdout, new RegExp(`^${join(dir, 'weak.cer').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1:1: warning pem/weak-key: .*1024-bit RSA`, 'm'));
  });

  it('treats as PEM files exactly the extensions of the pem language in package.json', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const extensions: string[] = manifest.contributes.languages.find((l: { id: string }) => l.id === 'pem').extensions;
    assert.deepEqual(extensions.sort(), ['.cer', '.crt', '.pem']);
    const dir = join(w.dir, 'names');
    mkdirSync(dir);
    for (const name of ['a.pem', 'b.CRT', 'c.cer', 'd.der', 'e.key', 'f.pem.txt']) writeFileSync(join(dir, name), 'not pem\n');
    const files = (JSON.parse(cli(['lint', dir, '--format', 'json']).stdout).findings as { file: string }[]).map((f) => f.file.slice(dir.length + 1));
    assert.deepEqual(files.sort(), ['a.pem', 'b.CRT', 'c.cer']);
  });
});

describe('trustwright lint output', () => {
  it('escapes terminal control characters in text output, and keeps JSON raw', () => {
    const evil = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: x\nspec:\n  selfSigned: {}\n  "\u001b[2J\u001b[31mevil\u009b": 1\n';
    const text = cli(['lint', '-'], { input: evil });
    assert.match(text.stdout, /unknown field "spec\.\\u001b\[2J\\u001b\[31mevil\\u009b"/);
    assert.doesNotMatch(text.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const json = JSON.parse(cli(['lint', '-', '--format', 'json'], { input: evil }).stdout).findings;
    assert.ok(json.some((f: { message: string }) => f.message.includes('spec.\u001b[2J\u001b[31mevil\u009b')));
  });

  it('percent-encodes SARIF artifact URIs segment by segment', () => {
    const project = mkdtempSync(join(tmpdir(), 'trustwright-sarif-'));
    try {
      const broken = readFileSync(join(CORPUS, '45-cm1972-v1alpha1-organization-long-dnsnames.yaml'), 'utf8');
      mkdirSync(join(project, 'sp ace#dir'));
      writeFileSync(join(project, 'sp ace#dir', 'ü 100%.yaml'), broken);
      const sarif = JSON.parse(cli(['lint', '.', '--format', 'sarif'], { cwd: project }).stdout);
      const uri: string = sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
      assert.equal(uri, 'sp%20ace%23dir/%C3%BC%20100%25.yaml');
      assert.deepEqual(uri.split('/').map(decodeURIComponent), ['sp ace#dir', 'ü 100%.yaml']);
      assert.equal(new URL(uri, 'file:///base/').pathname, '/base/sp%20ace%23dir/%C3%BC%20100%25.yaml');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('documents --fail-on hint and lists it when the value is wrong', () => {
    assert.match(cli(['--help']).stdout, /--fail-on error\|warning\|info\|hint\|never/);
    assert.match(cli(['lint', '-', '--fail-on', 'sometimes'], { input: '' }).stderr, /--fail-on must be error, warning, info, hint or never/);
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    assert.match(readme, /--fail-on error\|warning\|info\|hint\|never/);
  });

  it('reads stdin once when - is given twice', () => {
    const broken = readFileSync(join(CORPUS, '45-cm1972-v1alpha1-organization-long-dnsnames.yaml'), 'utf8');
    const result = cli(['lint', '-', '-'], { input: broken });
    assert.match(result.stdout, /^2 errors, \d+ warnings?, \d+ notes? in 1 file \(1 object checked\)$/m);
  });
});
