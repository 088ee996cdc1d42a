// UI checks of the live cluster views, run by test/e2e/ui.mjs in its workbench after the editor
// checks. trustwright.kubeconfig names the fake API server's client-certificate kubeconfig
// (test/e2e/lib/fake-apiserver.mjs), set before the workbench opened; the views read nothing until
// they are first shown. Checks: the views render from the server, the expired Certificate shows its
// icon, the status bar names context and namespace, renew asks first and names the object and the
// context (cancelled). Screenshots: cluster.png, cluster-renew.png in test-output/e2e/.
import { join } from 'node:path';
import { log, waitFor as waitUntil } from './lib/harness.mjs';
import { paths } from './lib/paths.mjs';

/** The views redraw while they load: a row read as it goes away is "not yet", not a failure. */
const waitFor = (predicate, timeoutMs) => waitUntil(predicate, timeoutMs, { intervalMs: 200, tolerateErrors: true });

/**
 * @param {{ page: import('playwright-core').Page, ready: { context: string, namespace: string },
 *   check: (what: string, ok: boolean, detail?: string) => boolean }} options
 */
export async function checkClusterViews({ page, ready, check }) {
  // Open the Trustwright view container from the activity bar, as a person would.
  const activity = page.locator('.activitybar .action-item a[aria-label^="Trustwright"], .activitybar .action-item [aria-label^="Trustwright"]').first();
  await activity.waitFor({ timeout: 30_000 });
  const clicked = Date.now();
  await activity.click();
  const rows = page.locator('.pane-body .monaco-list-row');
  const firstScreen = await waitFor(async () => ((await rows.filter({ hasText: 'payments' }).count()) > 0 ? Date.now() - clicked : undefined), 30_000);
  check('the Certificates view renders the context and its namespaces from the fake API server', Boolean(firstScreen), JSON.stringify(await rows.allInnerTexts()));
  if (firstScreen) log(`ui: cluster views' first screen ${firstScreen} ms after opening them`);
  check('the context row names the context', Boolean(await waitFor(async () => (await rows.filter({ hasText: ready.context }).count()) > 0, 10_000)));

  const certificates = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Certificates/i }) }).first();
  const certRows = certificates.locator('.monaco-list-row');
  const row = (label) => certRows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
  // The views redraw when the first lists and watch events arrive; a click that lands while a row is
  // being replaced can be lost (it happened with another stage loading the machine). Wait, as a
  // person would, until the views' progress bars are gone; then click the twistie, and click again
  // if the row did not expand (logged; the check fails if it never does).
  await waitFor(async () => (await page.locator('.pane .monaco-progress-container.active:visible').count()) === 0, 15_000);
  const expand = async (label) => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const r = row(label);
      await r.waitFor({ timeout: 15_000 });
      if ((await r.getAttribute('aria-expanded')) === 'true') return true;
      if (attempt > 1) log(`ui: ${label} did not expand after a click; clicking again (attempt ${attempt})`);
      await r.locator('.monaco-tl-twistie').click();
      if (await waitFor(async () => (await row(label).getAttribute('aria-expanded')) === 'true', attempt < 3 ? 3_000 : 10_000)) return true;
    }
    return false;
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
}
