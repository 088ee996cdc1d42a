// Certificate intelligence as an editor sees it: hover, CodeLens, pem/* diagnostics and their quick
// fixes, over JSON-RPC against the built dist/server.js. Every certificate and key is made by openssl
// for this run (test/pki.ts); every expected value is openssl's reading, never our decoder's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { CodeAction, CodeLens, Diagnostic, Hover, Position, Range, TextEdit } from 'vscode-languageserver-protocol';
import { TestClient } from './client';
import { indent, Workshop, type Made, type OpensslFacts } from '../pki';

const DEBIAN_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const DAY = 86400_000;
const END_LINE = '-----END CERTIFICATE-----';

// ---------------------------------------------------------------------------------------------
// Helpers that read the text and the server's answers without using any of our code.

const factsCache = new Map<Made, OpensslFacts>();
const nameCache = new Map<Made, string>();

/** openssl's reading of a certificate (test/pki.ts), asked once per certificate. */
function factsOf(w: Workshop, made: Made): OpensslFacts {
  if (!factsCache.has(made)) factsCache.set(made, w.facts(made));
  return factsCache.get(made)!;
}

/** openssl's subject CN, read with -nameopt RFC2253 (`CN=web.apps.svc`). */
function commonName(w: Workshop, made: Made): string {
  if (!nameCache.has(made)) {
    const subject = w.openssl(['x509', '-in', made.path, '-noout', '-subject', '-nameopt', 'RFC2253']).trim();
    nameCache.set(made, /CN=([^,]+)/.exec(subject)![1]);
  }
  return nameCache.get(made)!;
}

/** `-----BEGIN`/`-----END` line numbers (0-based) of every PEM block, found by plain text search. */
function blockLines(text: string): { begin: number; end: number; indent: number }[] {
  const lines = text.split('\n');
  const out: { begin: number; end: number; indent: number }[] = [];
  lines.forEach((line, i) => {
    if (line.trimStart().startsWith('-----BEGIN ')) out.push({ begin: i, end: -1, indent: line.length - line.trimStart().length });
    else if (line.trimStart().startsWith('-----END ')) out[out.length - 1].end = i;
  });
  return out;
}

/** The range an editor would show for the whole of block `n` (0-based) of PEM text indented by `spaces`. */
function blockRange(text: string, n: number): Range {
  const b = blockLines(text)[n];
  const endText = text.split('\n')[b.end];
  return { start: { line: b.begin, character: b.indent }, end: { line: b.end, character: endText.trimEnd().length } };
}

/** `| Label | Value |` rows of a hover's Markdown table, unescaped. */
function hoverFields(hover: Hover): Map<string, string> {
  const value = (hover.contents as { value: string }).value;
  const fields = new Map<string, string>();
  for (const line of value.split('\n')) {
    const match = /^\| (.+?) \| (.*) \|$/.exec(line);
    if (match && !line.startsWith('| #') && !line.startsWith('| |')) fields.set(match[1], match[2].replace(/\\\|/g, '|'));
  }
  return fields;
}

function messageOf(diagnostic: Diagnostic): string {
  return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

function hoverText(hover: Hover | null): string {
  return hover ? (hover.contents as { value: string }).value : '';
}

function offsetOf(text: string, position: Position): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < position.line; i++) offset += lines[i].length + 1;
  return offset + position.character;
}

/** Applies LSP text edits to a string, last edit first so earlier offsets stay valid. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((e) => ({ start: offsetOf(text, e.range.start), end: offsetOf(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** What a hover, a lens title or a diagnostic must never contain: lines of a private key's body. */
function keyMaterial(keyPem: string): string[] {
  return keyPem.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'));
}

