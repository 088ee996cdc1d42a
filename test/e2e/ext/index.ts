// extensionTestsPath for the main extension-host run (workspace trust off, as most users have it).
// trustwright.kubeconfig points at the fake API server (test/e2e/lib/fake-apiserver.mjs) through an
// exec-plugin kubeconfig; the cluster views read nothing until cluster.test.js, last, opens them.
import { runMocha } from './runner';

export function run(): Promise<void> {
  return runMocha(['extension.test.js', 'certificates.test.js', 'trust.test.js', 'generate.test.js', 'cluster.test.js']);
}
