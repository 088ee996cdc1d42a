// The engine: text in, findings out. Faces (language server, CLI) call analyze() and translate.
import { isCollection, isMap, isPair, isScalar, type Node } from 'yaml';
import type { Finding, Layer, ObjectRef, Severity } from './findings';
import { SEVERITY_ORDER } from './findings';
import { eachChunk, parseChunks, type Chunk, type ParsedDocument, type ParsedFile, type YamlProblem } from './model/parse';
import { objectsOfDocument, type ManifestObject } from './model/objects';
import { formatPath, isPrefix, samePath, type FieldPath } from './model/path';
import { overlapsTemplate } from './model/templates';
import { locate, type AliasProblem } from './model/value';
import { schemaFor } from './schema/registry';
import { validateStructure, type Anchor } from './schema/structural';
import { RULES, ruleById } from './rules/registry';
import type { ReportOptions, RuleContext, SiteContext } from './rules/types';
import { fileSite, findSites, type PemSite } from './pem/sites';
import { removeLinesFix } from './rules/pem';
import { EMPTY_WORKSPACE, indexObjects, OverlayView, type WorkspaceView } from './workspace/index';
import { LineIndex } from './model/text';
import { withDefaults, type EngineSettings } from './settings';
import { applySuppressions } from './suppress';

export interface Analysis {
  readonly file: ParsedFile;
  /** Objects Trustwright validates (target kinds, and look-alikes with a wrong apiVersion). */
  readonly objects: readonly ManifestObject[];
  /** Every parsed object with an apiVersion and kind, ours or not. */
  readonly resources: readonly ManifestObject[];
  /** Every object of the file in order, parsed or not (kinds nothing checks are never parsed). */
  readonly outline: readonly OutlineEntry[];
  /** Every place a certificate, key or CSR is embedded, in any object. */
  readonly sites: readonly PemSite[];
  readonly findings: readonly Finding[];
  /** The parsed chunks, for the next analysis of the same file to reuse. */
  readonly chunks: readonly Chunk[];
}

interface RawFinding {
  readonly rule: string;
  readonly message: string;
  readonly start: number;
  readonly end: number;
  readonly field: FieldPath;
  readonly layer: Layer;
  readonly severity?: Severity;
  readonly object?: ManifestObject;
  readonly fixes?: ReportOptions['fixes'];
  readonly related?: ReportOptions['related'];
}

export interface OutlineEntry {
  readonly kind: string;
  readonly apiVersion?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly range: readonly [number, number];
  /** The name's value (or the object's first line). */
  readonly nameRange: readonly [number, number];
}

/** Where the text comes from, for rules that follow references into other files. */
export interface AnalysisContext {
  readonly uri?: string;
  readonly workspace?: WorkspaceView;
  /**
   * The previous analysis of the same file. Its unchanged chunks (the text between `---` lines)
   * are not parsed or validated again, so an edit costs in proportion to what it changed. The
   * previous analysis must not be used after this call: its nodes move to the new offsets.
   */
  readonly previous?: Analysis;
}

