#!/usr/bin/env node
// `npm run test:e2e`: Trustwright in a real VS Code.
//   1. installs what is missing into .vscode-test/ (test/e2e/setup.mjs; a second run skips it);
//   2. at the same time: packages the extension (`npm run package`: production build + vsce, in a
//      copy of the tree, test/e2e/lib/package.mjs) unless TRUSTWRIGHT_E2E_VSIX names a .vsix to test;
//      builds the extension-host suites; makes the run's certificate fixture with openssl; starts the
//      fake Kubernetes API server (test/cluster/serve.ts) on 127.0.0.1, shared by every stage;
//   3. four stages, each its own code-server and Chromium, side by side (TRUSTWRIGHT_E2E_JOBS at a
//      time), because their VS Code configurations differ:
//        ext        extension-host tests (mocha, real `vscode` API) against the installed .vsix,
//                   workspace trust off, ending with the live cluster views (exec-plugin kubeconfig);
//        untrusted  the same host in Restricted Mode (trust on, folder untrusted), including the
//                   check that no kubeconfig is read;
//        redhat     extension-host tests beside a stand-in for Red Hat YAML (the real
//                   yaml-language-server behind Red Hat YAML's extension id and schema-contributor
//                   API): no problem listed twice;
//        ui         headless Chromium driving the workbench (test/e2e/ui.mjs): editor, certificates,
//                   then the cluster views; screenshots in test-output/e2e/.
// Everything binds 127.0.0.1; the browser reaches nothing else. Exit code 0 only if all passed.
// TRUSTWRIGHT_E2E_ONLY=ext,untrusted,redhat,ui (any of them; `cluster` = ext,untrusted,ui) runs those.
import { availableParallelism } from 'node:os';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ensureInstalled } from './setup.mjs';
import { clusterSettings, startFakeApiServer } from './lib/fake-apiserver.mjs';
import { closeAllScopes, log, prepareFixtures, Scope } from './lib/harness.mjs';
import { runExtensionHostSuite } from './lib/ext-host.mjs';
import { packageExtension } from './lib/package.mjs';
import { paths, repo } from './lib/paths.mjs';
import { runUiTests } from './ui.mjs';

const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

