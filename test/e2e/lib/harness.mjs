// The pieces every e2e stage shares: cleanup that also runs on a signal, a throwaway run folder,
// child processes that never block the event loop (stages run side by side), code-server (VS Code's
// server + workbench, on 127.0.0.1 only) and headless Chromium that can reach nothing but loopback.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { paths } from './paths.mjs';

const started = Date.now();
export function log(message) {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);
}

/**
 * Where a stage prints its report (mocha's lines, the UI checks). With `live` it prints at once;
 * otherwise (stages running side by side) it keeps the lines and prints them as one block when the
 * stage ends, so two reports never interleave. `scope` flushes it even when a signal ends the run.
 */
export function stageOutput(scope, { live }) {
  const lines = [];
  const flush = () => {
    if (lines.length > 0) console.log(lines.splice(0).join('\n'));
  };
  scope.add(flush);
  return {
    line(text) {
      if (live) console.log(text);
      else lines.push(text);
    },
    flush,
  };
}

/**
 * Polls `predicate` until it returns something truthy or `timeoutMs` has passed, and returns its
 * last value (falsy on a timeout). With `tolerateErrors`, a predicate that throws (an element read
 * while the workbench redraws it) counts as "not yet" instead of ending the wait.
 */
export async function waitFor(predicate, timeoutMs, { intervalMs = 250, tolerateErrors = false } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = tolerateErrors ? await predicate().catch(() => undefined) : await predicate();
    if (value) return value;
    if (Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ---------------------------------------------------------------------------------------------
// Cleanup. Each stage opens a scope and closes it in `finally`; a signal closes every open scope.
// Within a scope the last registered step runs first (Chromium, then code-server, then folders).
const openScopes = new Set();

export class Scope {
  #steps = [];
  #closing;

  constructor() {
    openScopes.add(this);
  }

  add(fn) {
    this.#steps.push(fn);
  }

  close() {
    this.#closing ??= (async () => {
      while (this.#steps.length > 0) {
        const fn = this.#steps.pop();
        try {
          await fn();
        } catch (error) {
          console.error(`[e2e] cleanup step failed: ${error?.stack ?? error}`);
        }
      }
      openScopes.delete(this);
    })();
    return this.#closing;
  }
}

