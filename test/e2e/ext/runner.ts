// Runs mocha inside VS Code's extension host. Each suite file was built by esbuild next to this
// one; mocha is resolved from the project's node_modules at run time (one instance for runner and
// suites, so `import { describe } from 'mocha'` in a suite sees this run's context).
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/** Printed once per run; test/e2e/run.mjs reads it from the forwarded extension-host console. */
export const RESULT_MARKER = 'TRUSTWRIGHT_E2E_RESULT';
/**
 * Starts every line of mocha's report, so the harness can tell it from the workbench's own log
 * (both reach it through the same channel).
 */
export const REPORT_MARKER = '[trustwright-e2e] ';

(Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void }).consoleLog = (...args) =>
  console.log(REPORT_MARKER + format(...args));

export function runMocha(files: string[]): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  for (const file of files) mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
        console.log(`${REPORT_MARKER}${RESULT_MARKER} ${JSON.stringify({ passes: stats.passes, failures: stats.failures, pending: stats.pending })}`);
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
    } catch (error) {
      console.log(`${REPORT_MARKER}${RESULT_MARKER} ${JSON.stringify({ passes: 0, failures: 1, pending: 0, error: String(error) })}`);
      reject(error);
    }
  });
}
