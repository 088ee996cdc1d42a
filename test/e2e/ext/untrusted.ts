// extensionTestsPath for the Restricted Mode run (workspace trust on, folder not trusted).
// trustwright.kubeconfig names a kubeconfig of the fake API server whose exec plugin leaves a
// marker when it runs: no kubeconfig may be read, so it must never run.
import { runMocha } from './runner';

export function run(): Promise<void> {
  return runMocha(['untrusted.test.js', 'generate-untrusted.test.js', 'cluster-untrusted.test.js']);
}
