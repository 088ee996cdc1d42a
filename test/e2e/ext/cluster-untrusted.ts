// extensionTestsPath for the live-cluster run in Restricted Mode (workspace trust on, folder not
// trusted): no kubeconfig may be read.
import { runMocha } from './runner';

export function run(): Promise<void> {
  return runMocha(['cluster-untrusted.test.js']);
}
