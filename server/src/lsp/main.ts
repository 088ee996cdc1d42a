// The Trustwright language server: `node dist/server.js --stdio` (or --node-ipc, as the VS Code
// client starts it). Every feature reads the engine's cached analysis of the document.
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache, documentKind } from './documents';
import { SettingsProvider } from './settings';
import { toDiagnostic } from './convert';
import { complete } from './completion';
import { hover } from './hover';
import { documentSymbols } from './symbols';
import { codeActions } from './code-actions';
import { codeLenses } from './code-lens';
import { VERSION } from '../core/version';
import { WorkspaceIndexer } from './workspace';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let clientHasConfiguration = false;
let clientRefreshesCodeLens = false;

const settings = new SettingsProvider(connection, () => clientHasConfiguration);
const cache = new AnalysisCache((uri, error) => {
  // Never log document content: it may hold keys or tokens.
  connection.console.error(`analysis failed for ${uri}: ${(error as Error).stack ?? error}`);
});

const indexer = new WorkspaceIndexer((message) => connection.console.info(message));

/** Typing pauses this long before a document is re-checked; clients may change it at start. */
let debounceMs = 150;
const CROSS_FILE_DEBOUNCE_MS = 400;
const pending = new Map<string, NodeJS.Timeout>();

function isSupported(document: TextDocument): boolean {
  return documentKind(document) !== undefined;
}

function isYaml(document: TextDocument): boolean {
  return documentKind(document) === 'yaml';
}

const indexed = new WeakSet<object>();

async function analysisOf(document: TextDocument) {
  const analysis = cache.get(document, await settings.forDocument(document.uri), indexer.index);
  // Other open documents may reference what this one defines: re-check them when it changes.
  if (isYaml(document) && !indexed.has(analysis)) {
    indexed.add(analysis);
    if (indexer.opened(document.uri, analysis)) revalidateOthers(document.uri);
  }
  return analysis;
}

function revalidateOthers(except: string): void {
  for (const other of documents.all()) if (other.uri !== except && isYaml(other)) schedule(other, CROSS_FILE_DEBOUNCE_MS);
}

async function validate(document: TextDocument): Promise<void> {
  if (!isSupported(document)) return;
  const version = document.version;
  const analysis = await analysisOf(document);
  // A newer version arrived while settings were read: its own validation will publish.
  if (documents.get(document.uri)?.version !== version) return;
  await connection.sendDiagnostics({ uri: document.uri, version, diagnostics: analysis.findings.map(toDiagnostic) });
}

function schedule(document: TextDocument, delay: number): void {
  clearTimeout(pending.get(document.uri));
  pending.set(
    document.uri,
    setTimeout(() => {
      pending.delete(document.uri);
      const current = documents.get(document.uri);
      if (current) validate(current).catch((error) => connection.console.error(`validation failed for ${document.uri}: ${error}`));
    }, delay),
  );
}

function revalidateAll(): void {
  settings.invalidate();
  cache.clear();
  for (const document of documents.all()) schedule(document, 0);
  if (clientRefreshesCodeLens) connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
}

connection.onInitialize((params): InitializeResult => {
  clientHasConfiguration = Boolean(params.capabilities.workspace?.configuration);
  const delay = (params.initializationOptions as { diagnosticsDelayMs?: unknown } | undefined)?.diagnosticsDelayMs;
  if (typeof delay === 'number' && delay >= 0) debounceMs = delay;
  clientRefreshesCodeLens = Boolean(params.capabilities.workspace?.codeLens?.refreshSupport);
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  indexer.setRoots(folders);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [':', ' '] },
      hoverProvider: true,
      documentSymbolProvider: true,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
    },
    serverInfo: { name: 'trustwright', version: VERSION },
  };
});

connection.onInitialized(() => {
  if (clientHasConfiguration) {
    connection.client.register(DidChangeConfigurationNotification.type, { section: 'trustwright' }).catch(() => undefined);
  }
  connection.console.info(`Trustwright ${VERSION} language server started (node ${process.version})`);
  void indexWorkspace();
});

async function indexWorkspace(): Promise<void> {
  const raw = clientHasConfiguration
    ? await connection.workspace.getConfiguration([{ section: 'trustwright' }, { section: 'files' }]).catch(() => [{}, {}])
    : [{}, {}];
  const [ours, files] = raw as [Record<string, unknown> | null, { exclude?: Record<string, unknown> } | null];
  const workspace = (ours?.workspace ?? {}) as { index?: unknown; maxFiles?: unknown };
  const exclude = Object.entries(files?.exclude ?? {})
    .filter(([, on]) => on === true)
    .map(([pattern]) => pattern);
  const started = Date.now();
  const count = await indexer.scan({
    enabled: workspace.index !== false,
    maxFiles: typeof workspace.maxFiles === 'number' ? workspace.maxFiles : 5000,
    maxFileSize: typeof ours?.maxFileSize === 'number' ? ours.maxFileSize : 5 * 1024 * 1024,
    exclude,
  });
  connection.console.info(`workspace index: ${count} YAML files in ${Date.now() - started} ms`);
  if (count > 0) revalidateAll();
}

connection.onDidChangeConfiguration(() => revalidateAll());
connection.onDidChangeWatchedFiles(async (params) => {
  if (params.changes.some((c) => c.uri.endsWith('/.trustwright.yaml'))) revalidateAll();
  if (await indexer.changed(params.changes)) {
    for (const document of documents.all()) if (isYaml(document)) schedule(document, CROSS_FILE_DEBOUNCE_MS);
  }
});

documents.onDidOpen((event) => schedule(event.document, 0));
documents.onDidChangeContent((event) => schedule(event.document, debounceMs));
documents.onDidClose((event) => {
  clearTimeout(pending.get(event.document.uri));
  pending.delete(event.document.uri);
  cache.delete(event.document.uri);
  void indexer.closed(event.document.uri).then((changed) => changed && revalidateOthers(event.document.uri));
  connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] }).catch(() => undefined);
});

connection.onCompletion((params, token) => {
  const document = documents.get(params.textDocument.uri);
  if (!document || !isYaml(document) || token.isCancellationRequested) return [];
  return complete(document, params.position);
});

// Requests check for cancellation once the analysis (the only slow part) is available: a request
// the client no longer wants gets no answer computed for it.
connection.onHover(async (params, token) => {
  const document = documents.get(params.textDocument.uri);
  if (!document || !isSupported(document)) return null;
  const analysis = await analysisOf(document);
  return token.isCancellationRequested ? null : hover(document, params.position, analysis);
});

connection.onDocumentSymbol(async (params, token) => {
  const document = documents.get(params.textDocument.uri);
  if (!document || !isYaml(document)) return [];
  const analysis = await analysisOf(document);
  return token.isCancellationRequested ? [] : documentSymbols(document, analysis);
});

connection.onCodeLens(async (params, token) => {
  const document = documents.get(params.textDocument.uri);
  if (!document || !isSupported(document) || !(await settings.faceSettings()).codeLens) return [];
  const analysis = await analysisOf(document);
  return token.isCancellationRequested ? [] : codeLenses(document, analysis);
});

connection.onCodeAction(async (params, token) => {
  const document = documents.get(params.textDocument.uri);
  if (!document || !isSupported(document)) return [];
  const analysis = await analysisOf(document);
  return token.isCancellationRequested ? [] : codeActions(document, params, analysis);
});

documents.listen(connection);
connection.listen();