function bundle(name: string, pems: readonly string[]): string {
  return [
    'apiVersion: trust.cert-manager.io/v1alpha1',
    'kind: Bundle',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  sources:',
    '  - inLine: |',
    indent(pems.map((p) => p.trim()).join('\n'), 6),
    '  target:',
    '    configMap:',
    '      key: ca-bundle.crt',
    '',
  ].join('\n');
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** The lens title the brief promises, built from openssl's facts. */
function expectedLens(w: Workshop, made: Made): string {
  const facts = factsOf(w, made);
  const fingerprint = facts.sha256.toLowerCase().split(':').slice(0, 4).join(':');
  const when = facts.notAfter.getTime() < Date.now() ? 'expired' : 'expires';
  return `CN=${commonName(w, made)} · ${facts.isCA ? 'CA' : 'leaf'} · ${when} ${facts.notAfter.toISOString().slice(0, 10)} · SHA-256 ${fingerprint}:…`;
}

describe('certificate intelligence over stdio', () => {
  const w = new Workshop();
  let client: TestClient;
  let root: Made;
  let intermediate: Made;
  let leaf: Made;
  let expired: Made;
  let future: Made;
  let expiringSoon: Made;
  let sha1Leaf: Made;
  let weakCa: Made;
  let keyPem: string;

  before(async () => {
    root = w.ca('root', { cn: 'Trustwright Test Root' });
    intermediate = w.signed('intermediate', root, { cn: 'Trustwright Test Intermediate', extensions: 'ca' });
    leaf = w.signed('leaf', intermediate, { cn: 'web.apps.svc' });
    expired = w.signed('expired', root, { cn: 'Expired Intermediate', extensions: 'ca', start: new Date(Date.now() - 400 * DAY), end: new Date(Date.now() - 35 * DAY) });
    future = w.signed('future', root, { cn: 'Future Intermediate', extensions: 'ca', start: new Date(Date.now() + 10 * DAY), end: new Date(Date.now() + 400 * DAY) });
    expiringSoon = w.signed('soon', root, { cn: 'Soon Intermediate', extensions: 'ca', end: new Date(Date.now() + 10 * DAY) });
    sha1Leaf = w.signed('sha1', root, { cn: 'legacy.apps.svc', digest: 'sha1' });
    weakCa = w.ca('weak', { cn: 'Weak RSA CA', key: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'] });
    keyPem = w.privateKeyPem('tls');

    client = new TestClient();
    await client.initialize();
  });

  after(async () => {
    const code = await client.stop();
    w.dispose();
    assert.equal(code, 0, `server exit code; stderr: ${client.stderr}`);
  });

  const hoverAt = (uri: string, position: Position) => client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  const lensesOf = (uri: string) => client.request<CodeLens[] | null>('textDocument/codeLens', { textDocument: { uri } }).then((l) => l ?? []);

  describe('hover in a three-certificate inLine', () => {
    const uri = 'file:///virtual/chain-bundle.yaml';
    let text: string;

    before(async () => {
      // Block 2 is the leaf, issued by block 3 (the intermediate), which block 1 (the root) issued.
      text = bundle('chain', [root.pem, leaf.pem, intermediate.pem]);
      await client.open(uri, text);
    });

    it('on a line inside the 2nd certificate shows that certificate, as openssl reads it', async () => {
      const lines = blockLines(text);
      const hover = await hoverAt(uri, { line: lines[1].begin + 3, character: 10 });
      assert.ok(hover, 'no hover');
      const value = hoverText(hover);
      const facts = factsOf(w, leaf);
      assert.match(value, /^\*\*CERTIFICATE 2 of 3\*\* · /);
      assert.ok(value.split('\n')[0].includes(`CN=${commonName(w, leaf)}`), value.split('\n')[0]);
      const fields = hoverFields(hover);
      assert.ok(fields.get('Subject')!.includes(`CN=${commonName(w, leaf)}`));
      assert.equal(fields.get('SHA-256'), facts.sha256);
      assert.equal(fields.get('SHA-1'), facts.sha1);
      const serial = fields.get('Serial')!.replace(/:/g, '');
      assert.equal(serial.replace(/^0+/, ''), facts.serial.replace(/^0+/, ''));
      const [, notAfter] = /→ (\S+)/.exec(fields.get('Valid')!)!;
      assert.equal(new Date(notAfter).getTime(), facts.notAfter.getTime());
      assert.equal(fields.get('SANs'), facts.sans.replace(/IP Address:/g, 'IP:'));
      assert.equal(fields.get('CA'), facts.isCA ? 'yes' : 'no');
      assert.equal(fields.get('Issued by'), 'certificate 3 in this block');
      assert.deepEqual(hover.range, blockRange(text, 1), 'the hover range covers the 2nd certificate only');
    });

    it('names the issuer inside the block for the intermediate, and "itself" for the root', async () => {
      const lines = blockLines(text);
      const third = await hoverAt(uri, { line: lines[2].begin + 1, character: 6 });
      assert.ok(third);
      assert.equal(hoverFields(third).get('SHA-256'), factsOf(w, intermediate).sha256);
      assert.equal(hoverFields(third).get('CA'), 'yes');
      assert.equal(hoverFields(third).get('Issued by'), 'certificate 1 in this block');
      assert.deepEqual(third.range, blockRange(text, 2));
      const first = await hoverAt(uri, { line: lines[0].end, character: 8 });
      assert.ok(first);
      assert.equal(hoverFields(first).get('SHA-256'), factsOf(w, root).sha256);
      assert.equal(hoverFields(first).get('Issued by'), 'itself (self-signed)');
    });

    it('on the indentation of a certificate line still shows that certificate', async () => {
      const lines = blockLines(text);
      for (const line of [lines[1].begin, lines[1].begin + 2, lines[1].end]) {
        const hover = await hoverAt(uri, { line, character: 0 });
        assert.ok(hover);
        assert.equal(hoverFields(hover).get('SHA-256'), factsOf(w, leaf).sha256, `line ${line}, column 0`);
        assert.deepEqual(hover.range, blockRange(text, 1));
      }
    });

    it('on the inLine: key shows a table with one row per certificate', async () => {
      const keyLine = text.split('\n').findIndex((l) => l.includes('inLine:'));
      const hover = await hoverAt(uri, { line: keyLine, character: text.split('\n')[keyLine].indexOf('inLine') + 2 });
      assert.ok(hover);
      const value = hoverText(hover);
      assert.match(value, /^\*\*spec\.sources\[0\]\.inLine\*\* · 3 PEM blocks/);
      const rows = value.split('\n').filter((l) => /^\| \d+ \|/.test(l));
      assert.equal(rows.length, 3, value);
      [root, leaf, intermediate].forEach((made, i) => {
        const facts = factsOf(w, made);
        const cells = rows[i].split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, ''));
        assert.equal(cells[0], String(i + 1));
        assert.equal(cells[1], `CN=${commonName(w, made)}`);
        assert.equal(cells[2], facts.isCA ? 'CA' : 'leaf');
        assert.ok(cells[3].startsWith(facts.notAfter.toISOString().slice(0, 10)), cells[3]);
        assert.equal(cells[4], `${facts.sha256.toLowerCase().split(':').slice(0, 4).join(':')}:…`);
      });
      assert.equal(hover.range!.start.line, keyLine);
      assert.equal(hover.range!.end.line, keyLine);
    });

    it('has one CodeLens per certificate, on its BEGIN line, titled from openssl\'s facts', async () => {
      const lenses = await lensesOf(uri);
      const lines = blockLines(text);
      assert.deepEqual(
        lenses.map((l) => [l.range.start.line, l.command?.title]),
        [root, leaf, intermediate].map((made, i) => [lines[i].begin, expectedLens(w, made)]),
      );
      for (const lens of lenses) assert.match(lens.command!.title, /^CN=.+ · (CA|leaf) · expires \d{4}-\d{2}-\d{2} · SHA-256 ([0-9a-f]{2}:){4}…$/);
    });

    it('returns no lenses once trustwright.codeLens.enable is false, and lenses again when it is back', async () => {
      client.configuration = { codeLens: { enable: false } };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      assert.deepEqual(await lensesOf(uri), []);
      client.configuration = {};
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      assert.equal((await lensesOf(uri)).length, 3);
    });
  });

  describe('base64 sites and private keys', () => {
    const issuerUri = 'file:///virtual/vault-issuer.yaml';
    const secretUri = 'file:///virtual/web-tls.yaml';
    const configMapUri = 'file:///virtual/leaky-configmap.yaml';
    let secret: string;
    let configMap: string;
    const seen: string[] = [];

    it('hover on an Issuer caBundle decodes the certificate in it', async () => {
      const text = [
        'apiVersion: cert-manager.io/v1',
        'kind: Issuer',
        'metadata:',
        '  name: vault',
        '  namespace: apps',
        'spec:',
        '  vault:',
        '    server: https://vault.example.com',
        '    path: pki/sign/web',
        `    caBundle: ${b64(root.pem)}`,
        '    auth:',
        '      tokenSecretRef:',
        '        name: vault-token',
        '        key: token',
        '',
      ].join('\n');
      await client.open(issuerUri, text);
      const line = text.split('\n').findIndex((l) => l.includes('caBundle:'));
      const hover = await hoverAt(issuerUri, { line, character: 40 });
      assert.ok(hover);
      assert.match(hoverText(hover), /^\*\*CERTIFICATE 1 of 1\*\*/);
      assert.equal(hoverFields(hover).get('SHA-256'), factsOf(w, root).sha256);
      assert.equal(hoverFields(hover).get('SHA-1'), factsOf(w, root).sha1);
      assert.equal(hover.range!.start.line, line);
      const lenses = await lensesOf(issuerUri);
      assert.deepEqual(lenses.map((l) => l.command?.title), [expectedLens(w, root)]);
    });

    it('hover on a Secret tls.crt decodes the certificate under the cursor; tls.key is named, never shown', async () => {
      const chain = leaf.pem + intermediate.pem;
      secret = [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: web-tls',
        '  namespace: apps',
        'type: kubernetes.io/tls',
        'data:',
        `  tls.crt: ${b64(chain)}`,
        `  tls.key: ${b64(keyPem)}`,
        '',
      ].join('\n');
      const diagnostics = await client.open(secretUri, secret);
      seen.push(JSON.stringify(diagnostics));
      const lines = secret.split('\n');
      const crtLine = lines.findIndex((l) => l.startsWith('  tls.crt:'));
      const column = '  tls.crt: '.length;
      // The middle of each certificate's bytes, and the base64 character that encodes it.
      const second = chain.indexOf('-----BEGIN', 1);
      for (const [made, byte] of [
        [leaf, Math.floor(second / 2)],
        [intermediate, Math.floor((second + chain.length) / 2)],
      ] as const) {
        const hover = await hoverAt(secretUri, { line: crtLine, character: column + Math.floor(byte / 3) * 4 });
        assert.ok(hover);
        seen.push(hoverText(hover));
        assert.equal(hoverFields(hover).get('SHA-256'), factsOf(w, made).sha256);
      }
      const keyLine = lines.findIndex((l) => l.startsWith('  tls.key:'));
      const onKeyValue = await hoverAt(secretUri, { line: keyLine, character: 30 });
      assert.ok(onKeyValue);
      seen.push(hoverText(onKeyValue));
      assert.match(hoverText(onKeyValue), /PRIVATE KEY/);
      assert.match(hoverText(onKeyValue), /not decoded or shown/);
      const onKeyName = await hoverAt(secretUri, { line: keyLine, character: 4 });
      seen.push(hoverText(onKeyName));
      const onCrtName = await hoverAt(secretUri, { line: crtLine, character: 4 });
      assert.ok(onCrtName);
      seen.push(hoverText(onCrtName));
      assert.equal(hoverText(onCrtName).split('\n').filter((l) => /^\| \d+ \|/.test(l)).length, 2);
      const lenses = await lensesOf(secretUri);
      seen.push(JSON.stringify(lenses));
      assert.deepEqual(lenses.map((l) => l.command?.title), [expectedLens(w, leaf), expectedLens(w, intermediate)]);
    });

    it('a private key in a ConfigMap is an error, and still never shown', async () => {
      configMap = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: leaky', 'data:', '  ca.crt: |', indent(root.pem + keyPem, 4), ''].join('\n');
      const diagnostics = await client.open(configMapUri, configMap);
      seen.push(JSON.stringify(diagnostics));
      const finding = diagnostics.find((d) => d.code === 'pem/private-key');
      assert.ok(finding, JSON.stringify(diagnostics));
      assert.deepEqual(finding.range, blockRange(configMap, 1));
      const lines = blockLines(configMap);
      const hover = await hoverAt(configMapUri, { line: lines[1].begin + 1, character: 10 });
      assert.ok(hover);
      seen.push(hoverText(hover));
      assert.match(hoverText(hover), /not decoded or shown/);
      const table = await hoverAt(configMapUri, { line: 5, character: 4 });
      seen.push(hoverText(table));
      const lenses = await lensesOf(configMapUri);
      seen.push(JSON.stringify(lenses));
      assert.equal(lenses.length, 1);
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: configMapUri }, range: finding.range, context: { diagnostics: [finding] } });
      const remove = actions.find((a) => a.title === 'Remove the private key');
      assert.ok(remove);
      const fixed = applyEdits(configMap, remove.edit!.changes![configMapUri]);
      assert.equal((parseAllDocuments(fixed)[0].toJS() as { data: Record<string, string> }).data['ca.crt'], root.pem);
    });

    it('every kind of site: webhooks, APIService, CRD conversion, ClusterIssuer, ClusterTrustBundle, stringData, ConfigMap', async () => {
      const caBundle = b64(root.pem);
      const cases: [name: string, text: string, marker: string][] = [
        ['validating-webhook', ['apiVersion: admissionregistration.k8s.io/v1', 'kind: ValidatingWebhookConfiguration', 'metadata:', '  name: hooks', 'webhooks:', '- name: a.example.com', '  clientConfig:', '    url: https://a.example.com', '- name: b.example.com', '  clientConfig:', `    caBundle: ${caBundle}`].join('\n'), 'caBundle:'],
        ['mutating-webhook', ['apiVersion: admissionregistration.k8s.io/v1', 'kind: MutatingWebhookConfiguration', 'metadata:', '  name: hooks', 'webhooks:', '- name: a.example.com', '  clientConfig:', `    caBundle: ${caBundle}`].join('\n'), 'caBundle:'],
        ['apiservice', ['apiVersion: apiregistration.k8s.io/v1', 'kind: APIService', 'metadata:', '  name: v1beta1.metrics.k8s.io', 'spec:', `  caBundle: ${caBundle}`, '  group: metrics.k8s.io'].join('\n'), 'caBundle:'],
        ['crd', ['apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition', 'metadata:', '  name: widgets.example.com', 'spec:', '  conversion:', '    strategy: Webhook', '    webhook:', '      clientConfig:', `        caBundle: ${caBundle}`].join('\n'), 'caBundle:'],
        ['cluster-issuer', ['apiVersion: cert-manager.io/v1', 'kind: ClusterIssuer', 'metadata:', '  name: acme', 'spec:', '  acme:', '    server: https://acme.example.com/directory', `    caBundle: ${caBundle}`, '    privateKeySecretRef:', '      name: acme-key', '    solvers:', '    - http01:', '        ingress: {}'].join('\n'), 'caBundle:'],
        ['cluster-trust-bundle', ['apiVersion: certificates.k8s.io/v1beta1', 'kind: ClusterTrustBundle', 'metadata:', '  name: example.com:root:one', 'spec:', '  signerName: example.com/root', '  trustBundle: |', indent(root.pem, 4)].join('\n'), 'MII'],
        ['string-data', ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: ca', 'stringData:', '  ca.crt: |', indent(root.pem, 4)].join('\n'), 'MII'],
        ['configmap', ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: kube-root-ca.crt', 'data:', '  ca.crt: |', indent(root.pem, 4)].join('\n'), 'MII'],
      ];
      for (const [name, text, marker] of cases) {
        const uri = `file:///virtual/site-${name}.yaml`;
        await client.open(uri, text + '\n');
        const line = text.split('\n').findIndex((l) => l.includes(marker));
        const hover = await hoverAt(uri, { line, character: text.split('\n')[line].indexOf(marker) + marker.length + 3 });
        assert.ok(hover, name);
        assert.equal(hoverFields(hover).get('SHA-256'), factsOf(w, root).sha256, name);
        assert.deepEqual((await lensesOf(uri)).map((l) => l.command?.title), [expectedLens(w, root)], name);
      }
    });

    it('hover on a CertificateRequest request decodes the CSR', async () => {
      const uri = 'file:///virtual/request.yaml';
      const csr = join(w.dir, 'request.csr');
      w.openssl(['req', '-new', '-config', 'openssl.cnf', '-key', leaf.keyPath, '-subj', '/CN=request.apps.svc', '-out', csr]);
      const text = ['apiVersion: cert-manager.io/v1', 'kind: CertificateRequest', 'metadata:', '  name: web-1', '  namespace: apps', 'spec:', '  issuerRef:', '    name: ca', `  request: ${b64(readFileSync(csr, 'utf8'))}`, ''].join('\n');
      await client.open(uri, text);
      const line = text.split('\n').findIndex((l) => l.includes('request:'));
      const hover = await hoverAt(uri, { line, character: 30 });
      assert.ok(hover);
      assert.match(hoverText(hover), /^\*\*CERTIFICATE REQUEST 1 of 1\*\* · Certificate request CN=request\.apps\.svc/);
      const subject = w.openssl(['req', '-in', csr, '-noout', '-subject', '-nameopt', 'RFC2253']).trim().replace(/^subject=/, '');
      assert.equal(hoverFields(hover).get('Subject'), subject);
      assert.deepEqual(await lensesOf(uri), [], 'lenses are for certificates only');
    });

    it('no hover, lens or diagnostic ever contains the private key\'s body', () => {
      assert.ok(seen.length >= 8);
      const everything = seen.join('\n');
      for (const line of keyMaterial(keyPem)) assert.ok(!everything.includes(line), 'private key material leaked');
      const encoded = b64(keyPem);
      assert.ok(!everything.includes(encoded.slice(60, 120)), 'private key base64 leaked');
    });
  });

  describe('the Debian public bundle inlined in a Bundle', { skip: !existsSync(DEBIAN_BUNDLE) && `${DEBIAN_BUNDLE} not present` }, () => {
    const uri = 'file:///virtual/debian-bundle.yaml';
    let text: string;
    let opensslCount: number;
    let hundredth: string;

    before(async () => {
      const p7 = join(w.dir, 'debian.p7');
      w.openssl(['crl2pkcs7', '-nocrl', '-certfile', DEBIAN_BUNDLE, '-out', p7]);
      opensslCount = w.openssl(['pkcs7', '-in', p7, '-print_certs', '-noout']).split('\n').filter((l) => l.startsWith('subject=')).length;
      const printed = w.openssl(['pkcs7', '-in', p7, '-print_certs']);
      const pems = printed.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)!;
      assert.equal(pems.length, opensslCount);
      const path = join(w.dir, 'hundredth.pem');
      writeFileSync(path, pems[99] + '\n');
      hundredth = /=([0-9A-F:]+)/.exec(w.openssl(['x509', '-in', path, '-noout', '-fingerprint', '-sha256']))![1];
      text = bundle('debian', [readFileSync(DEBIAN_BUNDLE, 'utf8')]);
      await client.open(uri, text);
    });

    it('hover over certificate 100 reports the certificate openssl lists 100th', async () => {
      assert.ok(opensslCount >= 100, `only ${opensslCount} certificates`);
      const lines = blockLines(text);
      const hover = await hoverAt(uri, { line: lines[99].begin + 4, character: 12 });
      assert.ok(hover);
      assert.match(hoverText(hover), new RegExp(`^\\*\\*CERTIFICATE 100 of ${opensslCount}\\*\\*`));
      assert.equal(hoverFields(hover).get('SHA-256'), hundredth);
      assert.deepEqual(hover.range, blockRange(text, 99));
    });

    it('has as many CodeLenses as openssl counts certificates', async () => {
      const lenses = await lensesOf(uri);
      assert.equal(lenses.length, opensslCount);
      assert.equal(lenses[99].range.start.line, blockLines(text)[99].begin);
      assert.ok(lenses[99].command!.title.endsWith(`SHA-256 ${hundredth.toLowerCase().split(':').slice(0, 4).join(':')}:…`), lenses[99].command!.title);
    });
  });

  describe('pem/* diagnostics and their quick fixes', () => {
    const uri = 'file:///virtual/problem-bundle.yaml';
    // Block order: 1 root, 2 expired CA, 3 leaf (not a CA), 4 root again (duplicate),
    // 5 SHA-1-signed leaf, 6 RSA-1024 CA, 7 not yet valid, 8 expiring in 10 days.
    let order: Made[];
    let text: string;
    let diagnostics: Diagnostic[];

    before(async () => {
      order = [root, expired, leaf, root, sha1Leaf, weakCa, future, expiringSoon];
      text = bundle('problems', order.map((m) => m.pem));
      diagnostics = await client.open(uri, text);
    });

    const expectations: [rule: string, block: number, message: RegExp][] = [
      ['pem/expired', 1, /^certificate CN=Expired Intermediate \(PEM block 2\) expired on \d{4}-\d{2}-\d{2}/],
      ['pem/not-ca', 2, /^certificate CN=web\.apps\.svc \(PEM block 3\) is not a CA/],
      ['pem/duplicate', 3, /^certificate CN=Trustwright Test Root \(PEM block 4\) repeats PEM block 1/],
      ['pem/weak-signature', 4, /^certificate CN=legacy\.apps\.svc \(PEM block 5\) is signed with SHA-1/],
      ['pem/not-ca', 4, /\(PEM block 5\) is not a CA/],
      ['pem/weak-key', 5, /^certificate CN=Weak RSA CA \(PEM block 6\) has a 1024-bit RSA key/],
      ['pem/not-yet-valid', 6, /^certificate CN=Future Intermediate \(PEM block 7\) is not valid until/],
      ['pem/expiring-soon', 7, /^certificate CN=Soon Intermediate \(PEM block 8\) expires on/],
    ];

    for (const [rule, block, message] of expectations) {
      it(`${rule} lands on PEM block ${block + 1}'s own lines`, () => {
        const found = diagnostics.filter((d) => d.code === rule && message.test(messageOf(d)));
        assert.equal(found.length, 1, `${rule} block ${block + 1}: ${JSON.stringify(diagnostics.map((d) => [d.code, d.message]), null, 1)}`);
        assert.deepEqual(found[0].range, blockRange(text, block));
        assert.equal(found[0].severity, 2);
      });
    }

    it('the expiry dates and key size in the messages are openssl\'s', () => {
      const expiredFinding = diagnostics.find((d) => d.code === 'pem/expired')!;
      assert.ok(messageOf(expiredFinding).includes(`expired on ${factsOf(w, expired).notAfter.toISOString().slice(0, 10)}`));
      assert.equal(factsOf(w, weakCa).keyBits, 1024);
      assert.equal(factsOf(w, sha1Leaf).signature, 'ecdsa-with-SHA1');
    });

    it('reports nothing on the good certificate, and no pem/* finding off its block', () => {
      const starts = blockLines(text).map((b) => b.begin);
      for (const d of diagnostics.filter((d) => String(d.code).startsWith('pem/'))) {
        assert.notEqual(d.range.start.line, starts[0], `${d.code} on block 1: ${messageOf(d)}`);
        assert.ok(starts.includes(d.range.start.line), `${d.code} does not start on a BEGIN line: ${messageOf(d)}`);
      }
      assert.equal(diagnostics.filter((d) => String(d.code).startsWith('pem/')).length, expectations.length);
      assert.ok(!diagnostics.some((d) => d.code === 'yaml/syntax'));
    });

    async function applyFix(current: string, rule: string, title: string): Promise<string> {
      const diagnostic = diagnostics.find((d) => d.code === rule);
      assert.ok(diagnostic, rule);
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
      const fix = actions.find((a) => a.title === title);
      assert.ok(fix, `${title} not offered: ${JSON.stringify(actions.map((a) => a.title))}`);
      assert.equal(fix.kind, 'quickfix');
      return applyEdits(current, fix.edit!.changes![uri]);
    }

    function assertIntact(fixed: string, remaining: readonly Made[]): void {
      const documents = parseAllDocuments(fixed);
      assert.equal(documents.length, 1);
      assert.deepEqual(documents[0].errors, []);
      const inLine = (documents[0].toJS() as { spec: { sources: { inLine: string }[]; target: unknown } }).spec;
      assert.equal(inLine.sources[0].inLine, remaining.map((m) => m.pem.trim()).join('\n') + '\n');
      assert.deepEqual(inLine.target, { configMap: { key: 'ca-bundle.crt' } });
      const lines = fixed.split('\n');
      const from = lines.findIndex((l) => l.includes('inLine: |'));
      const to = lines.findIndex((l) => l === '  target:');
      for (const line of lines.slice(from + 1, to)) assert.match(line, /^ {6}\S/);
    }

    it('"Remove the duplicate certificate" then "Remove the expired certificate" leave a valid Bundle whose other certificates still decode', async () => {
      const withoutDuplicate = await applyFix(text, 'pem/duplicate', 'Remove the duplicate certificate');
      const remaining1 = order.filter((_, i) => i !== 3);
      assertIntact(withoutDuplicate, remaining1);
      diagnostics = await client.replace(uri, withoutDuplicate, 2);
      assert.ok(!diagnostics.some((d) => d.code === 'pem/duplicate'), JSON.stringify(diagnostics));
      assert.ok(!diagnostics.some((d) => d.code === 'yaml/syntax'));
      assert.deepEqual(
        (await lensesOf(uri)).map((l) => l.command?.title),
        remaining1.map((m) => expectedLens(w, m)),
      );

      const withoutExpired = await applyFix(withoutDuplicate, 'pem/expired', 'Remove the expired certificate');
      const remaining2 = remaining1.filter((m) => m !== expired);
      assertIntact(withoutExpired, remaining2);
      diagnostics = await client.replace(uri, withoutExpired, 3);
      assert.ok(!diagnostics.some((d) => d.code === 'pem/expired'), JSON.stringify(diagnostics));
      assert.ok(!diagnostics.some((d) => d.code === 'yaml/syntax'));
      const lenses = await lensesOf(uri);
      assert.equal(lenses.length, remaining2.length);
      assert.deepEqual(lenses.map((l) => l.range.start.line), blockLines(withoutExpired).map((b) => b.begin));
      // The findings that were not fixed are still there, on their blocks' new lines.
      const weak = diagnostics.find((d) => d.code === 'pem/weak-key');
      assert.ok(weak);
      assert.deepEqual(weak.range, blockRange(withoutExpired, remaining2.indexOf(weakCa)));
    });

    it('removes the last certificate of a literal at the end of the file cleanly', async () => {
      const endUri = 'file:///virtual/last-block.yaml';
      const last = ['apiVersion: trust-manager.io/v1alpha2', 'kind: ClusterBundle', 'metadata:', '  name: trust', 'spec:', '  inLineCAs: |', indent(root.pem + root.pem, 4)].join('\n');
      diagnostics = await client.open(endUri, last);
      const duplicate = diagnostics.find((d) => d.code === 'pem/duplicate');
      assert.ok(duplicate, JSON.stringify(diagnostics));
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: endUri }, range: duplicate.range, context: { diagnostics: [duplicate] } });
      const fix = actions.find((a) => a.title === 'Remove the duplicate certificate');
      assert.ok(fix);
      const fixed = applyEdits(last, fix.edit!.changes![endUri]);
      assert.equal((parseAllDocuments(fixed)[0].toJS() as { spec: { inLineCAs: string } }).spec.inLineCAs, root.pem.trim() + '\n');
      assert.equal(fixed, ['apiVersion: trust-manager.io/v1alpha2', 'kind: ClusterBundle', 'metadata:', '  name: trust', 'spec:', '  inLineCAs: |', indent(root.pem, 4)].join('\n'));
    });

    it('offers no line-deleting fix for a duplicate in a quoted inLine, whose blocks share the key\'s line', async () => {
      const quotedUri = 'file:///virtual/quoted-bundle.yaml';
      const quoted = bundle('quoted', [root.pem]).replace(/inLine: \|\n[\s\S]*?(?=\n {2}target:)/, `inLine: ${JSON.stringify(root.pem + root.pem)}`);
      const found = await client.open(quotedUri, quoted);
      const duplicate = found.find((d) => d.code === 'pem/duplicate');
      assert.ok(duplicate, JSON.stringify(found));
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: quotedUri }, range: duplicate.range, context: { diagnostics: [duplicate] } });
      assert.ok(!actions.some((a) => a.title === 'Remove the duplicate certificate'), JSON.stringify(actions.map((a) => a.title)));
      // Whatever is offered keeps the Bundle parseable with its source.
      for (const action of actions) {
        const after = applyEdits(quoted, action.edit!.changes![quotedUri]);
        assert.equal((parseAllDocuments(after)[0].toJS() as { spec: { sources: { inLine: string }[] } }).spec.sources[0].inLine, root.pem + root.pem);
      }
    });
  });

  describe('other ways of writing the literal', () => {
    it('CRLF line ends: hover and finding ranges stay on the block, and the fix keeps CRLF', async () => {
      const uri = 'file:///virtual/crlf-bundle.yaml';
      const text = bundle('crlf', [root.pem, expired.pem, intermediate.pem]).replace(/\n/g, '\r\n');
      const diagnostics = await client.open(uri, text);
      const finding = diagnostics.find((d) => d.code === 'pem/expired');
      assert.ok(finding, JSON.stringify(diagnostics));
      assert.deepEqual(finding.range, blockRange(text, 1));
      const hover = await hoverAt(uri, { line: blockLines(text)[2].begin + 1, character: 3 });
      assert.ok(hover);
      assert.equal(hoverFields(hover).get('SHA-256'), factsOf(w, intermediate).sha256);
      assert.deepEqual(hover.range, blockRange(text, 2));
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: finding.range, context: { diagnostics: [finding] } });
      const fix = actions.find((a) => a.title === 'Remove the expired certificate');
      assert.ok(fix);
      const fixed = applyEdits(text, fix.edit!.changes![uri]);
      assert.ok(!/[^\r]\n/.test(fixed), 'a bare LF appeared');
      const value = (parseAllDocuments(fixed)[0].toJS() as { spec: { sources: { inLine: string }[] } }).spec.sources[0].inLine;
      assert.equal(value, [root, intermediate].map((m) => m.pem.trim()).join('\n') + '\n');
    });

    it('an indentation indicator (|2) does not shift ranges', async () => {
      const uri = 'file:///virtual/indicator.yaml';
      const text = ['apiVersion: trust-manager.io/v1alpha2', 'kind: ClusterBundle', 'metadata:', '  name: trust', 'spec:', '  inLineCAs: |2', indent(root.pem + expired.pem, 4), ''].join('\n');
      const diagnostics = await client.open(uri, text);
      const finding = diagnostics.find((d) => d.code === 'pem/expired');
      assert.ok(finding, JSON.stringify(diagnostics));
      assert.deepEqual(finding.range, blockRange(text, 1));
      const hover = await hoverAt(uri, { line: blockLines(text)[1].begin + 2, character: 9 });
      assert.ok(hover);
      assert.equal(hoverFields(hover).get('SHA-256'), factsOf(w, expired).sha256);
      assert.deepEqual(hover.range, blockRange(text, 1));
    });
  });

  describe('PEM files', () => {
    it('a .pem file opened as languageId pem gets diagnostics, hovers and lenses', async () => {
      const uri = 'file:///virtual/chain.pem';
      const text = root.pem + expired.pem;
      const diagnostics = await client.open(uri, text, 1, 'pem');
      const expiredFinding = diagnostics.find((d) => d.code === 'pem/expired');
      assert.ok(expiredFinding, JSON.stringify(diagnostics));
      assert.deepEqual(expiredFinding.range, blockRange(text, 1));
      assert.deepEqual(diagnostics.map((d) => d.code), ['pem/expired']);
      const hover = await hoverAt(uri, { line: blockLines(text)[1].begin + 2, character: 5 });
      assert.ok(hover);
      assert.equal(hoverFields(hover).get('SHA-256'), factsOf(w, expired).sha256);
      assert.equal(hoverFields(hover).get('Issued by'), 'certificate 1 in this block');
      assert.deepEqual(hover.range, blockRange(text, 1));
      assert.deepEqual((await lensesOf(uri)).map((l) => [l.range.start.line, l.command?.title]), [
        [0, expectedLens(w, root)],
        [blockLines(text)[1].begin, expectedLens(w, expired)],
      ]);
    });

    it('a .crt file works by its extension under another languageId', async () => {
      const uri = 'file:///virtual/server.crt';
      const text = leaf.pem;
      const diagnostics = await client.open(uri, text, 1, 'plaintext');
      assert.deepEqual(diagnostics, []);
      const hover = await hoverAt(uri, { line: 1, character: 0 });
      assert.ok(hover);
      assert.equal(hoverFields(hover).get('SHA-256'), factsOf(w, leaf).sha256);
      assert.equal((await lensesOf(uri)).length, 1);
      const broken = text.replace(/\n[A-Za-z0-9+/]{64}\n/, '\nnot base64 at all\n');
      const after = await client.replace(uri, broken, 2);
      assert.deepEqual(after.map((d) => d.code), ['pem/malformed']);
      assert.deepEqual(after[0].range.start, { line: 0, character: 0 });
    });

    it('a private key file is not told to rotate its key, and its key is never shown', async () => {
      const uri = 'file:///virtual/privkey.pem';
      const diagnostics = await client.open(uri, keyPem, 1, 'pem');
      assert.deepEqual(diagnostics, []);
      const hover = await hoverAt(uri, { line: 1, character: 3 });
      assert.ok(hover);
      assert.match(hoverText(hover), /not decoded or shown/);
      for (const line of keyMaterial(keyPem)) assert.ok(!hoverText(hover).includes(line));
      assert.deepEqual(await lensesOf(uri), []);
    });

    it('a plain-text file with another extension is left alone', async () => {
      const uri = 'file:///virtual/notes.txt';
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version: 1, text: root.pem } });
      assert.equal(await hoverAt(uri, { line: 1, character: 1 }), null);
      assert.deepEqual(await lensesOf(uri), []);
    });
  });
});
