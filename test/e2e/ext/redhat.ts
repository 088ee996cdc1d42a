// extensionTestsPath for the run beside the Red Hat YAML stand-in (test/e2e/redhat-yaml-stub).
import { runMocha } from './runner';

export function run(): Promise<void> {
  return runMocha(['redhat-yaml.test.js']);
}
