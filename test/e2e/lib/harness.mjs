// The pieces every e2e stage shares: cleanup that also runs on a signal, a throwaway run folder,
// code-server (VS Code's server + workbench, on 127.0.0.1 only) and headless Chromium that can
// reach nothing but loopback.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { paths } from './paths.mjs';

const started = Date.now();
export function log(message) {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);
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
/** A throwaway folder under .vscode-test/tmp/ holding everything one stage writes. */
export function makeRunDir(scope, name) {
  mkdirSync(paths.tmp, { recursive: true });
  const dir = mkdtempSync(join(paths.tmp, `${name}-`));
  scope.add(() => {
    if (process.env.TRUSTWRIGHT_E2E_KEEP_TMP) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/**
 * A writable copy of the fixture workspace (tests change settings and edit files in it), plus the
 * certificate fixture openssl makes for this run (test/e2e/lib/generate-certificates.ts), written
 * before code-server starts so the language server's start-up scan indexes it. openssl's reading of
 * those certificates goes beside the workspace, in `generated-certificates.json`.
 */
export function copyWorkspace(runDir) {
  const workspace = join(runDir, 'workspace');
  cpSync(paths.workspaceFixtures, workspace, { recursive: true });
  generateCertificates(runDir, workspace);
  return workspace;
}

/** openssl's scratch folder (and every key in it) lives in the run folder, removed with it even on a signal. */
function generateCertificates(runDir, workspace) {
  const pki = join(runDir, 'pki');
  mkdirSync(pki, { recursive: true });
  const result = spawnSync(process.execPath, ['--import', 'tsx', paths.certificateGenerator, workspace, join(runDir, 'generated-certificates.json')], {
    cwd: paths.repo,
    env: { ...process.env, TMPDIR: pki },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`generating the certificate fixtures failed (${result.status ?? result.error}):\n${result.stdout}\n${result.stderr}`);
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
export function installVsix(runDir, vsix) {
  const extensionsDir = join(runDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const result = spawnSync(
    paths.node24,
    [paths.codeServerEntry, '--user-data-dir', join(runDir, 'user-data'), '--extensions-dir', extensionsDir, '--force', '--install-extension', vsix],
    { env: codeServerEnv(runDir), encoding: 'utf8', timeout: 120_000 },
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