export function analyze(text: string, partialSettings?: Partial<EngineSettings>, where: AnalysisContext = {}): Analysis {
  const settings = withDefaults(partialSettings);
  const started = Date.now();
  if (text.length > settings.maxFileSize) return syntaxOnly(text, settings, started);
  const { file, chunks } = parseChunks(text, where.previous?.chunks);
  const raw: RawFinding[] = [];

  const perChunk = chunks.map((chunk) => memo(chunk, 'objects', () => chunk.documents.map(objectsOfDocument)));
  const resources = perChunk.flat().flatMap((d) => d.objects).filter((o) => o.kind !== undefined);
  // Cross-object rules see this file as it is now, over the rest of the workspace (or alone).
  const uri = where.uri ?? 'untitled:manifest.yaml';
  const workspace = new OverlayView(where.workspace ?? EMPTY_WORKSPACE, uri, indexObjects(uri, file, resources));
  const settingsKey = JSON.stringify(settings);
  const objects: ManifestObject[] = [];
  const sites: PemSite[] = [];

  let stoppedAt = -1;
  chunks.forEach((chunk, c) => {
    if (stoppedAt !== -1) return;
    if (c > 0 && Date.now() - started > settings.analysisBudgetMs) {
      stoppedAt = c;
      const left = chunks.slice(c).reduce((n, k) => n + k.documents.length + (k.skipped ? 1 : 0), 0);
      raw.push(budgetFinding(file, chunk, `checking stopped after ${secondsSince(started)} s on this file; the ${left} document${left === 1 ? '' : 's'} from here on were not checked`));
      return;
    }
    if (chunk.refused) raw.push(refused(chunk, chunk.refused));
    const cache = memo(chunk, `findings:${settingsKey}`, () => new Map<ManifestObject, CachedFindings>());
    const chunkLine = file.lines.positionAt(chunk.start).line;
    for (const { document, objects: found, aliasProblems } of perChunk[c]) {
      const yaml = yamlFindings(file, document, aliasProblems);
      raw.push(...yaml);
      // A document that does not parse never reaches the cluster; checking what the parser
      // recovered would only add guesses to the real error.
      if (yaml.some((f) => f.rule === 'yaml/syntax' || f.rule === 'yaml/alias-limit')) continue;
      for (const object of found) {
        const objectSites = object.kind ? findSites(file, object) : [];
        sites.push(...objectSites);
        if (objectSites.length > 0) raw.push(...siteFindings(file, objectSites, settings, object));
        if (object.classification.status === 'other') continue;
        objects.push(object);
        const run = { file, object, sites: objectSites, settings, workspace, uri };
        let cached = cache.get(object);
        if (!cached) {
          cached = objectFindings(run, undefined);
          cache.set(object, relocate(cached, -chunk.start, -chunkLine));
          raw.push(...cached.stable, ...cached.volatile);
        } else {
          raw.push(...relocate(cached, chunk.start, chunkLine).stable);
          raw.push(...objectFindings(run, cached).volatile);
        }
        // Templates are judged on everything the object produced, stable or not.
      }
    }
  });
  const filtered = applyTemplateFilter(raw, objects);
  return finish(file, { objects, resources, outline: outlineOf(chunks, perChunk), sites, chunks }, filtered, settings);
}

/**
 * A file over maxFileSize: YAML syntax only, chunk by chunk with none kept (a 50 MB file would
 * otherwise hold gigabytes of parse trees), and within the time budget like any analysis.
 */
function syntaxOnly(text: string, settings: EngineSettings, started: number): Analysis {
  const file: ParsedFile = { text, lines: new LineIndex(text), documents: [], templateSpans: [] };
  const raw: RawFinding[] = [
    {
      rule: 'file/too-large',
      message: `file is ${text.length} characters, over the maxFileSize limit of ${settings.maxFileSize}; only YAML syntax was checked`,
      start: 0,
      end: file.lines.lineEnd(0),
      field: [],
      layer: 'yaml',
    },
  ];
  for (const chunk of eachChunk(text)) {
    if (Date.now() - started > settings.analysisBudgetMs) {
      raw.push(budgetFinding(file, chunk, `the syntax check stopped after ${secondsSince(started)} s on this file; the rest of it was not checked`));
      break;
    }
    if (chunk.refused) raw.push(refused(chunk, chunk.refused));
    for (const document of chunk.documents) raw.push(...yamlFindings(file, document, []));
  }
  return finish(file, { objects: [], resources: [], outline: [], sites: [], chunks: [] }, raw, settings);
}

const secondsSince = (started: number) => Math.round((Date.now() - started) / 1000);

/** file/time-budget on the first line of the chunk where checking stopped. */
function budgetFinding(file: ParsedFile, chunk: Chunk, message: string): RawFinding {
  return { rule: 'file/time-budget', message, start: chunk.start, end: file.lines.lineEnd(file.lines.positionAt(chunk.start).line), field: [], layer: 'yaml' };
}

/** yaml/too-deep where the parser refused a chunk (its offsets are the chunk's own). */
function refused(chunk: Chunk, { message, start, end }: NonNullable<Chunk['refused']>): RawFinding {
  return { rule: 'yaml/too-deep', message, start: chunk.start + start, end: chunk.start + end, field: [], layer: 'yaml' };
}

