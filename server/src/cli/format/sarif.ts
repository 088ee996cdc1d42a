// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../../core/findings';
import { RULES } from '../../core/rules/registry';
import { VERSION } from '../../core/version';
import type { FileResult } from '../lint';

const LEVEL: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/**
 * A URI reference relative to the working folder (percent-encoded per segment, so spaces, `#`, `%`
 * and non-ASCII names survive a URI parser), or a file: URI for a file outside it.
 */
function artifactUri(path: string): string {
  if (path === '-') return 'stdin';
  const rel = relative(process.cwd(), path);
  if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) return pathToFileURL(path).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

export function formatSarif(results: readonly FileResult[]): string {
  const used = new Set(results.flatMap((r) => r.findings.map((f) => f.rule)));
  const rules = RULES.filter((r) => used.has(r.id));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'trustwright',
            version: VERSION,
            informationUri: 'https://github.com/trustwright/trustwright',
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.doc.summary },
              fullDescription: { text: r.doc.details },
              defaultConfiguration: { level: LEVEL[r.severity] },
              help: { text: `${r.doc.summary} ${r.doc.details}` },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: results.flatMap((result) =>
          result.findings.map((f) => ({
            ruleId: f.rule,
            ruleIndex: index.get(f.rule),
            level: LEVEL[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: artifactUri(result.path) },
                  region: {
                    startLine: f.range.start.line + 1,
                    startColumn: f.range.start.character + 1,
                    endLine: f.range.end.line + 1,
                    endColumn: f.range.end.character + 1,
                  },
                },
                ...(f.field ? { logicalLocations: [{ fullyQualifiedName: f.field, kind: 'member' }] } : {}),
              },
            ],
            ...(f.related?.length
              ? {
                  relatedLocations: f.related.map((r, id) => ({
                    id,
                    message: { text: r.message },
                    physicalLocation: {
                      artifactLocation: { uri: artifactUri(r.uri ?? result.path) },
                      region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1 },
                    },
                  })),
                }
              : {}),
            ...(f.object ? { properties: { kind: f.object.kind, name: f.object.name, namespace: f.object.namespace } } : {}),
          })),
        ),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
