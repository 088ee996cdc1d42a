// Comments that silence findings:
//   # trustwright-disable-next-line [rule-id ...]   the next line (all rules when none are named)
//   # trustwright-disable [rule-id ...]             the whole YAML document the comment is in
import type { Finding } from './findings';
import type { ParsedFile } from './model/parse';

const DIRECTIVE = /#\s*trustwright-disable(-next-line)?(?:\s+([^#]*))?$/;

interface Directive {
  readonly line: number;
  readonly nextLine: boolean;
  readonly rules: readonly string[];
}

function directives(file: ParsedFile): Directive[] {
  const found: Directive[] = [];
  if (!file.text.includes('trustwright-disable')) return found;
  for (let line = 0; line < file.lines.lineCount; line++) {
    const text = file.lines.lineText(line);
    const hash = text.indexOf('#');
    if (hash === -1 || !text.includes('trustwright-disable')) continue;
    const match = DIRECTIVE.exec(text.slice(hash));
    if (!match) continue;
    const rules = (match[2] ?? '').split(/[\s,]+/).filter(Boolean);
    found.push({ line, nextLine: Boolean(match[1]), rules });
  }
  return found;
}

export function applySuppressions(file: ParsedFile, findings: Finding[]): Finding[] {
  const list = directives(file);
  if (list.length === 0) return findings;

  const documentOf = (line: number) => {
    const offset = file.lines.lineStart(line);
    // A comment above a document's first key belongs to that document.
    return file.documents.findIndex((d) => offset <= d.end);
  };
  const matches = (d: Directive, rule: string) => d.rules.length === 0 || d.rules.includes(rule);

  return findings.filter((f) => {
    const line = f.range.start.line;
    for (const d of list) {
      if (d.nextLine ? d.line + 1 === line : documentOf(d.line) === documentOf(line) && documentOf(line) !== -1) {
        if (matches(d, f.rule)) return false;
      }
    }
    return true;
  });
}
