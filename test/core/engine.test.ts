// The engine's own layers: YAML syntax with hints, positions, multi-document files, templates,
// placeholders, alias bombs, size limits and suppression comments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/engine';
import { expectFinding, lint, summary } from '../helpers';

const cert = (spec: string) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
spec:
  secretName: web-tls
  issuerRef:
    name: ca
${spec}`;

function covered(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split(/\r?\n/);
  if (range.start.line === range.end.line) return lines[range.start.line].slice(range.start.character, range.end.character);
  return lines[range.start.line].slice(range.start.character);
}

describe('YAML layer', () => {
  const cases = [
    {
      name: 'an unquoted wildcard DNS name is read as an alias',
      text: cert('  dnsNames:\n  - *.example.com\n'),
      rule: 'yaml/syntax',
      message: /quote it: "\*\.example\.com"/,
      at: '*.example.com',
    },
    { name: 'a tab used for indentation', text: cert('\tdnsNames: [a.example.com]\n'), rule: 'yaml/syntax', message: /tabs/, at: undefined },
    {
      name: 'a key indented one space deeper than its siblings',
      text: cert('  dnsNames:\n  - a.example.com\n   duration: 24h\n'),
      rule: 'yaml/syntax',
      message: /indent/,
      at: undefined,
    },
    { name: 'a key written twice', text: cert('  duration: 24h\n  duration: 48h\n'), rule: 'yaml/duplicate-key', message: /key "duration" already set in map/, at: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const finding = expectFinding(lint(c.text), c.rule, '', c.message);
      assert.equal(finding.severity, 'error');
      if (c.at) assert.equal(covered(c.text, finding.range), c.at);
    });
  }

  it('offers to quote an alias-like value, and the fixed text is clean', () => {
    const text = cert('  dnsNames:\n  - *.example.com\n');
    const finding = expectFinding(lint(text), 'yaml/syntax', '');
    const edit = finding.fixes![0].edits[0];
    const lines = text.split('\n');
    const line = lines[edit.range.start.line];
    lines[edit.range.start.line] = line.slice(0, edit.range.start.character) + edit.newText + line.slice(edit.range.end.character);
    assert.deepEqual(summary(lint(lines.join('\n')), (f) => f.severity === 'error'), []);
  });

  it('does not validate the objects of a document that does not parse', () => {
    const findings = lint(cert('  dnsNames:\n  - a\n   duration: 24h\n'));
    assert.deepEqual([...new Set(findings.map((f) => f.rule))], ['yaml/syntax']);
  });

  it('stops an alias bomb without expanding it', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10).fill(`*${'abcdefghij'[i - 1]}`).join(',')}]`);
    const text = `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: x\n${levels.join('\n')}\nspec: {}\n`;
    const findings = lint(text);
    assert.ok(findings.some((f) => f.rule === 'yaml/alias-limit'));
    // The document was abandoned, so nothing else is reported on it.
    assert.ok(!findings.some((f) => f.layer === 'schema'));
  });

  it('checks only YAML syntax above the size limit, and says so', () => {
    const text = cert('  duration: 30m\n');
    const findings = lint(text, { maxFileSize: 50 });
    assert.deepEqual(summary(findings), ['file/too-large@']);
  });

  it('above the size limit, reports a syntax error in any document, at its line', () => {
    const good = cert('  dnsNames: [a.example.com]\n');
    const bad = good.replace('[a.example.com]', '[a.example.com');
    const text = [good, good, bad, good].join('---\n');
    const findings = lint(text, { maxFileSize: 50 });
    const syntax = findings.filter((f) => f.rule === 'yaml/syntax');
    assert.equal(syntax.length, 1, JSON.stringify(findings.map((f) => f.rule)));
    const badLine = text.split('\n').findIndex((line) => line.includes('[a.example.com') && !line.includes(']'));
    assert.ok(badLine > 0 && syntax[0].range.start.line >= badLine, `${syntax[0].range.start.line} vs ${badLine}`);
    assert.equal(findings[0].rule, 'file/too-large');
  });

  it('above the size limit, the syntax check stops at the time budget too, and says where', () => {
    const text = [1, 2, 3].map(() => cert('  dnsNames: [a.example.com]\n')).join('---\n');
    const findings = lint(text, { maxFileSize: 50, analysisBudgetMs: -1 });
    assert.deepEqual(findings.map((f) => f.rule).sort(), ['file/time-budget', 'file/too-large']);
    const stop = findings.find((f) => f.rule === 'file/time-budget')!;
    assert.equal(stop.range.start.line, 0, 'stopped before the first chunk');
    assert.equal(stop.severity, 'warning');
    assert.match(stop.message, /the syntax check stopped .* the rest of it was not checked/);
  });
});

