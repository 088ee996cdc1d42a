// PEM blocks in a piece of text, found the way Go's encoding/pem reads them (Kubernetes, cert-manager
// and trust-manager all decode with it), plus the near misses Go skips without a word: a BEGIN line
// without a matching END line, or a body that is not base64 (documentation often elides it as `....`).
//
// Offsets are UTF-16 indices into the text that was scanned, so a caller that scanned a YAML scalar's
// value can map them back to the document itself.

/** Why Go's decoder would skip a block that looks like PEM. */
export type PemProblem =
  /** The BEGIN line does not end in exactly `-----` (for example four dashes, or text after them). */
  | 'bad-begin-line'
  /** No `-----END <type>-----` line follows (missing, misspelt, or for a different type). */
  | 'unterminated'
  /** The body between BEGIN and END is not valid base64. */
  | 'bad-base64';

export interface PemHeader {
  readonly name: string;
  readonly value: string;
}

export interface PemBlock {
  /** The label between `-----BEGIN ` and `-----`, e.g. `CERTIFICATE` or `RSA PRIVATE KEY`. */
  readonly type: string;
  /** RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`) between the BEGIN line and the body. */
  readonly headers: readonly PemHeader[];
  readonly hasHeaders: boolean;
  /** The body with spaces, tabs and line breaks removed; empty when the block is unterminated. */
  readonly base64: string;
  /** Offset of the first `-` of the BEGIN line. */
  readonly start: number;
  /**
   * Offset just past the END line's last `-`. For blocks that never end ('bad-begin-line',
   * 'unterminated') it is the end of the BEGIN line, so the range covers what was recognised.
   */
  readonly end: number;
  /** Offsets of the body text (after the headers, before the END line); equal when there is none. */
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** True when Go's pem.Decode returns this block: it is well formed and its body decodes. */
  readonly decodes: boolean;
  /** The decoded body (DER for certificates), when `decodes`. */
  readonly bytes?: Uint8Array;
  /** Set when `decodes` is false. */
  readonly problem?: PemProblem;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';

/**
 * Every PEM block (and near miss) in `text`, in order. Blocks Go would return have `decodes: true`;
 * the order and the rule "a BEGIN line counts only at the start of a line" follow Go, so filtering
 * on `decodes` gives exactly what a Go program reading the same text sees.
 */
export function findPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let from = 0;
  for (;;) {
    const start = nextBegin(text, from);
    if (start < 0) return blocks;
    const parsed = parseAt(text, start);
    blocks.push(parsed.block);
    from = parsed.resume;
  }
}

/** Only the blocks Go's decoder returns, in order. */
export function decodedPemBlocks(text: string): PemBlock[] {
  return findPemBlocks(text).filter((b) => b.decodes);
}

/** Offset of the next `-----BEGIN ` that starts a line, at or after `from`. */
function nextBegin(text: string, from: number): number {
  let index = text.indexOf(BEGIN, from);
  while (index >= 0) {
    if (index === 0 || text[index - 1] === '\n') return index;
    index = text.indexOf(BEGIN, index + 1);
  }
  return -1;
}

interface Line {
  /** The line without its line break and without trailing spaces, tabs and a carriage return. */
  readonly content: string;
  readonly start: number;
  /** Offset of the end of the content (before trimmed whitespace). */
  readonly contentEnd: number;
  /** Offset of the next line (past the line break). */
  readonly next: number;
}

function lineAt(text: string, start: number): Line {
  const newline = text.indexOf('\n', start);
  const lineEnd = newline < 0 ? text.length : newline;
  let contentEnd = lineEnd;
  if (contentEnd > start && text[contentEnd - 1] === '\r') contentEnd--;
  while (contentEnd > start && (text[contentEnd - 1] === ' ' || text[contentEnd - 1] === '\t')) contentEnd--;
  return { content: text.slice(start, contentEnd), start, contentEnd, next: newline < 0 ? text.length : newline + 1 };
}

function parseAt(text: string, start: number): { block: PemBlock; resume: number } {
  const typeLine = lineAt(text, start);
  const label = typeLine.content.slice(BEGIN.length);

  const nearMiss = (problem: PemProblem, type: string, end: number, extra: Partial<PemBlock> = {}): PemBlock => ({
    type,
    headers: [],
    hasHeaders: false,
    base64: '',
    start,
    end,
    bodyStart: end,
    bodyEnd: end,
    decodes: false,
    problem,
    ...extra,
  });

  if (!label.endsWith(DASHES)) {
    const type = label.replace(/-+$/, '');
    return { block: nearMiss('bad-begin-line', type, typeLine.contentEnd), resume: typeLine.next };
  }
  const type = label.slice(0, -DASHES.length);

  // Headers: lines with a colon right after the BEGIN line.
  const headers: PemHeader[] = [];
  let cursor = typeLine.next;
  for (;;) {
    if (cursor >= text.length) {
      return { block: nearMiss('unterminated', type, typeLine.contentEnd, { headers, hasHeaders: headers.length > 0 }), resume: cursor };
    }
    const line = lineAt(text, cursor);
    const colon = line.content.indexOf(':');
    if (colon < 0) break;
    headers.push({ name: line.content.slice(0, colon).trim(), value: line.content.slice(colon + 1).trim() });
    cursor = line.next;
  }
  const afterHeaders = cursor;

  // The END line: immediately (an empty body) or after a line break.
  let endLineStart: number;
  let bodyEnd: number;
  if (headers.length === 0 && text.startsWith(END, afterHeaders)) {
    endLineStart = afterHeaders;
    bodyEnd = afterHeaders;
  } else {
    const found = text.indexOf('\n' + END, afterHeaders);
    if (found < 0) {
      return { block: nearMiss('unterminated', type, typeLine.contentEnd, { headers, hasHeaders: headers.length > 0 }), resume: afterHeaders };
    }
    endLineStart = found + 1;
    bodyEnd = found;
  }

  // The END line must name the same type, end in five dashes, and carry nothing else.
  const trailerStart = endLineStart + END.length;
  const trailer = text.slice(trailerStart, trailerStart + type.length + DASHES.length);
  const endLine = lineAt(text, endLineStart);
  if (trailer !== type + DASHES || endLine.contentEnd !== trailerStart + type.length + DASHES.length) {
    return { block: nearMiss('unterminated', type, typeLine.contentEnd, { headers, hasHeaders: headers.length > 0 }), resume: afterHeaders };
  }

  const rawBody = text.slice(afterHeaders, bodyEnd);
  // The END line found belongs to a later block: this one was never closed. (Go fails the same way,
  // on the base64 of the swallowed BEGIN line, and then finds the later block.)
  if (rawBody.startsWith(BEGIN) || rawBody.includes(`\n${BEGIN}`)) {
    return { block: nearMiss('unterminated', type, typeLine.contentEnd, { headers, hasHeaders: headers.length > 0 }), resume: afterHeaders };
  }
  const base64 = rawBody.replace(/[ \t\r\n]/g, '');
  const common = {
    type,
    headers,
    hasHeaders: headers.length > 0,
    base64,
    start,
    end: endLine.contentEnd,
    bodyStart: afterHeaders,
    bodyEnd,
  };
  if (!isStdBase64(base64)) {
    return { block: { ...common, decodes: false, problem: 'bad-base64' }, resume: afterHeaders };
  }
  return { block: { ...common, decodes: true, bytes: new Uint8Array(Buffer.from(base64, 'base64')) }, resume: endLine.next };
}

/** Go's base64.StdEncoding: the standard alphabet, padded to a multiple of four characters. */
export function isStdBase64(compact: string): boolean {
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact);
}
