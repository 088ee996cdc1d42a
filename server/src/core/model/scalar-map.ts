// Maps offsets inside a scalar's value back to offsets in the document. A PEM block in a literal
// block scalar (`inLine: |`) sits in the source with the block's indentation added to every line,
// and base64 in `data:` may be split over lines; findings and hovers about one certificate need the
// certificate's own lines.
import { Scalar } from 'yaml';

export type OffsetMap = (valueOffset: number) => number;

/**
 * For a literal block scalar (`|`, `|-`, `|+`) the map is exact: value line i is source line i after
 * the header, minus the indentation. Other scalar styles map every offset to the value's start
 * (callers then underline the whole value), which is right for the single-line values they hold.
 */
export function scalarOffsetMap(source: string, node: Scalar): OffsetMap {
  const [start, end] = node.range ?? [0, 0];
  const fallback: OffsetMap = () => start;
  if (node.type !== Scalar.BLOCK_LITERAL || typeof node.value !== 'string') return fallback;

  const text = source.slice(start, end);
  const headerEnd = text.indexOf('\n');
  if (headerEnd === -1) return fallback;
  const lines: { start: number; length: number }[] = [];
  let cursor = headerEnd + 1;
  while (cursor <= text.length) {
    const next = text.indexOf('\n', cursor);
    const lineEnd = next === -1 ? text.length : next;
    lines.push({ start: start + cursor, length: lineEnd - cursor });
    if (next === -1) break;
    cursor = next + 1;
  }
  // Value line i is source line i without the indentation, so a line with content tells the
  // indentation exactly. (An indentation indicator such as `|2` counts from the parent's
  // indentation, not from column 0, so it cannot be used on its own.)
  const valueLines = node.value.split('\n');
  const sample = valueLines.findIndex((v, i) => v !== '' && i < lines.length);
  const sourceText = (l: { start: number; length: number }) => source.slice(l.start, l.start + l.length).replace(/\r$/, '');
  const contentLines = lines.filter((l) => sourceText(l).trim() !== '');
  const indent =
    sample >= 0
      ? sourceText(lines[sample]).length - valueLines[sample].length
      : Math.min(...contentLines.map((l) => /^ */.exec(sourceText(l))![0].length));

  const valueLineStarts: number[] = [0];
  for (let i = node.value.indexOf('\n'); i !== -1; i = node.value.indexOf('\n', i + 1)) valueLineStarts.push(i + 1);
  return (offset) => {
    let line = 0;
    while (line + 1 < valueLineStarts.length && valueLineStarts[line + 1] <= offset) line++;
    const sourceLine = lines[Math.min(line, lines.length - 1)];
    if (!sourceLine) return start;
    return sourceLine.start + Math.min(indent + (offset - valueLineStarts[line]), sourceLine.length);
  };
}

/**
 * For base64 text: a decoded byte offset to the source offset of the base64 character that
 * encodes it. Whitespace and quotes in the source are skipped.
 */
export function base64OffsetMap(source: string, node: Scalar): OffsetMap {
  const [start, end] = node.range ?? [0, 0];
  let text = source.slice(start, end);
  let skip = 0;
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    skip = text.indexOf('\n') + 1;
  } else if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) {
    skip = 1;
  }
  text = text.slice(skip);
  const positions: number[] = [];
  for (let i = 0; i < text.length; i++) if (/[A-Za-z0-9+/=]/.test(text[i])) positions.push(start + skip + i);
  return (byteOffset) => {
    const index = Math.floor(byteOffset / 3) * 4;
    return positions[Math.min(index, positions.length - 1)] ?? start;
  };
}
