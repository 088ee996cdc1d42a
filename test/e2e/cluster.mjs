// The `cluster` stage: the live cluster views in a real VS Code, reading the fake API server
// (test/cluster/fake-apiserver.ts, started here as a process of its own on 127.0.0.1) through a
// kubeconfig it writes. No real kube-apiserver is involved, or can be on these machines.
//   1. extension-host tests (test/e2e/ext/cluster.test.ts): verify chain, fingerprint, inspect,
//      read-only YAML, context switch, against answers openssl gave for the same certificates;
//   2. the same in Restricted Mode (test/e2e/ext/cluster-untrusted.test.ts): no kubeconfig is read,
//      its exec plugin never runs;
//   3. UI tests in headless Chromium: the views render from the server, the expired Certificate
//      shows its icon, the status bar names context and namespace, renew asks first and names the
//      object and the context. Screenshot: test-output/e2e/cluster.png.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runExtensionHostSuite } from './lib/ext-host.mjs';
import { copyWorkspace, installVsix, launchBrowser, log, makeRunDir, Scope, startCodeServer } from './lib/harness.mjs';
import { paths, repo } from './lib/paths.mjs';

/** Starts test/cluster/serve.ts; resolves with its ready line (URL, kubeconfig, openssl's answers). */
async function startFakeApiServer(scope) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'test', 'cluster', 'serve.ts')], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  scope.add(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const ready = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the fake API server did not start within 60 s:\n${stderr}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the fake API server exited (${code}):\n${stderr}`));
    });
  });
  log(`fake API server ${child.pid} on ${ready.url}`);
  return ready;
}

function clusterSettings(ready, kubeconfig = ready.kubeconfig) {
  return {
    'trustwright.kubeconfig': kubeconfig,
    // What openssl answered, for the extension-host tests to compare with.
    'trustwright-e2e.cluster': ready,
  };
}

async function waitFor(predicate, timeoutMs, intervalMs = 200) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate().catch(() => undefined);
    if (value) return value;
    if (Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function runClusterUi({ vsix, ready }) {
  const name = 'cluster-ui';
  const scope = new Scope();
  let passes = 0;
  let failures = 0;
  const check = (what, ok, detail = '') => {
    if (ok) passes++;
    else failures++;
    console.log(`  ${ok ? '✔' : '✘'} ${what}${ok || !detail ? '' : `: ${detail}`}`);
    return ok;
  };
  let blocked = [];
  let page;
  try {
    const runDir = makeRunDir(scope, name);
    const workspace = copyWorkspace(runDir);
    installVsix(runDir, vsix);
    const server = await startCodeServer(scope, runDir, { settings: { ...clusterSettings(ready), 'workbench.colorTheme': 'Default Dark Modern', 'window.commandCenter': false } });
    const browser = await launchBrowser(scope, runDir, { viewport: { width: 1400, height: 860 } });
    page = browser.page;
    blocked = browser.blocked;
    await page.goto(`http://${server.authority}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });

    // Open the Trustwright view container from the activity bar, as a person would.
    const activity = page.locator('.activitybar .action-item a[aria-label^="Trustwright"], .activitybar .action-item [aria-label^="Trustwright"]').first();
    await activity.waitFor({ timeout: 30_000 });
    const clicked = Date.now();
    await activity.click();
    const rows = page.locator('.pane-body .monaco-list-row');
    const firstScreen = await waitFor(async () => ((await rows.filter({ hasText: 'payments' }).count()) > 0 ? Date.now() - clicked : undefined), 30_000);
    check('the Certificates view renders the context and its namespaces from the fake API server', Boolean(firstScreen), JSON.stringify(await rows.allInnerTexts()));
    if (firstScreen) log(`${name}: first screen ${firstScreen} ms after opening the view (includes activating the extension)`);
    check('the context row names the context', Boolean(await waitFor(async () => (await rows.filter({ hasText: ready.context }).count()) > 0, 10_000)));

    const certificates = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Certificates/i }) }).first();
    const certRows = certificates.locator('.monaco-list-row');
    const row = (label) => certRows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
    const expand = async (label) => {
      const r = row(label);
      await r.waitFor({ timeout: 15_000 });
      if ((await r.getAttribute('aria-expanded')) !== 'true') await r.locator('.monaco-tl-twistie').click();
      return waitFor(async () => (await row(label).getAttribute('aria-expanded')) === 'true', 10_000);
    };
    check('the namespaces expand', Boolean((await expand('payments')) && (await expand('apps'))));
    const iconOf = async (label) => {
      const r = row(label);
      await r.waitFor({ timeout: 15_000 });
      return r.locator('.custom-view-tree-node-item-icon').first().getAttribute('class');
    };
    const checkout = await iconOf('checkout').catch((e) => String(e));
    check('the expired Certificate (payments/checkout) shows the error icon', /codicon-error/.test(checkout ?? ''), checkout);
    check('the Certificate expiring within 30 days (apps/api) shows the watch icon', /codicon-watch/.test((await iconOf('api').catch(String)) ?? ''));
    check('the Certificate that is not Ready (payments/ledger) shows the warning icon', /codicon-warning/.test((await iconOf('ledger').catch(String)) ?? ''));
    check('a Ready Certificate (apps/web) shows the pass icon', /codicon-pass/.test((await iconOf('web').catch(String)) ?? ''));
    const checkoutText = await row('checkout').innerText();
    check('the expired Certificate says so, with its notAfter', /not Ready \(Expired\) · expired \d{4}-\d\d-\d\d/.test(checkoutText), checkoutText);

    const status = page.locator('.statusbar-item', { hasText: `${ready.context} · ${ready.namespace}` });
    check('the status bar shows the context and namespace', (await status.count()) > 0, JSON.stringify(await page.locator('.statusbar-item').allInnerTexts()));
    await page.screenshot({ path: join(paths.output, 'cluster.png') });

    // Renew asks first, naming the object and the context; Cancel changes nothing.
    await row('checkout').click({ button: 'right' });
    const menuItem = page.locator('.context-view .action-item', { hasText: 'Renew (cert-manager: issue now)' }).first();
    const menuShown = await waitFor(async () => (await menuItem.count()) > 0, 10_000);
    check('the context menu of a Certificate offers Renew', Boolean(menuShown));
    if (menuShown) {
      await menuItem.click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 10_000 }).catch(() => undefined);
      const text = (await dialog.count()) ? await dialog.innerText() : '';
      check('renew asks for confirmation naming the Certificate and the context', text.includes(`Renew Certificate payments/checkout in context "${ready.context}"?`), text);
      await page.screenshot({ path: join(paths.output, 'cluster-renew.png') });
      const cancel = dialog.locator('.monaco-button', { hasText: 'Cancel' }).first();
      if (await cancel.count()) await cancel.click();
      else await page.keyboard.press('Escape');
    }
  } catch (error) {
    check('cluster UI test ran to the end', false, error?.message ?? String(error));
    if (page) await page.screenshot({ path: join(paths.output, 'cluster-error.png') }).catch(() => undefined);
  } finally {
    await scope.close();
  }
  log(`${name}: ${passes} passed, ${failures} failed`);
  return { name, passes, failures, blocked };
}

/** Both parts of the stage, sharing one fake API server. */
export async function runClusterStage({ vsix }) {
  const scope = new Scope();
  try {
    const ready = await startFakeApiServer(scope);
    // The extension host authenticates through an exec plugin (a token), the UI with a client certificate.
    const host = await runExtensionHostSuite({ name: 'cluster-host', vsix, testsEntry: 'cluster.js', settings: () => clusterSettings(ready, ready.exec.kubeconfig) });
    const untrusted = await runExtensionHostSuite({
      name: 'cluster-untrusted',
      vsix,
      testsEntry: 'cluster-untrusted.js',
      trust: 'untrusted',
      settings: () => clusterSettings(ready, ready.execUntrusted.kubeconfig),
    });
    const ui = await runClusterUi({ vsix, ready });
    return [host, untrusted, ui];
  } finally {
    await scope.close();
  }
}
