// Packages the extension for the run: `npm run package` (vscode:prepublish's production build, then
// vsce) in a copy of the source tree, and the .vsix moved to trustwright-<version>.vsix in the repo.
//
// Why a copy: vsce lists every file under its folder before it applies .vscodeignore, matching each
// against every pattern, and .vscode-test/ (code-server: ~15,000 files) sits inside the repo. In
// place that is ~20 s of CPU per run; in a copy without it, a second or two. The copy holds every
// top-level entry of the repo except those vsce never packs or rebuilds anyway: .git, .vscode-test
// (or wherever TRUSTWRIGHT_E2E_ROOT points inside the repo), node_modules (a symlink to the repo's,
// for esbuild and vsce; --no-dependencies packs none of it), dist (vscode:prepublish deletes and
// rebuilds it), test-output (this run writes there) and *.vsix. .vscodeignore decides the rest, as
// in place; the repo's own dist/ is left alone.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { log, makeRunDir, runProcess } from './harness.mjs';
import { paths, repo } from './paths.mjs';

function skippedEntries() {
  const skip = new Set(['.git', '.vscode-test', 'node_modules', 'dist', 'test-output']);
  const root = relative(repo, paths.root);
  if (root && !root.startsWith('..') && !isAbsolute(root)) skip.add(root.split(/[\\/]/)[0]);
  return skip;
}

/** @returns {Promise<string>} the .vsix to test */
export async function packageExtension(scope, version) {
  if (process.env.TRUSTWRIGHT_E2E_VSIX) return resolve(process.env.TRUSTWRIGHT_E2E_VSIX);
  const vsix = join(repo, `trustwright-${version}.vsix`);
  rmSync(vsix, { force: true });
  const source = join(makeRunDir(scope, 'package'), 'source');
  mkdirSync(source);
  const skip = skippedEntries();
  for (const entry of readdirSync(repo)) {
    if (skip.has(entry) || entry.endsWith('.vsix')) continue;
    cpSync(join(repo, entry), join(source, entry), { recursive: true, verbatimSymlinks: true });
  }
  symlinkSync(join(repo, 'node_modules'), join(source, 'node_modules'), 'dir');
  const result = await runProcess(scope, 'npm', ['run', '--silent', 'package'], { cwd: source, timeout: 300_000 });
  if (result.status !== 0) throw new Error(`npm run package failed (${result.status ?? result.error}):\n${result.stdout}\n${result.stderr}`);
  const built = join(source, basename(vsix));
  if (!existsSync(built)) throw new Error(`npm run package did not write ${basename(vsix)}:\n${result.stdout}`);
  // (A copy: TRUSTWRIGHT_E2E_ROOT may be on another file system. The run folder goes at the end.)
  copyFileSync(built, vsix);
  if (result.stderr.trim()) console.log(result.stderr.trimEnd());
  const done = /DONE\s+Packaged: .*\((.*)\)/.exec(result.stdout);
  log(`packaged ${vsix}${done ? ` (${done[1]})` : ''}`);
  return vsix;
}
