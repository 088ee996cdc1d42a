// UI tests: the .vsix installed into code-server, the workbench in headless Debian Chromium.
// Opens a broken Certificate and checks what a person sees: the squiggle under the bad value, the
// finding with its rule id in the Problems panel, the hover, and the squiggle going away after a
// fix typed into the editor; then, in the same workbench, certificates inside manifests
// (test/e2e/ui-certificates.mjs) and the live cluster views reading the fake API server
// (test/e2e/ui-cluster.mjs). Screenshots go to test-output/e2e/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterSettings } from './lib/fake-apiserver.mjs';
import { copyWorkspace, installVsix, launchBrowser, log, makeRunDir, Scope, stageOutput, startCodeServer, waitFor } from './lib/harness.mjs';
import { paths } from './lib/paths.mjs';
import { checkCertificateFaces } from './ui-certificates.mjs';
import { checkClusterViews } from './ui-cluster.mjs';

const FILE = 'broken-certificate.yaml';

/** Client rectangle of `needle` inside the first editor line whose text contains `lineNeedle`. */
function textRect(page, lineNeedle, needle) {
  return page.evaluate(
    ([lineNeedle, needle]) => {
      const clean = (s) => s.replace(/\u00a0/g, ' ');
      const lines = [...document.querySelectorAll('.monaco-editor .view-lines .view-line')];
      const line = lines.find((l) => clean(l.textContent ?? '').includes(lineNeedle));
      if (!line) return null;
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      const nodes = [];
      let text = '';
      while (walker.nextNode()) {
        nodes.push({ node: walker.currentNode, at: text.length });
        text += walker.currentNode.data;
      }
      const start = clean(text).indexOf(needle);
      if (start < 0) return null;
      const locate = (offset) => {
        const entry = nodes.findLast((n) => n.at <= offset);
        return [entry.node, offset - entry.at];
      };
      const range = document.createRange();
      range.setStart(...locate(start));
      range.setEnd(...locate(start + needle.length));
      const r = range.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    },
    [lineNeedle, needle],
  );
}

/** Whether an error squiggle is drawn under the given rectangle. */
function squiggleUnder(page, rect) {
  return page.evaluate((rect) => {
    return [...document.querySelectorAll('.monaco-editor .squiggly-error')].some((element) => {
      const s = element.getBoundingClientRect();
      const vertical = s.top < rect.y + rect.height + 4 && s.bottom > rect.y;
      const horizontal = s.left < rect.x + rect.width && s.right > rect.x;
      return vertical && horizontal;
    });
  }, rect);
}

async function problemRows(page) {
  return page.locator('.markers-panel .monaco-list-row').allInnerTexts();
}

/**
 * @param {{ vsix: string, fixtures: { workspace: string, facts: string }, ready: object, live?: boolean }} options
 *   `ready`: the fake API server's ready line (test/e2e/lib/fake-apiserver.mjs).
 * @returns {Promise<{ name: string, passes: number, failures: number, blocked: string[] }>}
 */
