// Runs mocha inside VS Code's extension host. Each suite file was built by esbuild next to this
// one; mocha is resolved from the project's node_modules at run time (one instance for runner and
// suites, so `import { describe } from 'mocha'` in a suite sees this run's context).
import { join } from 'node:path';
import Mocha from 'mocha';

/** Printed once per run; test/e2e/run.mjs reads it from the forwarded extension-host console. */
export const RESULT_MARKER = 'TRUSTWRIGHT_E2E_RESULT';

export function runMocha(files: string[]): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  for (const file of files) mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
        console.log(`${RESULT_MARKER} ${JSON.stringify({ passes: stats.passes, failures: stats.failures, pending: stats.pending })}`);
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
    } catch (error) {
      console.log(`${RESULT_MARKER} ${JSON.stringify({ passes: 0, failures: 1, pending: 0, error: String(error) })}`);
      reject(error);
    }
  });
}
