// Helm (`{{ … }}`) and kustomize/envsubst (`$(VAR)`, `${VAR}`) placeholders. Helm expressions are
// masked before parsing so that the rest of the file still parses with exact positions; values
// holding any placeholder are remembered so checks on them can be skipped.

export type TemplateKind = 'helm' | 'placeholder';

export interface TemplateSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: TemplateKind;
}

export interface MaskedText {
  /** Same length as the input, with every line break in the same place. */
  readonly text: string;
  readonly spans: readonly TemplateSpan[];
}

const HELM_EXPRESSION = /\{\{[\s\S]*?\}\}/g;
const PLACEHOLDER = /\$\([A-Za-z_][A-Za-z0-9_.]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;

export function hasHelmTemplate(text: string): boolean {
  return text.includes('{{') && /\{\{[\s\S]*?\}\}/.test(text);
}

/**
 * Replaces each Helm expression so the YAML structure around it survives: a line holding only
 * template actions (`{{- if … }}`, `{{ include … | nindent 4 }}`) becomes a comment; an
 * expression inside a line (`name: {{ .Release.Name }}-ca`) becomes filler characters of the same
 * length, a plain scalar wherever it stands.
 */
export function maskTemplates(text: string): MaskedText {
  const spans: TemplateSpan[] = [];
  const chars = hasHelmTemplate(text) ? text.split('') : null;

  if (chars) {
    for (const match of text.matchAll(HELM_EXPRESSION)) {
      const start = match.index;
      const end = start + match[0].length;
      spans.push({ start, end, kind: 'helm' });
      maskSpan(text, chars, start, end);
    }
  }
  for (const match of text.matchAll(PLACEHOLDER)) {
    spans.push({ start: match.index, end: match.index + match[0].length, kind: 'placeholder' });
  }

  spans.sort((a, b) => a.start - b.start);
  return { text: chars ? chars.join('') : text, spans };
}

function maskSpan(text: string, chars: string[], start: number, end: number): void {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd === -1) lineEnd = text.length;

  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd);
  const standsAlone = before.trim() === '' && onlyTemplatesOrComment(after);

  for (let i = start; i < end; i++) {
    if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = standsAlone ? ' ' : '_';
  }
  if (standsAlone) {
    // Every line the expression covers becomes a comment line.
    for (let i = start; i < end; i++) {
      if (i === start || chars[i - 1] === '\n') chars[i] = '#';
    }
  }
}

function onlyTemplatesOrComment(rest: string): boolean {
  const stripped = rest.replace(HELM_EXPRESSION, '').trim();
  return stripped === '' || stripped.startsWith('#');
}

export function overlapsTemplate(spans: readonly TemplateSpan[], start: number, end: number): TemplateSpan | undefined {
  for (const span of spans) {
    if (span.start > end) break;
    if (span.end >= start && span.start <= end) return span;
  }
  return undefined;
}
