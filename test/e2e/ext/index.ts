// extensionTestsPath for the main extension-host run (workspace trust off, as most users have it).
import { runMocha } from './runner';

export function run(): Promise<void> {
  return runMocha(['extension.test.js', 'certificates.test.js', 'trust.test.js', 'generate.test.js']);
}
