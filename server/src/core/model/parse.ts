import { parseAllDocuments, type Document } from 'yaml';
import { LineIndex } from './text';
import { maskTemplates, type TemplateSpan } from './templates';

export interface YamlProblem {
  readonly code: string;
  readonly message: string;
  readonly start: number;
  readonly end: number;
  readonly severity: 'error' | 'warning';
}

export interface ParsedDocument {
  readonly index: number;
  readonly doc: Document.Parsed;
  /** Offsets of the document in the file, separators excluded. */
  readonly start: number;
  readonly end: number;
  readonly problems: readonly YamlProblem[];
  readonly templateSpans: readonly TemplateSpan[];
}

export interface ParsedFile {
  readonly text: string;
  readonly lines: LineIndex;
  readonly documents: readonly ParsedDocument[];
  readonly templateSpans: readonly TemplateSpan[];
}

// Kubernetes decodes manifests with go-yaml v2 (YAML 1.1: `yes`/`no`/`on`/`off` are booleans,
// `0777` is octal). It hands timestamps over as strings, so the timestamp tag is left out.
const PARSE_OPTIONS = {
  version: '1.1',
  prettyErrors: false,
  uniqueKeys: true,
  customTags: (tags: unknown[]) =>
    tags.filter((tag) => (tag as { tag?: string }).tag !== 'tag:yaml.org,2002:timestamp'),
} as const;

export function parseFile(text: string): ParsedFile {
  const masked = maskTemplates(text);
  const lines = new LineIndex(text);
  const parsed = parseAllDocuments(masked.text, PARSE_OPTIONS as never);
  const docs = Array.isArray(parsed) ? parsed : [];

  const documents = docs.map((doc, index): ParsedDocument => {
    const [start, , end] = doc.range;
    const problems: YamlProblem[] = [
      ...doc.errors.map((e) => problem(e, 'error')),
      ...doc.warnings.map((e) => problem(e, 'warning')),
    ];
    return {
      index,
      doc,
      start,
      end,
      problems,
      templateSpans: masked.spans.filter((s) => s.start >= start && s.start <= end),
    };
  });

  return { text, lines, documents, templateSpans: masked.spans };
}

function problem(e: { code: string; message: string; pos: [number, number] }, severity: YamlProblem['severity']): YamlProblem {
  return { code: e.code, message: e.message, start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1), severity };
}
