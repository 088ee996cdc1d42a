import type { FileResult } from '../lint';

export interface JsonFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: string;
  readonly rule: string;
  readonly message: string;
  readonly field: string;
  readonly kind: string | null;
  readonly name: string | null;
  readonly namespace: string | null;
  /** Other places the finding points at (often in another file). */
  readonly related?: readonly { readonly file: string; readonly line: number; readonly column: number; readonly message: string }[];
}

export function toJsonFindings(results: readonly FileResult[]): JsonFinding[] {
  return results.flatMap((result) =>
    result.findings.map((f) => ({
      file: result.path,
      line: f.range.start.line + 1,
      column: f.range.start.character + 1,
      endLine: f.range.end.line + 1,
      endColumn: f.range.end.character + 1,
      severity: f.severity,
      rule: f.rule,
      message: f.message,
      field: f.field,
      kind: f.object?.kind ?? null,
      name: f.object?.name ?? null,
      namespace: f.object?.namespace ?? null,
      ...(f.related?.length
        ? { related: f.related.map((r) => ({ file: r.uri ?? result.path, line: r.range.start.line + 1, column: r.range.start.character + 1, message: r.message })) }
        : {}),
    })),
  );
}

export function formatJson(results: readonly FileResult[]): string {
  return JSON.stringify({ findings: toJsonFindings(results) }, null, 2) + '\n';
}
