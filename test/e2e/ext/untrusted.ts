// extensionTestsPath for the Restricted Mode run (workspace trust on, folder not trusted).
import { runMocha } from './runner';

export function run(): Promise<void> {
  return runMocha(['untrusted.test.js', 'generate-untrusted.test.js']);
}