function timed(label, fn) {
  const started = Date.now();
  const done = (value) => {
    log(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return value;
  };
  const result = fn();
  return result instanceof Promise ? result.then(done) : done(result);
}

async function buildExtensionTests() {
  rmSync(paths.extTestsOut, { recursive: true, force: true });
  const dir = join(repo, 'test', 'e2e', 'ext');
  await build({
    entryPoints: ['index.ts', 'untrusted.ts', 'redhat.ts', 'extension.test.ts', 'certificates.test.ts', 'trust.test.ts', 'untrusted.test.ts', 'redhat-yaml.test.ts', 'generate.test.ts', 'generate-untrusted.test.ts', 'cluster.test.ts', 'cluster-untrusted.test.ts'].map((f) => join(dir, f)),
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

/**
 * The stages, in the order the summary lists them. `order` is the start order (longest first, so
 * the pool ends together); `cluster`: needs the fake API server.
 */
const STAGES = [
  {
    key: 'ext',
    order: 0,
    cluster: true,
    label: 'extension-host tests, with the cluster views',
    run: ({ vsix, fixtures, ready, live }) =>
      runExtensionHostSuite({
        name: 'ext-host',
        vsix,
        fixtures,
        testsEntry: 'index.js',
        // The exec-plugin kubeconfig: cluster.test.js checks that its plugin ran.
        settings: () => clusterSettings(ready, ready.exec.kubeconfig),
        timeoutSeconds: 300,
        live,
      }),
  },
  {
    key: 'untrusted',
    order: 3,
    cluster: true,
    label: 'extension-host tests, untrusted workspace',
    run: ({ vsix, fixtures, ready, live }) =>
      runExtensionHostSuite({
        name: 'ext-host-untrusted',
        vsix,
        fixtures,
        testsEntry: 'untrusted.js',
        trust: 'untrusted',
        // A kubeconfig whose exec plugin must never run: cluster-untrusted.test.js checks it did not.
        settings: () => clusterSettings(ready, ready.execUntrusted.kubeconfig),
        live,
      }),
  },
  {
    key: 'redhat',
    order: 2,
    cluster: false,
    label: 'extension-host tests beside Red Hat YAML',
    run: ({ vsix, fixtures, live }) =>
      runExtensionHostSuite({ name: 'ext-host-redhat-yaml', vsix, fixtures, testsEntry: 'redhat.js', settings: redHatSettings, developmentPath: paths.redHatStubOut, live }),
  },
  {
    key: 'ui',
    order: 1,
    cluster: true,
    label: 'UI tests, with the cluster views',
    run: ({ vsix, fixtures, ready, live }) => runUiTests({ vsix, fixtures, ready, live }),
  },
];

function selectedStages() {
  const only = process.env.TRUSTWRIGHT_E2E_ONLY;
  if (!only) return STAGES;
  const keys = new Set(only.split(',').flatMap((k) => (k.trim() === 'cluster' ? ['ext', 'untrusted', 'ui'] : [k.trim()])));
  const unknown = [...keys].filter((k) => !STAGES.some((s) => s.key === k));
  if (unknown.length > 0) throw new Error(`TRUSTWRIGHT_E2E_ONLY: unknown stage ${unknown.join(', ')} (stages: ${STAGES.map((s) => s.key).join(', ')}, or cluster)`);
  return STAGES.filter((s) => keys.has(s.key));
}

function jobCount(stages) {
  const asked = Number(process.env.TRUSTWRIGHT_E2E_JOBS);
  const jobs = Number.isInteger(asked) && asked > 0 ? asked : Math.min(4, availableParallelism());
  return Math.max(1, Math.min(jobs, stages.length));
}

/** A stage that throws (code-server did not start, ...) counts as one failure; the others go on. */
async function runStage(stage, context) {
  const started = Date.now();
  let result;
  try {
    result = await stage.run(context);
  } catch (error) {
    log(`${stage.key}: ${error?.stack ?? error}`);
    result = { name: stage.key, passes: 0, failures: 1, blocked: [] };
  }
  result.seconds = (Date.now() - started) / 1000;
  log(`${stage.label}: ${result.seconds.toFixed(1)} s`);
  return result;
}

/** Runs `tasks` (functions returning promises), at most `jobs` at a time, in order of start. */
async function pool(tasks, jobs) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return results;
}

async function main() {
  const started = Date.now();
  const stages = selectedStages();
  const jobs = jobCount(stages);
  // Screenshots and, for a failed stage, code-server's log: fresh for every run.
  rmSync(paths.output, { recursive: true, force: true });
  mkdirSync(paths.output, { recursive: true });
  timed('install check', () => ensureInstalled());

  // Everything the stages share, made at the same time; closed (server stopped, folders removed)
  // after the stages, or on a signal.
  const shared = new Scope();
  const [vsix, , fixtures, ready] = await timed('preparation', () =>
    Promise.all([
      timed('package', () => packageExtension(shared, version)),
      timed('build extension-host tests', () => Promise.all([buildExtensionTests(), buildRedHatYamlStandIn()])),
      timed('certificate fixtures (openssl)', () => prepareFixtures(shared)),
      stages.some((s) => s.cluster) ? timed('fake API server', () => startFakeApiServer(shared)) : undefined,
    ]),
  );

  log(`stages: ${stages.map((s) => s.key).join(', ')}; ${jobs} at a time`);
  const context = { vsix, fixtures, ready, live: jobs === 1 };
  const byStart = [...stages].sort((a, b) => a.order - b.order);
  const finished = await pool(
    byStart.map((stage) => () => runStage(stage, context)),
    jobs,
  );
  const results = stages.map((stage) => finished[byStart.indexOf(stage)]);
  await shared.close();

  const passes = results.reduce((n, r) => n + r.passes, 0);
  const failures = results.reduce((n, r) => n + r.failures, 0);
  const blocked = results.flatMap((r) => r.blocked ?? []);
  console.log('');
  for (const r of results) console.log(`  ${r.failures === 0 ? 'ok  ' : 'FAIL'} ${r.name}: ${r.passes} passed, ${r.failures} failed (${r.seconds.toFixed(1)} s)`);
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
  await closeAllScopes();
  console.log('e2e: 0 passed, 1 failed');
} finally {
  await closeAllScopes();
}
process.exit(code);