function outlineOf(chunks: readonly Chunk[], perChunk: readonly (readonly { objects: readonly ManifestObject[] }[])[]): OutlineEntry[] {
  const entries: OutlineEntry[] = [];
  chunks.forEach((chunk, c) => {
    const skipped = chunk.skipped;
    if (skipped) {
      entries.push({
        kind: skipped.kind,
        apiVersion: skipped.apiVersion,
        name: skipped.name,
        namespace: skipped.namespace,
        range: [chunk.start + skipped.start, chunk.start + skipped.end],
        nameRange: [chunk.start + skipped.nameStart, chunk.start + skipped.nameEnd],
      });
      return;
    }
    for (const object of perChunk[c].flatMap((d) => d.objects)) {
      const range = object.node.range;
      if (!object.kind || !range) continue;
      const name = locate(object.node, ['metadata', 'name']).value?.range;
      entries.push({
        kind: object.kind,
        apiVersion: object.apiVersion,
        name: object.name,
        namespace: object.namespace,
        range: [range[0], range[1]],
        nameRange: name ? [name[0], Math.min(name[1], range[1])] : [range[0], range[0]],
      });
    }
  });
  return entries;
}

function memo<T>(chunk: Chunk, key: string, compute: () => T): T {
  if (!chunk.memo.has(key)) {
    // Findings under other settings are of no further use once settings change.
    if (key.startsWith('findings:')) for (const k of [...chunk.memo.keys()]) if (k.startsWith('findings:')) chunk.memo.delete(k);
    chunk.memo.set(key, compute());
  }
  return chunk.memo.get(key) as T;
}

/**
 * What an object's checks produced: `stable` findings depend on the object alone and are reused
 * while its chunk is unchanged; `volatile` ones came from rules that read the workspace, which are
 * run again on every analysis.
 */
interface CachedFindings {
  readonly stable: readonly RawFinding[];
  readonly volatile: readonly RawFinding[];
  readonly volatileRules: readonly string[];
  readonly structural: readonly { path: FieldPath; layer: Layer }[];
}

/** Moves findings (offsets and fix lines) by a chunk's offset and line. */
function relocate(cached: CachedFindings, offset: number, lines: number): CachedFindings {
  if (offset === 0 && lines === 0) return cached;
  const move = (f: RawFinding): RawFinding => ({
    ...f,
    start: f.start + offset,
    end: f.end + offset,
    fixes: f.fixes?.map((fix) => ({
      ...fix,
      edits: fix.edits.map((e) => ({
        ...e,
        range: { start: { ...e.range.start, line: e.range.start.line + lines }, end: { ...e.range.end, line: e.range.end.line + lines } },
      })),
    })),
  });
  return { ...cached, stable: cached.stable.map(move) };
}

/** What a face shows for a document the engine failed on: one finding that says so, nothing else. */
export function failedAnalysis(text: string): Analysis {
  const file: ParsedFile = { text, lines: new LineIndex(text), documents: [], templateSpans: [] };
  const raw: RawFinding[] = [
    {
      rule: 'engine/analysis-failed',
      message: 'Trustwright could not analyse this file (the error is in the Trustwright output channel); other files are not affected',
      start: 0,
      end: file.lines.lineEnd(0),
      field: [],
      layer: 'yaml',
    },
  ];
  return finish(file, { objects: [], resources: [], outline: [], sites: [], chunks: [] }, raw, withDefaults(undefined));
}

/** A PEM file on its own (`.pem`, `.crt`, `.cer`): one certificate site, the certificate rules. */
export function analyzePem(text: string, partialSettings?: Partial<EngineSettings>): Analysis {
  const settings = withDefaults(partialSettings);
  const file: ParsedFile = { text, lines: new LineIndex(text), documents: [], templateSpans: [] };
  const site = fileSite(text);
  const raw = siteFindings(file, [site], settings);
  if (site.blocks.length === 0 && text.trim() !== '') {
    raw.push({ rule: 'pem/malformed', message: 'no PEM block found: a PEM file holds "-----BEGIN …-----" / "-----END …-----" blocks', start: 0, end: file.lines.lineEnd(0), field: [], layer: 'lint' });
  }
  return finish(file, { objects: [], resources: [], outline: [], sites: [site], chunks: [] }, raw, settings);
}