describe('positions', () => {
  it('keeps exact columns after non-ASCII text and with CRLF line endings', () => {
    const text = cert('  # ✅ emoji and ünïcödé before the bad value\n  duration: 30m\n').replace(/\n/g, '\r\n');
    const finding = expectFinding(lint(text), 'certificate/duration', 'spec.duration');
    assert.equal(covered(text, finding.range), '30m');
  });

  it('finds errors in the second and third documents of a file, and in a file without a final newline', () => {
    const text = `kind: ConfigMap\napiVersion: v1\n---\n${cert('  duration: 30m\n')}---\n${cert('  dnsNames: [a.example.com]\n  renewBefore: 1m').replace('name: web', 'name: other').replace('web-tls', 'other-tls')}`;
    const findings = lint(text);
    assert.deepEqual(summary(findings), ['certificate/duration@spec.duration', 'certificate/duration@spec.renewBefore', 'certificate/identity@spec']);
    const renew = findings.find((f) => f.field === 'spec.renewBefore')!;
    assert.equal(covered(text, renew.range), '1m');
  });

  it('validates the items of a kind: List (kubectl get -o yaml output)', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- ${cert('  duration: 30m\n  dnsNames: [a.example.com]\n').split('\n').join('\n  ')}\n`;
    const finding = expectFinding(lint(text), 'certificate/duration', 'spec.duration');
    assert.equal(covered(text, finding.range), '30m');
  });

  it('ignores kinds nested inside other objects', () => {
    const text = `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: x\nspec:\n  healthChecks:\n  - apiVersion: cert-manager.io/v1\n    kind: ClusterIssuer\n    name: Bad_Name\n`;
    assert.deepEqual(lint(text), []);
  });

  it('leaves a gardener Certificate alone', () => {
    const text = `apiVersion: cert.gardener.cloud/v1alpha1\nkind: Certificate\nmetadata:\n  name: x\nspec:\n  commonName: ${'a'.repeat(80)}\n  bogus: 1\n`;
    assert.deepEqual(lint(text), []);
  });
});

describe('templates and placeholders', () => {
  const helm = `{{- if .Values.enabled }}
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: {{ include "chart.fullname" . }}-tls
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  secretName: {{ .Values.secret }}
  {{- with .Values.duration }}
  duration: {{ . }}
  {{- end }}
  issuerRef:
    name: ca
    kind: Isuer
  dnsNames:
  {{- range .Values.hosts }}
  - {{ . | quote }}
  {{- end }}
{{- end }}
`;

  it('reports no YAML error and no error on templated values, and one note per document', () => {
    const findings = lint(helm);
    // The misspelt issuerRef kind is a webhook check, which templates skip (the note says so).
    assert.deepEqual(summary(findings), ['template/not-validated@']);
    assert.equal(findings[0].severity, 'info');
    assert.match(findings[0].message, /Helm template/);
  });

  it('still reports an unknown field written literally in a template', () => {
    const findings = lint(helm.replace('  issuerRef:', '  isCa: true\n  issuerRef:'));
    expectFinding(findings, 'schema/unknown-field', 'spec.isCa', /did you mean "isCA"\?/);
  });

  it('skips kustomize placeholders in values and says so, keeping only the placeholder warnings', () => {
    const text = cert('  dnsNames:\n  - $(SERVICE_NAME).$(SERVICE_NAMESPACE).svc\n').replace('secretName: web-tls', 'secretName: $(SECRET_NAME)');
    const findings = lint(text);
    assert.deepEqual(summary(findings), ['placeholder/unresolved@spec.dnsNames[0]', 'placeholder/unresolved@spec.secretName', 'template/not-validated@']);
    assert.match(findings.find((f) => f.rule === 'template/not-validated')!.message, /3 \$\(VAR\)\/\$\{VAR\} placeholders/);
  });
});

describe('suppression comments', () => {
  it('disable-next-line silences the named rule on the next line only', () => {
    const text = cert('  # trustwright-disable-next-line certificate/duration\n  duration: 30m\n  dnsNames: [a.example.com]\n  renewBefore: 1m\n');
    assert.deepEqual(summary(lint(text)), ['certificate/duration@spec.renewBefore']);
  });

  it('a document-wide disable silences the rule in that document only', () => {
    const one = cert('  duration: 30m\n  dnsNames: [a.example.com]\n');
    const text = `# trustwright-disable certificate/duration\n${one}---\n${one.replace('name: web', 'name: web2').replace('web-tls', 'web2-tls')}`;
    const findings = lint(text);
    assert.equal(findings.length, 1);
    assert.ok(findings[0].range.start.line > 10);
  });

  it('a severity override changes the severity, and off removes the rule', () => {
    const text = cert('  duration: 30m\n  dnsNames: [a.example.com]\n');
    assert.equal(analyze(text, { rules: { 'certificate/duration': 'warning' } }).findings[0].severity, 'warning');
    assert.deepEqual(analyze(text, { rules: { 'certificate/duration': 'off' } }).findings, []);
  });
});

describe('time budget', () => {
  it('stops part-way through a file once the budget is spent, and says where', () => {
    const docs = Array.from({ length: 5 }, (_, i) => cert('  duration: 30m\n  dnsNames: [a.example.com]\n').replace('name: web', `name: web-${i}`).replace('web-tls', `web-${i}-tls`));
    const text = docs.join('---\n');
    const findings = lint(text, { analysisBudgetMs: -1 });
    const stop = findings.find((f) => f.rule === 'file/time-budget');
    assert.ok(stop, JSON.stringify(findings.map((f) => f.rule)));
    assert.match(stop.message, /the 4 documents from here on were not checked/);
    assert.equal(findings.filter((f) => f.rule === 'certificate/duration').length, 1, 'only the first document was checked');
  });
});
