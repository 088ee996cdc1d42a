// UI checks for certificates inside manifests, run by test/e2e/ui.mjs in its workbench after its own
// checks: the Bundle whose certificates openssl made for this run (test/e2e/lib/generate-certificates.ts)
// opens from the explorer, a CodeLens is drawn above each certificate with the title built from
// openssl's reading, and hovering a line of a certificate shows its subject and SHA-256 fingerprint.
// Screenshots: codelens.png, certificate-hover.png in test-output/e2e/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { log, waitFor } from './lib/harness.mjs';
import { paths } from './lib/paths.mjs';

const clean = (text) => (text ?? '').replace(/\u00a0/g, ' ').trim();

/** The CodeLens title the README promises, from openssl's facts alone. */
function expectedLensTitle(c, now = Date.now()) {
  const when = new Date(c.notAfter).getTime() < now ? 'expired' : 'expires';
  const fingerprint = c.sha256.toLowerCase().split(':').slice(0, 4).join(':');
  return `CN=${c.cn} · ${c.isCA ? 'CA' : 'leaf'} · ${when} ${c.notAfter.slice(0, 10)} · SHA-256 ${fingerprint}:…`;
}

/** Client rectangle of the text of the first visible editor line containing `needle`. */
function lineTextRect(page, needle) {
  return page.evaluate((needle) => {
    const clean = (s) => (s ?? '').replace(/\u00a0/g, ' ');
    const line = [...document.querySelectorAll('.monaco-editor .view-lines .view-line')]
      .filter((l) => clean(l.textContent).includes(needle))
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0];
    if (!line) return null;
    const range = document.createRange();
    range.selectNodeContents(line);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0);
    const left = Math.min(...rects.map((r) => r.left));
    const right = Math.max(...rects.map((r) => r.right));
    const box = line.getBoundingClientRect();
    return { x: left, y: box.top, width: right - left, height: box.height };
  }, needle);
}

/** Text and rectangle of every CodeLens drawn inside the visible part of the editor, top to bottom. */
function drawnLenses(page) {
  return page.evaluate(() => {
    const guard = document.querySelector('.editor-instance .monaco-editor .overflow-guard')?.getBoundingClientRect();
    if (!guard) return [];
    return [...document.querySelectorAll('.monaco-editor .codelens-decoration')]
      .map((element) => {
        const r = element.getBoundingClientRect();
        return { text: (element.textContent ?? '').replace(/\u00a0/g, ' ').trim(), y: r.top, bottom: r.bottom, height: r.height };
      })
      .filter((l) => l.height > 0 && l.y >= guard.top && l.bottom <= guard.bottom)
      .sort((a, b) => a.y - b.y);
  });
}

