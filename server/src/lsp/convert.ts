// Engine shapes to LSP shapes.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { Finding, Severity } from '../core/findings';

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export interface DiagnosticData {
  readonly field: string;
}

export function toDiagnostic(finding: Finding): Diagnostic {
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.rule,
    source: 'trustwright',
    message: finding.message,
    tags: finding.rule.endsWith('-deprecated') ? [DiagnosticTag.Deprecated] : undefined,
    relatedInformation: finding.related
      ?.filter((r) => r.uri)
      .map((r) => ({ location: { uri: r.uri!, range: r.range }, message: r.message })),
    data: { field: finding.field } satisfies DiagnosticData,
  };
}
