import { isMap, isNode, isPair, isSeq, parseAllDocuments, type Document } from 'yaml';
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
  return parseChunks(text).file;
}

/**
 * A run of lines from one `---` separator to the next. YAML documents never span a separator at
 * column 0, so each chunk parses on its own; an edit re-parses only the chunk it touches.
 */
export interface Chunk {
  readonly text: string;
  /** Offset of the chunk in the file its nodes are currently expressed in. */
  start: number;
  readonly documents: ParsedDocument[];
  /** Set instead of `documents` for an object of a kind nothing here looks at (never parsed). */
  readonly skipped?: SkippedObject;
  /** Set instead of `documents` when the chunk was not parsed to protect the process. */
  readonly refused?: { readonly message: string; readonly start: number; readonly end: number };
  /** Per-chunk memo for the engine (objects, findings); dropped with the chunk. */
  readonly memo: Map<string, unknown>;
}

/** What is read of an object that is not parsed: enough for an outline. Offsets are chunk-relative. */
export interface SkippedObject {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  /** The name's value, or the kind line when there is no name. */
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Kinds whose objects are parsed: those Trustwright validates, those that can hold certificates, and
 * lists that may contain either. Everything else (Deployments, Services, …) is outlined from its
 * top-level lines and never parsed: the cheapest work is the work not done.
 */
const PARSED_KINDS = new Set([
  'Certificate',
  'CertificateRequest',
  'Issuer',
  'ClusterIssuer',
  'Bundle',
  'ClusterBundle',
  'ClusterTrustBundle',
  'Secret',
  'ConfigMap',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'CustomResourceDefinition',
]);

const TOP_KIND = /^kind:[ \t]*["']?([A-Za-z0-9]+)["']?[ \t]*(?:#.*)?$/gm;
const TOP_API_VERSION = /^apiVersion:[ \t]*["']?([^"'\s#]+)["']?[ \t]*(?:#.*)?$/m;

/** A chunk that holds exactly one plain object of a kind no check reads, or undefined. */
function skippable(text: string): SkippedObject | undefined {
  const kinds = [...text.matchAll(TOP_KIND)];
  if (kinds.length !== 1) return undefined;
  const kind = kinds[0][1];
  if (PARSED_KINDS.has(kind) || kind.endsWith('List')) return undefined;
  // Templates, document end markers and directives make line-based reading unsafe.
  if (text.includes('{{') || /^(\.\.\.|%)/m.test(text)) return undefined;
  const metadata = /^metadata:[ \t]*\r?\n((?:(?:[ \t]+.*|[ \t]*)(?:\r?\n|$))*)/m.exec(text);
  // The direct children of metadata share the indentation of its first line.
  const childIndent = metadata ? (/^[ \t]+/.exec(metadata[1])?.[0] ?? '') : '';
  const field = (name: string) => {
    if (!metadata || !childIndent) return undefined;
    const at = new RegExp(`^${childIndent}${name}:[ \\t]*["']?([^"'\\s#]+)`, 'm').exec(metadata[1]);
    if (!at) return undefined;
    const offset = metadata.index + metadata[0].length - metadata[1].length + at.index + at[0].length - at[1].length;
    return { value: at[1], start: offset, end: offset + at[1].length };
  };
  const name = field('name');
  const namespace = field('namespace');
  const kindAt = kinds[0].index;
  return {
    apiVersion: TOP_API_VERSION.exec(text)?.[1],
    kind,
    name: name?.value,
    namespace: namespace?.value,
    nameStart: name?.start ?? kindAt,
    nameEnd: name?.end ?? kindAt + kinds[0][0].length,
    start: text.startsWith('---') ? text.indexOf('\n') + 1 : 0,
    end: text.length,
  };
}

export interface ChunkedFile {
  readonly file: ParsedFile;
  readonly chunks: readonly Chunk[];
}

const SEPARATOR = /^---(?=[ \t\r\n]|$)/gm;

function chunkStarts(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(SEPARATOR)) if (match.index > 0) starts.push(match.index);
  return starts;
}

/**
 * Parses a file chunk by chunk, reusing chunks of a previous parse of the same file whose text is
 * unchanged (their node ranges are moved to the new offsets, which costs far less than parsing).
 */
export function parseChunks(text: string, previous: readonly Chunk[] = []): ChunkedFile {
  const available = new Map<string, Chunk[]>();
  for (const chunk of previous) available.set(chunk.text, [...(available.get(chunk.text) ?? []), chunk]);

  const starts = chunkStarts(text);
  const chunks: Chunk[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i];
    const chunkText = text.slice(start, i + 1 < starts.length ? starts[i + 1] : text.length);
    const reused = available.get(chunkText)?.shift();
    if (reused) {
      moveChunk(reused, start);
      chunks.push(reused);
    } else {
      chunks.push(parseChunk(chunkText, start));
    }
  }

  const documents: ParsedDocument[] = [];
  for (const chunk of chunks) {
    for (const document of chunk.documents) {
      (document as { index: number }).index = documents.length;
      documents.push(document);
    }
  }
  const templateSpans = documents.flatMap((d) => d.templateSpans);
  return { file: { text, lines: new LineIndex(text), documents, templateSpans }, chunks };
}

/**
 * The chunks of `text` one at a time, for a pass that keeps none of them (the syntax-only check of
 * a file over the size limit): memory holds one chunk's parse, not the file's.
 */
export function* eachChunk(text: string): Generator<Chunk> {
  const starts = chunkStarts(text);
  for (let i = 0; i < starts.length; i++) yield parseChunk(text.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : text.length), starts[i]);
}