/** Tops of the visible editor lines that begin a PEM certificate, top to bottom. */
function beginLines(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.monaco-editor .view-lines .view-line')]
      .filter((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').includes('-----BEGIN CERTIFICATE-----'))
      .map((l) => l.getBoundingClientRect().top)
      .sort((a, b) => a - b),
  );
}

/** Hides the panel (the Problems view the earlier checks opened), so more of the file is in view. */
function hidePanel(page) {
  return page.evaluate(() => {
    const button = [...document.querySelectorAll('.part.panel .action-label')].find((e) => /^(Hide|Close) Panel/.test(e.getAttribute('aria-label') ?? ''));
    button?.click();
    return Boolean(button);
  });
}

/**
 * @param {{ page: import('playwright-core').Page, runDir: string, check: (what: string, ok: boolean, detail?: string) => boolean }} options
 */
export async function checkCertificateFaces({ page, runDir, check }) {
  const facts = JSON.parse(readFileSync(join(runDir, 'generated-certificates.json'), 'utf8'));
  const [root, expired] = facts.certificates;
  // The root's body lines come first in the file (its duplicate is block 3), so the first line
  // holding one of them is in block 1.
  const rootLine = root.pem.split('\n')[3];

  await page.mouse.move(5, 5);
  if (!(await hidePanel(page))) log('ui: no Hide Panel button found; the panel stays open');
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: facts.file }).first().click();
  const opened = await waitFor(() => lineTextRect(page, rootLine), 30_000);
  check(`${facts.file} (openssl-made certificates) opens in an editor`, Boolean(opened));
  if (!opened) throw new Error(`the editor did not show ${facts.file}`);
  log('ui: certificate bundle opened');

  // 1. CodeLens: above each certificate, in order, with openssl's CN, role, expiry and fingerprint.
  const expected = facts.certificates.map((c) => expectedLensTitle(c));
  const lenses = await waitFor(async () => {
    const all = await drawnLenses(page);
    return all.length >= 2 && all[0].text === expected[0] ? all : null;
  }, 30_000);
  const texts = (lenses ?? (await drawnLenses(page))).map((l) => l.text);
  check('a CodeLens with the root CA\'s CN, role, expiry and SHA-256 prefix is drawn', texts[0] === expected[0], `${JSON.stringify(texts)} vs ${expected[0]}`);
  check(
    'the next CodeLens names the expired CA as expired',
    texts[1] === expected[1] && texts[1].includes(`CN=${expired.cn}`) && texts[1].includes(' · expired '),
    `${JSON.stringify(texts)} vs ${expected[1]}`,
  );
  // A lens is drawn before the editor has laid out the space above its line (on a loaded machine all
  // of them were once read at the top of the editor): the placement is read until it holds.
  const placedAbove = (drawn, begins) =>
    drawn.length >= 2 && drawn.every((lens, i) => begins[i] !== undefined && lens.bottom <= begins[i] + 1 && begins[i] - lens.bottom < lens.height);
  let drawn = lenses ?? [];
  let begins = await beginLines(page);
  await waitFor(async () => {
    [drawn, begins] = [await drawnLenses(page), await beginLines(page)];
    return placedAbove(drawn, begins);
  }, 10_000);
  check('each CodeLens sits directly above a BEGIN CERTIFICATE line', placedAbove(drawn, begins), JSON.stringify({ lenses: drawn, begins }));
  // The expired certificate's own lines carry the pem/expired warning squiggle; the root's do not.
  const squiggled = (needle) =>
    lineTextRect(page, needle).then(
      (rect) =>
        rect &&
        page.evaluate(
          (rect) =>
            [...document.querySelectorAll('.monaco-editor .squiggly-warning')].some((element) => {
              const s = element.getBoundingClientRect();
              return s.top < rect.y + rect.height && s.bottom > rect.y && s.left < rect.x + rect.width && s.right > rect.x;
            }),
          rect,
        ),
    );
  const expiredLine = expired.pem.split('\n')[2];
  check('a warning squiggle is drawn under the expired certificate', Boolean(await waitFor(() => squiggled(expiredLine), 10_000)));
  check('no squiggle under the root CA', (await squiggled(rootLine)) === false);
  await page.screenshot({ path: join(paths.output, 'codelens.png') });

  // 2. Hover on a line of the root CA: its subject and SHA-256 fingerprint, as openssl read them.
  const rect = await lineTextRect(page, rootLine);
  await page.mouse.move(rect.x + rect.width / 3, rect.y + rect.height / 2);
  await page.mouse.move(rect.x + rect.width / 3 + 1, rect.y + rect.height / 2);
  const hover = await waitFor(async () => {
    const t = clean((await page.locator('.monaco-hover:visible').allInnerTexts()).join('\n'));
    return t.includes('SHA-256') && t.includes(root.sha256) ? t : null;
  }, 20_000);
  const shown = hover ?? clean((await page.locator('.monaco-hover:visible').allInnerTexts()).join('\n'));
  check('the hover on a certificate line shows "SHA-256" with openssl\'s fingerprint', Boolean(hover), shown);
  check(`the hover names the certificate: CN=${root.cn}`, shown.includes(`CERTIFICATE 1 of 3`) && shown.includes(`CN=${root.cn}`), shown);
  check('the hover is about that certificate only', !shown.includes(expired.sha256), shown);
  // The hover stays while the mouse is over it: scroll its table down to the fingerprint rows, and
  // check the SHA-256 row is then in sight, inside the widget.
  const widget = await page.locator('.monaco-hover:visible').first().boundingBox();
  if (widget) await page.mouse.move(widget.x + widget.width / 2, widget.y + widget.height / 2);
  const inSight = await waitFor(
    async () =>
      (await page.evaluate((sha256) => {
        const hover = [...document.querySelectorAll('.monaco-hover')].find((h) => h.getBoundingClientRect().height > 0);
        const cell = [...(hover?.querySelectorAll('td') ?? [])].find((td) => td.textContent?.trim() === sha256);
        if (!hover || !cell) return false;
        const box = hover.getBoundingClientRect();
        const r = cell.getBoundingClientRect();
        return r.top >= box.top && r.bottom <= box.bottom;
      }, root.sha256)) || (await page.mouse.wheel(0, 120).then(() => false)),
    10_000,
  );
  check('scrolled, the hover shows the SHA-256 row in sight', inSight);
  await page.screenshot({ path: join(paths.output, 'certificate-hover.png') });
  await page.mouse.move(5, 5);
}
