// Every file of the real-manifest corpus against expected.yaml: all expected errors at the right
// field, no other error, and nothing at all on files with no target objects.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { analyze } from '../server/src/core/engine';

interface Expectation {
  readonly errors?: readonly string[];
  readonly includes?: readonly string[];
  readonly absent?: readonly string[];
  readonly silent?: boolean;
}

const dir = join(__dirname, 'fixtures', 'corpus');
const expectations = parse(readFileSync(join(dir, 'expected.yaml'), 'utf8')) as Record<string, Expectation>;
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'expected.yaml').sort();

describe('corpus of real manifests', () => {
  it('has an expectation for every file and a file for every expectation', () => {
    assert.deepEqual(Object.keys(expectations).sort(), files);
  });

  for (const file of files) {
    const expected = expectations[file] ?? {};
    it(file, () => {
      const { findings } = analyze(readFileSync(join(dir, file), 'utf8'));
      const describe = () => findings.map((f) => `  ${f.range.start.line + 1}: ${f.severity} ${f.rule}@${f.field}: ${f.message}`).join('\n');

      if (expected.silent) {
        assert.equal(findings.length, 0, `expected nothing, got:\n${describe()}`);
        return;
      }
      const errors = findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}@${f.field}`).sort();
      assert.deepEqual(errors, [...(expected.errors ?? [])].sort(), `errors differ; all findings:\n${describe()}`);

      for (const wanted of expected.includes ?? []) {
        const [key, severity] = wanted.split(/:(?=[a-z]+$)/);
        const hit = findings.find((f) => `${f.rule}@${f.field}` === key && (!severity || f.severity === severity));
        assert.ok(hit, `expected ${wanted}; got:\n${describe()}`);
      }
      for (const rule of expected.absent ?? []) {
        assert.ok(!findings.some((f) => f.rule === rule), `did not expect ${rule}; got:\n${describe()}`);
      }
    });
  }

  it('reports the YAML error of the documentation ellipsis at the "..." line', () => {
    const text = readFileSync(join(dir, '19-acme-multi-solver-doc-ellipsis.yaml'), 'utf8');
    const finding = analyze(text).findings.find((f) => f.rule === 'yaml/syntax');
    assert.ok(finding);
    const line = text.split('\n')[finding.range.start.line];
    assert.equal(line.trim(), '...');
  });

  it('keeps exact columns after a UTF-8 emoji comment (42)', () => {
    const text = readFileSync(join(dir, '42-gateway-and-certificate-emoji-comments.yaml'), 'utf8');
    const broken = text.replace(/secretName: (\S+)/, 'secretName: Bad_Name');
    const finding = analyze(broken).findings.find((f) => f.rule === 'certificate/secret-name');
    assert.ok(finding, 'expected the broken secretName to be reported');
    const line = broken.split('\n')[finding.range.start.line];
    assert.equal(line.slice(finding.range.start.character, finding.range.end.character), 'Bad_Name');
  });
});