/** Deeper than any manifest nests; the YAML parser recurses per level and would run out of stack. */
export const MAX_NESTING = 100;

/**
 * The deepest nesting of a chunk, counting flow brackets (outside quotes and comments) and block
 * indentation in steps of two columns; stops counting once past the limit.
 */
function nesting(text: string): { depth: number; at: number } {
  let depth = 0;
  let deepest = { depth: 0, at: 0 };
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") {
      const before = text[i - 1];
      if (before === undefined || /[\s\[{,:-]/.test(before)) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl - 1;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth > deepest.depth) deepest = { depth, at: i };
      if (depth > MAX_NESTING) return deepest;
    } else if (c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    } else if (c === '\n' && depth === 0) {
      const indent = /^ */.exec(text.slice(i + 1, i + 1 + 2 * MAX_NESTING + 2))![0].length;
      const level = Math.floor(indent / 2);
      if (level > deepest.depth) deepest = { depth: level, at: i + 1 };
      if (level > MAX_NESTING) return deepest;
    }
  }
  return deepest;
}

function parseChunk(text: string, start: number): Chunk {
  const skipped = skippable(text);
  if (skipped) return { text, start, documents: [], skipped, memo: new Map() };
  const deep = nesting(text);
  if (deep.depth > MAX_NESTING) {
    const lineEnd = text.indexOf('\n', deep.at);
    const refused = {
      message: `nesting deeper than ${MAX_NESTING} levels; no manifest nests this deep, so this document was not parsed (the editor stays responsive)`,
      start: deep.at,
      end: lineEnd === -1 ? text.length : Math.max(deep.at + 1, lineEnd),
    };
    return { text, start, documents: [], refused, memo: new Map() };
  }
  const masked = maskTemplates(text);
  const parsed = parseAllDocuments(masked.text, PARSE_OPTIONS as never);
  const docs = Array.isArray(parsed) ? parsed : [];
  const documents = docs.map((doc): ParsedDocument => {
    const [docStart, , docEnd] = doc.range;
    return {
      index: 0,
      doc,
      start: docStart,
      end: docEnd,
      problems: [...doc.errors.map((e) => problem(e, 'error')), ...doc.warnings.map((e) => problem(e, 'warning'))],
      templateSpans: masked.spans.filter((span) => span.start >= docStart && span.start <= docEnd),
    };
  });
  const chunk: Chunk = { text, start: 0, documents, memo: new Map() };
  moveChunk(chunk, start);
  return chunk;
}

/** Moves every offset of a chunk (node ranges, problems, template spans) to a new start. */
function moveChunk(chunk: Chunk, start: number): void {
  const delta = start - chunk.start;
  if (delta === 0) return;
  chunk.start = start;
  for (const document of chunk.documents) {
    const mutable = document as { start: number; end: number; problems: readonly YamlProblem[]; templateSpans: readonly TemplateSpan[] };
    mutable.start += delta;
    mutable.end += delta;
    mutable.problems = document.problems.map((p) => ({ ...p, start: p.start + delta, end: p.end + delta }));
    mutable.templateSpans = document.templateSpans.map((t) => ({ ...t, start: t.start + delta, end: t.end + delta }));
    shiftNode(document.doc as unknown as Ranged, delta);
    shiftTree(document.doc.contents, delta);
  }
}

interface Ranged {
  range?: [number, number, number] | null;
}

function shiftNode(node: Ranged, delta: number): void {
  const r = node.range;
  if (r) node.range = [r[0] + delta, r[1] + delta, r[2] + delta];
}

/** Every node below `node`, keys included (a plain walk: faster than yaml's visit here). */
function shiftTree(node: unknown, delta: number): void {
  if (!isNode(node)) return;
  shiftNode(node as Ranged, delta);
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        shiftTree(item.key, delta);
        shiftTree(item.value, delta);
      } else {
        shiftTree(item, delta);
      }
    }
  }
}

function problem(e: { code: string; message: string; pos: [number, number] }, severity: YamlProblem['severity']): YamlProblem {
  return { code: e.code, message: e.message, start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1), severity };
}
