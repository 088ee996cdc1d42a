#!/usr/bin/env node
// Bundles the three faces with esbuild: dist/extension.js (VS Code client), dist/server.js (language
// server, `--stdio` or IPC) and dist/cli.js (the `trustwright` command).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { TRUSTWRIGHT_VERSION: JSON.stringify(version) },
  // Ajv compiles schemas to code at run time; keep readable names for its error paths.
  keepNames: true,
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
console.log(`built dist/ (trustwright ${version}${production ? ', production' : ''})`);
