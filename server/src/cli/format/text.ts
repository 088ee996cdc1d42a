import type { FileResult } from '../lint';
import { countBySeverity } from '../lint';
import { printable } from './escape';

/** `path:line:col: severity rule-id: message`, 1-based, then one summary line; control characters escaped. */
export function formatText(results: readonly FileResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    for (const f of result.findings) {
      lines.push(`${printable(result.path)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.rule}: ${printable(f.message)}`);
      for (const r of f.related ?? []) {
        lines.push(`    ${printable(r.uri ?? result.path)}:${r.range.start.line + 1}:${r.range.start.character + 1}: ${printable(r.message)}`);
      }
    }
  }
  const counts = countBySeverity(results);
  const objects = results.reduce((n, r) => n + r.objects, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.info + counts.hint, 'note')} in ${plural(results.length, 'file')} (${plural(objects, 'object')} checked)`,
  );
  return lines.join('\n') + '\n';
}