export async function closeAllScopes() {
  for (const scope of [...openScopes].reverse()) await scope.close();
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping code-server and Chromium, removing temporary folders`);
    void closeAllScopes().finally(() => process.exit(128 + { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal]));
  });
}

// ---------------------------------------------------------------------------------------------
/**
 * Runs a program to its end without blocking the event loop. While it runs, closing `scope` (a
 * signal) kills it; after `timeout` ms it is killed too. Resolves with its status and output.
 */
export function runProcess(scope, command, args, { cwd, env, timeout = 120_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let exited = false;
    // Only while it runs: once it has exited its process group id may belong to someone else.
    const kill = () => {
      if (exited || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    };
    const timer = setTimeout(kill, timeout);
    scope.add(kill);
    child.once('exit', () => (exited = true));
    child.once('error', (error) => {
      exited = true;
      clearTimeout(timer);
      resolve({ status: null, error, stdout, stderr });
    });
    child.once('close', (status, signal) => {
      exited = true;
      clearTimeout(timer);
      resolve({ status, signal, error: signal ? new Error(`killed by ${signal}`) : undefined, stdout, stderr });
    });
  });
}

/**
 * Where run folders go. Chromium and the extension host bind Unix sockets under TMPDIR, and a socket
 * path may be at most 107 bytes; a clone at a long path (CI clones to /check/work/main) pushed
 * `.vscode-test/tmp/<stage>-XXXXXX/tmp/org.chromium.Chromium.XXXXXX/SingletonSocket` past that.
 * So run folders live in one short folder under the system temp folder, made once per run.
 */
let runRoot;
function runFolderRoot() {
  if (runRoot) return runRoot;
  const base = tmpdir().length <= 24 ? tmpdir() : '/tmp';
  runRoot = mkdtempSync(join(base, 'tw-e2e-'));
  process.once('exit', () => {
    if (!process.env.TRUSTWRIGHT_E2E_KEEP_TMP) rmSync(runRoot, { recursive: true, force: true });
  });
  return runRoot;
}

/** A throwaway folder (in a short folder under the system temp folder) holding everything one stage writes. */
export function makeRunDir(scope, name) {
  const dir = mkdtempSync(join(runFolderRoot(), `${name}-`));
  scope.add(() => {
    if (process.env.TRUSTWRIGHT_E2E_KEEP_TMP) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/**
 * The fixture workspace of this run, made once before any stage starts: test/e2e/workspace/ plus
 * the certificate fixture openssl makes for this run (test/e2e/lib/generate-certificates.ts), and
 * openssl's reading of it in `generated-certificates.json` beside the workspace (not in it).
 * openssl's scratch folder (and every key in it) is under the run folder, removed with it even on a
 * signal; the generator removes it before it exits.
 */
export async function prepareFixtures(scope) {
  const dir = makeRunDir(scope, 'fixtures');
  const workspace = join(dir, 'workspace');
  const facts = join(dir, 'generated-certificates.json');
  cpSync(paths.workspaceFixtures, workspace, { recursive: true });
  const pki = join(dir, 'pki');
  mkdirSync(pki, { recursive: true });
  const result = await runProcess(scope, process.execPath, ['--import', 'tsx', paths.certificateGenerator, workspace, facts], {
    cwd: paths.repo,
    env: { ...process.env, TMPDIR: pki },
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`generating the certificate fixtures failed (${result.status ?? result.error}):\n${result.stdout}\n${result.stderr}`);
  return { workspace, facts };
}

/**
 * A writable copy of the run's fixture workspace for one stage (tests change settings and edit
 * files in it), with `generated-certificates.json` beside it. Made before code-server starts, so
 * the language server's start-up scan indexes the generated Bundle.
 */
export function copyWorkspace(runDir, fixtures) {
  const workspace = join(runDir, 'workspace');
  cpSync(fixtures.workspace, workspace, { recursive: true });
  copyFileSync(fixtures.facts, join(runDir, 'generated-certificates.json'));
  return workspace;
}

// Settings that keep VS Code offline, quiet and deterministic.
export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'npm.fetchOnlinePackageInfo': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'json.schemaDownload.enable': false,
  'editor.wordBasedSuggestions': 'off',
};

function codeServerEnv(runDir) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('VSCODE_') || key.startsWith('ELECTRON_')) delete env[key];
  const home = join(runDir, 'home');
  const tmp = join(runDir, 'tmp');
  for (const dir of [home, tmp]) mkdirSync(dir, { recursive: true });
  return {
    ...env,
    HOME: home,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_RUNTIME_DIR: tmp,
    EXTENSIONS_GALLERY: '{}',
    PATH: `${join(paths.node24Dir, 'bin')}:${process.env.PATH}`,
  };
}

/** `code-server --install-extension FILE.vsix` into the run's own extensions folder. */
export async function installVsix(scope, runDir, vsix) {
  const extensionsDir = join(runDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const result = await runProcess(
    scope,
    paths.node24,
    [paths.codeServerEntry, '--user-data-dir', join(runDir, 'user-data'), '--extensions-dir', extensionsDir, '--force', '--install-extension', vsix],
    { env: codeServerEnv(runDir), timeout: 120_000 },
  );
  if (result.status !== 0) throw new Error(`installing ${vsix} failed (${result.status ?? result.error}):\n${result.stdout}\n${result.stderr}`);
  return extensionsDir;
}

/**
 * Starts code-server on 127.0.0.1 with a random port. `trust: false` starts it with workspace
 * trust switched off (the usual test setup); `trust: 'untrusted'` leaves the feature on and never
 * prompts, so the folder opens in Restricted Mode.
 */
export async function startCodeServer(scope, runDir, { settings = {}, trust = false } = {}) {
  const userData = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const trustSettings =
    trust === 'untrusted'
      ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false }
      : { 'security.workspace.trust.enabled': false };
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...trustSettings, ...settings }, null, 2));
  const config = join(runDir, 'code-server.yaml');
  writeFileSync(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');

  const args = [
    paths.codeServerEntry,
    '--config', config,
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-proxy',
    '--disable-getting-started-override',
    '--user-data-dir', userData,
    '--extensions-dir', extensionsDir,
    '--ignore-last-opened',
    // Without it the web workbench ignores the extensionDevelopmentPath/extensionTestsPath payload.
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  if (trust !== 'untrusted') args.push('--disable-workspace-trust');

  const logFile = join(runDir, 'code-server.log');
  const child = spawn(paths.node24, args, { env: codeServerEnv(runDir), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const onData = (chunk) => {
    output += chunk;
    if (process.env.TRUSTWRIGHT_E2E_SERVER_LOG) process.stdout.write(`[code-server] ${chunk}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const stop = async () => {
    writeFileSync(logFile, output);
    if (child.exitCode !== null || child.signalCode !== null) return;
    // SIGTERM first so the extension host removes its sockets, then wait; SIGKILL only if it hangs.
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
    const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
    await new Promise((r) => setTimeout(r, 500));
    try {
      process.kill(-child.pid, 'SIGKILL');
      if (!done) log('code-server did not stop within 10 s of SIGTERM: killed');
    } catch {}
  };
  scope.add(stop);

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  const authority = `127.0.0.1:${port}`;
  log(`code-server ${child.pid} listening on ${authority}`);
  return { port, authority, extensionsDir, logFile, output: () => output, stop };
}

// ---------------------------------------------------------------------------------------------
const LOOPBACK = new Set(['127.0.0.1', '[::1]', '::1']);

function isLoopback(url) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
    return LOOPBACK.has(parsed.hostname);
  } catch {
    return false;
  }
}

/**
 * Headless Debian Chromium whose every request that is not to loopback is refused twice over: the
 * context route aborts it (and records it), and the proxy setting sends whatever routes do not see
 * (WebSockets, workers) to a closed loopback port; Chromium never proxies loopback itself.
 * Service workers are blocked so that no request escapes the route. Returns the page and the
 * list of blocked URLs.
 */
export async function launchBrowser(scope, runDir, { viewport = { width: 1440, height: 900 } } = {}) {
  const profile = join(runDir, 'chromium');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: paths.chromium,
    headless: true,
    viewport,
    serviceWorkers: 'block',
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    env: { ...process.env, TMPDIR: join(runDir, 'tmp'), HOME: join(runDir, 'home') },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-domain-reliability',
      '--proxy-server=http://127.0.0.1:9',
      '--proxy-bypass-list=127.0.0.1',
    ],
  });
  scope.add(() => context.close().catch(() => undefined));
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, blocked };
}