export async function runUiTests({ vsix, fixtures, ready, live = true }) {
  const name = 'ui';
  const scope = new Scope();
  const out = stageOutput(scope, { live });
  let passes = 0;
  let failures = 0;
  const check = (what, ok, detail = '') => {
    if (ok) passes++;
    else failures++;
    out.line(`  ${ok ? '✔' : '✘'} ${what}${ok || !detail ? '' : `: ${detail}`}`);
    return ok;
  };
  let blocked = [];
  let page;
  let loaded = false;
  try {
    const runDir = makeRunDir(scope, name);
    const workspace = copyWorkspace(runDir, fixtures);
    const text = readFileSync(join(workspace, FILE), 'utf8');
    const durationLine = text.split('\n').findIndex((l) => l.includes('duration: 30m')) + 1;
    const durationColumn = text.split('\n')[durationLine - 1].indexOf('30m') + 1;
    await installVsix(scope, runDir, vsix);
    const server = await startCodeServer(scope, runDir, {
      settings: {
        'workbench.colorTheme': 'Default Dark Modern',
        'editor.hover.delay': 200,
        'editor.hover.above': false,
        'editor.minimap.enabled': false,
        'window.commandCenter': false,
        // The cluster views (checked last) read the fake API server with a client certificate; they
        // read nothing until they are first shown.
        ...clusterSettings(ready, ready.kubeconfig),
      },
    });
    const browser = await launchBrowser(scope, runDir, { viewport: { width: 1280, height: 800 } });
    page = browser.page;
    blocked = browser.blocked;

    await page.goto(`http://${server.authority}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    loaded = true;
    log(`${name}: workbench loaded`);

    // The browser reaches nothing but loopback: a request to another host (a reserved .invalid
    // name, which no resolver answers) is aborted by the route before it leaves, and recorded.
    const probe = 'https://trustwright-e2e.invalid/probe';
    const outcome = await page.evaluate((url) => fetch(url).then(() => 'reached', () => 'failed'), probe);
    check('a request to a non-loopback host is blocked', outcome === 'failed' && blocked.includes(probe), `${outcome}; blocked: ${blocked.join(', ')}`);

    // Open the manifest from the explorer, as a person would.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE }).first().click();
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
    const opened = await waitFor(() => textRect(page, 'duration: 30m', '30m'), 30_000);
    check(`${FILE} opens in an editor`, Boolean(opened));
    if (!opened) throw new Error('editor did not show the file');

    // 1. The squiggle, under the offending value.
    const squiggle = await waitFor(async () => squiggleUnder(page, await textRect(page, 'duration: 30m', '30m')), 60_000);
    check('an error squiggle is drawn under "30m"', squiggle);
    const kindSquiggle = await waitFor(async () => squiggleUnder(page, await textRect(page, 'kind: Issue', 'Issue')), 10_000);
    check('an error squiggle is drawn under "Issue"', kindSquiggle);

    // 2. The Problems panel lists the finding with its rule id and position.
    await page.keyboard.press('Control+Shift+M');
    const rows = await waitFor(async () => {
      const all = await problemRows(page);
      return all.some((r) => r.includes('certificate/duration')) ? all : null;
    }, 20_000);
    const durationRow = rows?.find((r) => r.includes('certificate/duration')) ?? '';
    check(
      'the Problems panel lists certificate/duration with its message and position',
      durationRow.includes('certificate duration must be greater than 1h0m0s') && durationRow.includes(`Ln ${durationLine}, Col ${durationColumn}`),
      JSON.stringify(rows),
    );
    check('the Problems panel lists certificate/issuer-ref', Boolean(rows?.some((r) => r.includes('certificate/issuer-ref'))), JSON.stringify(rows));
    check('the Problems panel names the source "trustwright"', Boolean(durationRow.includes('trustwright')), durationRow);
    await page.screenshot({ path: join(paths.output, 'problems.png') });

    // 3. The hover over the value: the finding and the field's schema documentation.
    const rect = await textRect(page, 'duration: 30m', '30m');
    await page.mouse.move(rect.x + rect.width / 2, rect.y + rect.height / 2);
    await page.mouse.move(rect.x + rect.width / 2 + 1, rect.y + rect.height / 2);
    // The hover widget stacks the problem and our schema documentation as separate parts.
    const hoverText = await waitFor(async () => {
      const t = (await page.locator('.monaco-hover:visible').allInnerTexts()).join('\n');
      return t.includes('greater than 1h0m0s') && t.includes("Requested 'duration'") ? t : null;
    }, 20_000);
    check('the hover shows the finding with its rule id', Boolean(hoverText?.includes('trustwright(certificate/duration)')), hoverText ?? '');
    check(
      'the hover shows the schema documentation of spec.duration',
      Boolean(hoverText && /spec\.duration\s*·\s*string/.test(hoverText) && hoverText.includes('from the cert-manager CRD')),
      hoverText ?? '',
    );
    await page.screenshot({ path: join(paths.output, 'hover.png') });
    await page.mouse.move(5, 5);

    // 4. Typing a fix clears the squiggle and the Problems row.
    await page.mouse.dblclick(rect.x + rect.width / 2, rect.y + rect.height / 2);
    await page.keyboard.type('2160h');
    const cleared = await waitFor(async () => {
      const value = await textRect(page, 'duration: 2160h', '2160h');
      if (!value || (await squiggleUnder(page, value))) return false;
      return !(await problemRows(page)).some((r) => r.includes('certificate/duration'));
    }, 20_000);
    check('typing a valid duration clears its squiggle and its Problems row', cleared, JSON.stringify(await problemRows(page)));
    check(
      'the other finding stays',
      (await problemRows(page)).some((r) => r.includes('certificate/issuer-ref')),
      JSON.stringify(await problemRows(page)),
    );
    await page.screenshot({ path: join(paths.output, 'fixed.png') });

    // 5. Certificates inside manifests: CodeLens and hover (test/e2e/ui-certificates.mjs).
    await checkCertificateFaces({ page, runDir, check });
  } catch (error) {
    check('UI test ran to the end', false, error?.message ?? String(error));
    if (page) await page.screenshot({ path: join(paths.output, 'ui-error.png') }).catch(() => undefined);
  }
  // 6. The live cluster views (test/e2e/ui-cluster.mjs), in the same workbench, at the size their
  // screenshots always had; they run even when a check above failed.
  try {
    if (!loaded) throw new Error('the workbench did not load');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1400, height: 860 });
    await checkClusterViews({ page, ready, check });
  } catch (error) {
    check('cluster UI test ran to the end', false, error?.message ?? String(error));
    if (page) await page.screenshot({ path: join(paths.output, 'cluster-error.png') }).catch(() => undefined);
  } finally {
    out.flush();
    await scope.close();
  }
  log(`${name}: ${passes} passed, ${failures} failed; screenshots in ${paths.output}`);
  const unexpected = blocked.filter((url) => !url.startsWith('https://trustwright-e2e.invalid/'));
  if (unexpected.length > 0) log(`${name}: blocked ${unexpected.length} non-loopback request(s): ${[...new Set(unexpected)].join(', ')}`);
  return { name, passes, failures, blocked: unexpected };
}