function finish(
  file: ParsedFile,
  model: Pick<Analysis, 'objects' | 'resources' | 'outline' | 'sites' | 'chunks'>,
  raw: RawFinding[],
  settings: EngineSettings,
): Analysis {
  const findings: Finding[] = [];
  for (const f of raw) {
    const configured = settings.rules[f.rule];
    if (configured === 'off') continue;
    const severity = configured ?? f.severity ?? ruleById(f.rule)?.severity ?? 'error';
    findings.push({
      rule: f.rule,
      severity,
      message: f.message,
      layer: f.layer,
      field: formatPath(f.field),
      range: file.lines.range(f.start, f.end),
      object: f.object ? objectRef(f.object) : undefined,
      fixes: f.fixes,
      related: f.related,
    });
  }
  const kept = applySuppressions(file, findings);
  kept.sort(
    (a, b) =>
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.rule.localeCompare(b.rule),
  );
  return { file, ...model, findings: kept };
}

function objectRef(object: ManifestObject): ObjectRef {
  return { apiVersion: object.apiVersion ?? '', kind: object.kind ?? '', name: object.name, namespace: object.namespace };
}

// ---------------------------------------------------------------------------------------------
// YAML layer

const HINTS: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'YAML does not allow tabs for indentation; indent with spaces',
  BAD_INDENT: 'keys of one mapping must start at the same column; check the indentation of this line against the lines above',
  BLOCK_AS_IMPLICIT_KEY: 'this line is indented deeper than the key before it; align it with its sibling keys or give the key above a value',
  MULTILINE_IMPLICIT_KEY: 'a key runs over more than one line, usually because a line is indented deeper than its siblings',
};

function yamlFindings(file: ParsedFile, document: ParsedDocument, aliasProblems: readonly AliasProblem[]): RawFinding[] {
  const out: RawFinding[] = [];
  const templated = document.templateSpans.some((s) => s.kind === 'helm');

  for (const problem of document.problems) {
    if (problem.severity !== 'error') continue;
    if (templated) {
      // Masked template lines can leave YAML that only the rendered output would fix.
      continue;
    }
    out.push(yamlProblemFinding(file, problem));
  }

  for (const alias of aliasProblems) {
    const [start, end] = alias.node?.range ?? [document.start, document.start + 1];
    if (alias.kind === 'too-many') {
      out.push({
        rule: 'yaml/alias-limit',
        message: `aliases expand to more than 10000 nodes; the document was not validated (a "billion laughs" document, or aliases used far more than manifests need)`,
        start,
        end,
        field: [],
        layer: 'yaml',
      });
      continue;
    }
    const written = file.text.slice(start, end);
    out.push({
      rule: 'yaml/syntax',
      message: `unknown alias ${written}: a plain value starting with "*" is read as a YAML alias; quote it: "${written}"`,
      start,
      end,
      field: [],
      layer: 'yaml',
      fixes: [{ title: `Quote ${written}`, edits: [{ range: file.lines.range(start, end), newText: `"${written}"` }] }],
    });
  }
  return out;
}

function yamlProblemFinding(file: ParsedFile, problem: YamlProblem): RawFinding {
  if (problem.code === 'DUPLICATE_KEY') {
    const line = file.lines.positionAt(problem.start).line + 1;
    return {
      rule: 'yaml/duplicate-key',
      message: `line ${line}: key "${keyText(file, problem)}" already set in map; remove one of the two`,
      start: problem.start,
      end: problem.end,
      field: [],
      layer: 'yaml',
    };
  }

  const lineNumber = file.lines.positionAt(problem.start).line;
  const lineText = file.lines.lineText(lineNumber).trim();
  let hint = HINTS[problem.code];
  const elision = [lineNumber - 1, lineNumber, lineNumber + 1].some((l) => l >= 0 && l < file.lines.lineCount && /^(\.\.\.|…)$/.test(file.lines.lineText(l).trim()));
  if (elision) hint = '"..." stands for omitted lines in documentation; replace it with the real fields (in YAML it ends the document)';
  const message = `${sentence(problem.message)}${hint ? `; ${hint}` : ''}`;

  // Highlight the offending line's content rather than a single character where we can.
  let { start, end } = problem;
  if (end - start <= 1 && lineText) {
    end = Math.max(end, file.lines.lineEnd(lineNumber));
  }
  return { rule: 'yaml/syntax', message, start, end, field: [], layer: 'yaml' };
}

