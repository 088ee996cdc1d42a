#!/usr/bin/env node
// `npm run test:e2e`: Trustwright in a real VS Code.
//   1. installs what is missing into .vscode-test/ (test/e2e/setup.mjs; a second run skips it);
//   2. packages the extension (`npm run package`: production build + vsce) unless
//      TRUSTWRIGHT_E2E_VSIX names a .vsix to test;
//   3. extension-host tests (mocha, real `vscode` API) against the installed .vsix: once with
//      workspace trust off, once in Restricted Mode (trust on, folder untrusted);
//   4. extension-host tests beside a stand-in for Red Hat YAML (the real yaml-language-server behind
//      Red Hat YAML's extension id and schema-contributor API): no problem listed twice;
//   5. UI tests in headless Chromium (test/e2e/ui.mjs), screenshots in test-output/e2e/.
// Everything binds 127.0.0.1; the browser reaches nothing else. Exit code 0 only if all passed.
// TRUSTWRIGHT_E2E_ONLY=ext|untrusted|redhat|ui|cluster runs one stage.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { ensureInstalled } from './setup.mjs';
import { closeAllScopes, log } from './lib/harness.mjs';
import { runExtensionHostSuite } from './lib/ext-host.mjs';
import { paths, repo } from './lib/paths.mjs';
import { runUiTests } from './ui.mjs';
import { runClusterStage } from './cluster.mjs';

const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const only = process.env.TRUSTWRIGHT_E2E_ONLY;

function timed(label, fn) {
  const started = Date.now();
  const done = (value) => {
    log(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return value;
  };
  const result = fn();
  return result instanceof Promise ? result.then(done) : done(result);
}

function packageExtension() {
  if (process.env.TRUSTWRIGHT_E2E_VSIX) return resolve(process.env.TRUSTWRIGHT_E2E_VSIX);
  const vsix = join(repo, `trustwright-${version}.vsix`);
  rmSync(vsix, { force: true });
  const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run package failed (${result.status}):\n${result.stdout}`);
  const done = /DONE\s+Packaged: .*/.exec(result.stdout);
  log(done ? done[0] : `packaged ${vsix}`);
  if (!existsSync(vsix)) throw new Error(`npm run package did not write ${vsix}`);
  return vsix;
}

async function buildExtensionTests() {
  rmSync(paths.extTestsOut, { recursive: true, force: true });
  const dir = join(repo, 'test', 'e2e', 'ext');
  await build({
    entryPoints: ['index.ts', 'untrusted.ts', 'redhat.ts', 'extension.test.ts', 'certificates.test.ts', 'trust.test.ts', 'untrusted.test.ts', 'redhat-yaml.test.ts', 'generate.test.ts', 'generate-untrusted.test.ts', 'cluster.ts', 'cluster.test.ts', 'cluster-untrusted.ts', 'cluster-untrusted.test.ts'].map((f) => join(dir, f)),
    outdir: paths.extTestsOut,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    // `vscode` comes from the extension host; mocha from node_modules (one instance for all files).
    external: ['vscode', 'mocha'],
    define: { E2E_EXPECTED_VERSION: JSON.stringify(version) },
  });
  // extensionDevelopmentPath must name an extension folder: a declarative stub that contributes
  // nothing, so the extension under test is the one installed from the .vsix.
  const driver = join(paths.extTestsOut, 'driver');
  mkdirSync(driver, { recursive: true });
  writeFileSync(
    join(driver, 'package.json'),
    JSON.stringify({ name: 'trustwright-e2e-driver', publisher: 'trustwright-tests', version: '0.0.0', engines: { vscode: '*' } }, null, 2),
  );
}

async function buildRedHatYamlStandIn() {
  const source = join(repo, 'test', 'e2e', 'redhat-yaml-stub');
  rmSync(paths.redHatStubOut, { recursive: true, force: true });
  await build({
    entryPoints: [join(source, 'extension.ts')],
    outfile: join(paths.redHatStubOut, 'extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    external: ['vscode'],
    define: { YAML_SERVER_MODULE: JSON.stringify(paths.yamlLanguageServerModule) },
  });
  writeFileSync(join(paths.redHatStubOut, 'package.json'), readFileSync(join(source, 'package.json')));
}

/**
 * Settings for the Red Hat YAML run: offline, and a Certificate schema mapped to every YAML file of
 * the workspace. (The pattern names the folder: yaml-language-server's globs do not enter
 * dot-folders such as .vscode-test/, where the workspace copy lives.)
 */
function redHatSettings(workspace) {
  return {
    'yaml.schemas': { [join(repo, 'schemas', 'cert-manager.io_v1_Certificate.json')]: `${workspace}/*.yaml` },
    'yaml.schemaStore.enable': false,
    'yaml.kubernetesCRDStore.enable': false,
  };
}

async function main() {
  const started = Date.now();
  timed('install check', () => ensureInstalled());
  const vsix = timed('package', () => packageExtension());
  await timed('build extension-host tests', () => Promise.all([buildExtensionTests(), buildRedHatYamlStandIn()]));
  // Screenshots and, for a failed stage, code-server's log: fresh for every run.
  rmSync(paths.output, { recursive: true, force: true });
  mkdirSync(paths.output, { recursive: true });

  const results = [];
  if (!only || only === 'ext') {
    results.push(await timed('extension-host tests', () => runExtensionHostSuite({ name: 'ext-host', vsix, testsEntry: 'index.js' })));
  }
  if (!only || only === 'untrusted') {
    results.push(
      await timed('extension-host tests, untrusted workspace', () =>
        runExtensionHostSuite({ name: 'ext-host-untrusted', vsix, testsEntry: 'untrusted.js', trust: 'untrusted' }),
      ),
    );
  }
  if (!only || only === 'redhat') {
    results.push(
      await timed('extension-host tests beside Red Hat YAML', () =>
        runExtensionHostSuite({ name: 'ext-host-redhat-yaml', vsix, testsEntry: 'redhat.js', settings: redHatSettings, developmentPath: paths.redHatStubOut }),
      ),
    );
  }
  if (!only || only === 'ui') results.push(await timed('UI tests', () => runUiTests({ vsix })));
  if (!only || only === 'cluster') results.push(...(await timed('cluster views (fake API server)', () => runClusterStage({ vsix }))));

  const passes = results.reduce((n, r) => n + r.passes, 0);
  const failures = results.reduce((n, r) => n + r.failures, 0);
  const blocked = results.flatMap((r) => r.blocked ?? []);
  console.log('');
  for (const r of results) console.log(`  ${r.failures === 0 ? 'ok  ' : 'FAIL'} ${r.name}: ${r.passes} passed, ${r.failures} failed`);
  console.log(`  browser requests blocked (not loopback): ${blocked.length}`);
  console.log(`  total time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`e2e: ${passes} passed, ${failures} failed`);
  return failures === 0 && results.length > 0 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`[e2e] ${error?.stack ?? error}`);
  console.log('e2e: 0 passed, 1 failed');
} finally {
  await closeAllScopes();
}
process.exit(code);
