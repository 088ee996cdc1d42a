// extensionTestsPath for the live-cluster run: trustwright.kubeconfig points at the fake API server
// that test/e2e/cluster.mjs started on 127.0.0.1.
import { runMocha } from './runner';

export function run(): Promise<void> {
  return runMocha(['cluster.test.js']);
}