function keyText(file: ParsedFile, problem: YamlProblem): string {
  const line = file.lines.lineText(file.lines.positionAt(problem.start).line);
  const match = /^\s*(?:-\s+)?("[^"]*"|'[^']*'|[^:#]+?)\s*:/.exec(line);
  return match ? match[1].replace(/^["']|["']$/g, '') : file.text.slice(problem.start, problem.end);
}

function sentence(message: string): string {
  const trimmed = message.replace(/\s+at line \d+, column \d+.*$/s, '').trim();
  return trimmed.charAt(0).toLowerCase() + trimmed.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Object layers: apiVersion/kind, metadata, schema + CEL, webhook rules

interface ObjectRun {
  readonly file: ParsedFile;
  readonly object: ManifestObject;
  readonly sites: readonly PemSite[];
  readonly settings: EngineSettings;
  readonly workspace: WorkspaceView;
  readonly uri: string;
}

/**
 * The object's findings. With `previous`, only the rules that read the workspace last time are run
 * again (their findings come back as `volatile`); the rest is what `previous.stable` already holds.
 */
function objectFindings(run: ObjectRun, previous: CachedFindings | undefined): CachedFindings {
  const { file, object, sites, settings, workspace, uri } = run;
  const stable: RawFinding[] = [];
  const volatile: RawFinding[] = [];
  const volatileRules: string[] = [];
  const classification = object.classification;
  const templated = object.document.templateSpans.some((s) => s.kind === 'helm');

  const at = (path: FieldPath, anchor: Anchor): [number, number] => rangeFor(file, object, path, anchor);
  const make = (rule: string, path: FieldPath, message: string, layer: Layer, anchor: Anchor, options: ReportOptions = {}): RawFinding => {
    const site = options.within ? sites.find((s) => samePath(s.path, path)) : undefined;
    const [start, end] = site && options.within ? siteSpan(site, options.within) : at(path, options.anchor ?? anchor);
    const fixes = site && options.removeWithin ? [...(options.fixes ?? []), ...(removeLinesFix(site, file.lines, start, end, options.removeWithin) ?? [])] : options.fixes;
    return { rule, message, start, end, field: path, layer, object, severity: options.severity, fixes: fixes?.length ? fixes : undefined, related: options.related };
  };
  const push = (...args: Parameters<typeof make>) => stable.push(make(...args));

  if (classification.status === 'other') return { stable, volatile, volatileRules, structural: [] };
  if (classification.status === 'unknown-kind') {
    push('api/unknown-kind', ['kind'], classification.message, 'api', 'value');
    return { stable, volatile, volatileRules, structural: [] };
  }

  const info = classification.info;
  let structural: { path: FieldPath; layer: Layer }[] = [];
  if (previous) {
    structural = [...previous.structural];
  } else {
    const apiVersion = `${info.group}/${info.versions[0]}`;
    const effectiveVersion = classification.status === 'target' ? object.apiVersion! : apiVersion;
    if (classification.status === 'unserved') {
      push(classification.rule, ['apiVersion'], classification.message, 'api', 'value', {
        fixes: [{ title: `Use ${apiVersion}`, edits: [{ range: file.lines.range(...at(['apiVersion'], 'value')), newText: apiVersion }] }],
      });
    }

    // Structural schema and CEL (what the API server checks before any webhook).
    const schema = schemaFor(effectiveVersion, info.kind);
    if (schema) {
      const value = { ...object.value, apiVersion: effectiveVersion };
      for (const issue of validateStructure(schema, value)) {
        if (templated && (issue.rule === 'schema/required' || issue.rule === 'cel/validation')) continue;
        const layer: Layer = issue.rule === 'cel/validation' ? 'cel' : 'schema';
        structural.push({ path: issue.path, layer });
        const fixes = issue.suggestion ? renameFix(file, object, issue.path, issue.suggestion) : undefined;
        push(issue.rule, issue.path, issue.message, layer, issue.anchor, { fixes });
      }
    }
  }

  // Metadata, webhook and lint rules. Templates can add or change any part of a rendered object,
  // so a Helm template gets only the checks that look at one value at a time.
  for (const rule of RULES) {
    if (!rule.check || !rule.kinds.includes(info.kind)) continue;
    if (templated && rule.layer !== 'metadata') continue;
    if (settings.rules[rule.id] === 'off') continue;
    if (previous && !previous.volatileRules.includes(rule.id)) continue;

    let readsWorkspace = false;
    const tracked: WorkspaceView = {
      byKind: (kind, group) => ((readsWorkspace = true), workspace.byKind(kind, group)),
      find: (kind, name, namespace, group) => ((readsWorkspace = true), workspace.find(kind, name, namespace, group)),
      where: (kind, group, facet, key) => ((readsWorkspace = true), workspace.where(kind, group, facet, key)),
      get fileCount() {
        readsWorkspace = true;
        return workspace.fileCount;
      },
    };
    const produced: RawFinding[] = [];
    const context: RuleContext = {
      object,
      settings,
      workspace: tracked,
      uri,
      lines: file.lines,
      spec: asMap(object.value.spec),
      report: (path, message, options = {}) => {
        if (rule.layer === 'webhook' && structural.some((s) => shadows(s, path))) {
          return; // the API server rejects the object first, with the schema's message
        }
        produced.push(make(rule.id, path, message, rule.layer, options.anchor ?? 'value', options));
      },
    };
    try {
      rule.check(context);
    } catch (error) {
      produced.push(make('engine/rule-failed', [], `rule ${rule.id} failed on this object (${(error as Error).message}); other rules still ran`, 'lint', 'missing'));
    }
    if (readsWorkspace || previous) {
      volatile.push(...produced);
      volatileRules.push(rule.id);
    } else {
      stable.push(...produced);
    }
  }

  return { stable, volatile, volatileRules, structural };
}

/** Document offsets of a stretch of a site's text (a PEM block, usually). */
function siteSpan(site: PemSite, [from, to]: readonly [number, number]): [number, number] {
  const start = site.toDocument(from);
  const end = Math.max(start + 1, site.toDocument(Math.max(from, to - 1)) + 1);
  return [start, Math.min(end, site.valueRange[1])];
}

/** Certificate rules run on every site, whatever kind of object holds it. */
function siteFindings(file: ParsedFile, sites: readonly PemSite[], settings: EngineSettings, object?: ManifestObject): RawFinding[] {
  const out: RawFinding[] = [];
  for (const rule of RULES) {
    if (!rule.checkSite || settings.rules[rule.id] === 'off') continue;
    for (const site of sites) {
      const context: SiteContext = {
        site,
        settings,
        lines: file.lines,
        report: (within, message, options = {}) => {
          const [start, end] = within ? siteSpan(site, within) : [site.valueRange[0], site.valueRange[1]];
          out.push({ rule: rule.id, message, start, end, field: site.path, layer: rule.layer, object, severity: options.severity, fixes: options.fixes });
        },
      };
      try {
        rule.checkSite(context);
      } catch (error) {
        out.push({
          rule: 'engine/rule-failed',
          message: `rule ${rule.id} failed on ${site.field} (${(error as Error).message}); other rules still ran`,
          start: site.valueRange[0],
          end: site.valueRange[1],
          field: site.path,
          layer: 'lint',
          object,
        });
      }
    }
  }
  const spans = object?.document.templateSpans ?? [];
  return spans.length === 0 ? out : out.filter((f) => !overlapsTemplate(spans, f.start, f.end));
}

/** A schema finding at a field, or a type/structure finding above it, hides the webhook's. */
function shadows(structural: { path: FieldPath; layer: Layer }, path: FieldPath): boolean {
  if (samePath(structural.path, path)) return true;
  return structural.layer === 'schema' && structural.path.length > 0 && isPrefix(structural.path, path);
}

/** For each templated object: drops findings on templated values, and says once what was skipped. */
function applyTemplateFilter(raw: RawFinding[], objects: readonly ManifestObject[]): RawFinding[] {
  const templatedObjects = objects.filter((o) => o.document.templateSpans.length > 0);
  if (templatedObjects.length === 0) return raw;
  const byObject = new Map<ManifestObject, RawFinding[]>();
  const rest: RawFinding[] = [];
  for (const f of raw) {
    if (f.object && templatedObjects.includes(f.object) && f.layer !== 'yaml') byObject.set(f.object, [...(byObject.get(f.object) ?? []), f]);
    else rest.push(f);
  }
  for (const object of templatedObjects) rest.push(...filterTemplated(object, byObject.get(object) ?? []));
  return rest;
}

/** Drops findings on values that hold template expressions, and says once what was skipped. */
function filterTemplated(object: ManifestObject, findings: RawFinding[]): RawFinding[] {
  const helm = object.document.templateSpans.filter((s) => s.kind === 'helm');
  const placeholders = object.document.templateSpans.filter((s) => s.kind === 'placeholder');
  const spans = object.document.templateSpans;

  const kept = findings.filter((f) => f.rule === 'placeholder/unresolved' || !overlapsTemplate(spans, f.start, f.end));
  const skipped = findings.length - kept.length;
  const first = spans.find((s) => s.start >= objectStart(object)) ?? spans[0];
  const parts: string[] = [];
  if (helm.length > 0) {
    parts.push(
      'Helm template: {{ }} expressions were masked before validation, so required fields, CEL rules and webhook rules were not checked; render the chart (helm template) and lint the output for a full check',
    );
  }
  if (placeholders.length > 0) {
    parts.push(`${placeholders.length} $(VAR)/\${VAR} placeholder${placeholders.length === 1 ? '' : 's'} left for kustomize or envsubst to replace`);
  }
  if (skipped > 0) parts.push(`${skipped} finding${skipped === 1 ? '' : 's'} on templated values skipped`);
  kept.push({
    rule: 'template/not-validated',
    message: parts.join('; '),
    start: first.start,
    end: first.end,
    field: [],
    layer: 'template',
    object,
  });
  return kept;
}

function objectStart(object: ManifestObject): number {
  return object.node.range?.[0] ?? object.document.start;
}

function renameFix(file: ParsedFile, object: ManifestObject, path: FieldPath, replacement: string) {
  const loc = locate(object.node, path, object.document.doc);
  if (!loc.key?.range) return undefined;
  const [start, end] = loc.key.range;
  return [{ title: `Rename to ${replacement}`, edits: [{ range: file.lines.range(start, end), newText: replacement }] }];
}

function asMap(value: unknown): { readonly [key: string]: import('./model/value').JsonValue } | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as never) : undefined;
}

/** Offsets to underline for a field path: the key, the value, or where a missing field belongs. */
export function rangeFor(file: ParsedFile, object: ManifestObject, path: FieldPath, anchor: Anchor): [number, number] {
  const loc = locate(object.node, path, object.document.doc);
  const found = loc.depth === path.length;

  if (!found || anchor === 'missing') {
    // A field that is present but empty is underlined at its key; a missing one at its parent's.
    if (anchor === 'missing' && found && loc.key?.range) return [loc.key.range[0], loc.key.range[1]];
    const key = loc.deepestKey;
    if (key?.range && loc.depth > 0) return [key.range[0], key.range[1]];
    return firstLine(file, object.node);
  }

  if (anchor === 'key' && loc.key?.range) return [loc.key.range[0], loc.key.range[1]];
  const value = loc.value;
  if (value && isScalar(value) && value.range) return [value.range[0], value.range[1]];
  if (loc.key?.range) return [loc.key.range[0], loc.key.range[1]];
  if (value && isCollection(value)) return firstLine(file, value);
  return firstLine(file, object.node);
}

function firstLine(file: ParsedFile, node: Node): [number, number] {
  const start = node.range?.[0] ?? 0;
  // For a map, start at its first key so the underline sits on text, not on a "- ".
  let from = start;
  if (isMap(node)) {
    const first = node.items.find(isPair);
    const keyRange = (first?.key as Node | undefined)?.range;
    if (keyRange) from = keyRange[0];
  }
  const line = file.lines.positionAt(from).line;
  const end = Math.max(file.lines.lineEnd(line), from + 1);
  return [from, Math.min(end, node.range?.[1] ?? end)];
}
