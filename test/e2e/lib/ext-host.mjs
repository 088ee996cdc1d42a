// Runs a mocha suite inside VS Code's extension host: code-server with the .vsix installed, and a
// headless Chromium window whose URL carries VS Code's extension-test payload. The window is
// needed even for API-level tests: code-server starts an extension host only for a workbench.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import util from 'node:util';
import { copyWorkspace, installVsix, launchBrowser, log, makeRunDir, Scope, stageOutput, startCodeServer } from './harness.mjs';
import { paths } from './paths.mjs';

const RESULT_MARKER = 'TRUSTWRIGHT_E2E_RESULT';
const REPORT_MARKER = '[trustwright-e2e] ';

/**
 * @param {{ name: string, vsix: string, fixtures: { workspace: string, facts: string }, testsEntry: string, trust?: false | 'untrusted',
 *   settings?: (workspace: string) => object, developmentPath?: string, timeoutSeconds?: number, live?: boolean }} options
 * @returns {Promise<{ name: string, exitCode: number, passes: number, failures: number, pending: number, blocked: string[] }>}
 */
export async function runExtensionHostSuite({ name, vsix, fixtures, testsEntry, trust = false, settings = () => ({}), developmentPath, timeoutSeconds = 240, live = true }) {
  const scope = new Scope();
  const out = stageOutput(scope, { live });
  let failed = true;
  try {
    const runDir = makeRunDir(scope, name);
    scope.add(() => {
      if (!failed) return;
      const logs = join(paths.output, 'logs');
      mkdirSync(logs, { recursive: true });
      if (existsSync(join(runDir, 'code-server.log'))) copyFileSync(join(runDir, 'code-server.log'), join(logs, `${name}-code-server.log`));
    });
    const workspace = copyWorkspace(runDir, fixtures);
    await installVsix(scope, runDir, vsix);
    const server = await startCodeServer(scope, runDir, { trust, settings: settings(workspace) });
    const { page, blocked } = await launchBrowser(scope, runDir);

    const remote = (path) => `vscode-remote://${server.authority}${path}`;
    const payload = [
      // The extension under test is the installed .vsix. The development path is a declarative stub
      // (or the Red Hat YAML stand-in): VS Code runs extension tests only with one.
      ['extensionDevelopmentPath', remote(developmentPath ?? join(paths.extTestsOut, 'driver'))],
      ['extensionTestsPath', remote(join(paths.extTestsOut, testsEntry))],
    ];
    const url = `http://${server.authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

    let stats;
    let testsStarted = false;
    const noteResult = (text) => {
      const at = text.indexOf(RESULT_MARKER);
      if (at >= 0) stats ??= JSON.parse(text.slice(at + RESULT_MARKER.length).trim());
    };
    // Mocha's report (lines starting with REPORT_MARKER, see test/e2e/ext/runner.ts) comes through
    // codeAutomationLog together with the workbench's own log, which is printed only on request.
    const verbose = Boolean(process.env.TRUSTWRIGHT_E2E_BROWSER_LOG);
    const exitCode = await new Promise((resolve) => {
      const timer = setTimeout(() => {
        log(`${name}: no result after ${timeoutSeconds} s`);
        resolve(124);
      }, timeoutSeconds * 1000);
      void page.exposeFunction('codeAutomationLog', (type, args) => {
        const text = util.format(...args);
        noteResult(text);
        if (text.startsWith(REPORT_MARKER) && !testsStarted) {
          testsStarted = true;
          log(`${name}: tests started`);
        }
        if (text.startsWith(REPORT_MARKER)) out.line(`  ${text.slice(REPORT_MARKER.length).replace(/\n/g, '\n  ')}`);
        else if (verbose) out.line(`  [workbench ${type}] ${text}`);
      });
      void page.exposeFunction('codeAutomationExit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      if (verbose) page.on('console', (message) => out.line(`  [browser] ${message.text()}`));
      page.on('pageerror', (error) => log(`${name}: page error: ${error.message}`));
      page.goto(url).catch((error) => {
        log(`${name}: cannot open the workbench: ${error.message}`);
        clearTimeout(timer);
        resolve(1);
      });
    });
    stats ??= { passes: 0, failures: 1, pending: 0 };
    if (exitCode !== 0 && stats.failures === 0) stats.failures = 1;
    failed = exitCode !== 0;
    out.flush();
    log(`${name}: extension host exit code ${exitCode} (${stats.passes} passed, ${stats.failures} failed)`);
    if (blocked.length > 0) log(`${name}: blocked ${blocked.length} non-loopback request(s): ${[...new Set(blocked)].join(', ')}`);
    return { name, exitCode, ...stats, blocked };
  } finally {
    await scope.close();
  }
}
