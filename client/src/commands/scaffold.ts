// "Trustwright: Scaffold mTLS Manifests": the layout of `trustwright generate manifests` from a few
// questions (CA source, workloads, who calls whom), written as YAML files the language server then
// lints like any other.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KEY_ALGORITHMS, keyAlgorithm, type KeyAlgorithm } from '../../../server/src/core/pki/algorithms';
import { dns1123Label, dns1123Subdomain } from '../../../server/src/core/rules/k8s';
import { checkLeafDuration, LAYOUT_DEFAULTS, parseConnection, parseWorkloadId, resolveLayout, type CaSource, type ConnectionInput, type WorkloadInput } from '../../../server/src/core/scaffold/layout';
import { scaffoldMtls } from '../../../server/src/core/scaffold/mtls';
import { announce, checkFolder, confirmOverwrite, displayPath, requireTrust, resolveFolder, write, type CommandResult } from './output';
import { windowPrompter, type Prompter } from './prompt';

export const SCAFFOLD_COMMAND = 'trustwright.scaffoldMtlsManifests';
const TITLE = 'Trustwright: Scaffold mTLS Manifests';

export interface ScaffoldArgs {
  readonly prompter?: Prompter;
}

function items(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function checkWorkloads(text: string): string | undefined {
  const list = items(text);
  if (list.length === 0) return 'Name at least one workload as namespace/name';
  for (const item of list) {
    const workload = parseWorkloadId(item);
    if (!workload) return `"${item}" is not namespace/name`;
    const problem = dns1123Label(workload.namespace)[0] ?? dns1123Label(workload.name)[0];
    if (problem) return `"${item}": ${problem}`;
  }
  return new Set(list).size === list.length ? undefined : 'A workload is listed twice';
}

function checkConnections(text: string, workloads: readonly string[]): string | undefined {
  for (const item of items(text)) {
    const connection = parseConnection(item);
    if (!connection) return `"${item}" is not CLIENT=SERVER (each namespace/name)`;
    const unknown = [connection.from, connection.to].find((id) => !workloads.includes(id));
    if (unknown) return `"${unknown}" is not one of the workloads (${workloads.join(', ')})`;
  }
  return undefined;
}

async function askLayout(prompter: Prompter) {
  const input = (id: string, prompt: string, value: string, validate?: (text: string) => string | undefined) => prompter.input({ id, title: TITLE, prompt, value, validate });

  const out = await input('out', 'Folder for the manifests (relative to the workspace folder)', 'mtls-manifests', checkFolder);
  if (out === undefined) return undefined;
  const source = await prompter.pick<'secret' | 'selfSigned'>({
    id: 'caSource',
    title: TITLE,
    placeHolder: 'Where does the root CA come from?',
    items: [
      { label: '$(key) An existing CA Secret', description: 'production', detail: 'Your CA key pair, as a kubernetes.io/tls Secret in the trust namespace', value: 'secret' },
      { label: '$(beaker) A selfSigned bootstrap', description: 'development only', detail: 'A root CA made inside the cluster; its key is an ordinary Secret', value: 'selfSigned' },
    ],
  });
  if (source === undefined) return undefined;
  let caSource: CaSource = { selfSigned: true };
  if (source === 'secret') {
    const secret = await input('caSecret', 'Name of the CA Secret (tls.crt, tls.key) in the trust namespace', 'root-ca', (t) => dns1123Subdomain(t.trim())[0]);
    if (secret === undefined) return undefined;
    caSource = { secret: secret.trim() };
  }
  const workloadText = await input('workloads', 'Workloads as namespace/name, comma-separated', 'web/frontend, backend/api', checkWorkloads);
  if (workloadText === undefined) return undefined;
  const ids = items(workloadText);
  const connectionText = await input(
    'connections',
    'Who calls whom: CLIENT=SERVER pairs (namespace/name), comma-separated. Empty: every workload talks to every other.',
    ids.length === 2 ? `${ids[0]}=${ids[1]}` : '',
    (t) => checkConnections(t, ids),
  );
  if (connectionText === undefined) return undefined;
  const keyAlg = await prompter.pick<KeyAlgorithm>({
    id: 'keyAlg',
    title: TITLE,
    placeHolder: 'Key algorithm of the certificates cert-manager will issue',
    items: KEY_ALGORITHMS.map((id) => ({ label: keyAlgorithm(id).label, description: keyAlgorithm(id).detail, value: id })),
  });
  if (keyAlg === undefined) return undefined;
  const leafDuration = await input('leafDuration', 'Lifetime of the server and client certificates (cert-manager renews them after two thirds)', LAYOUT_DEFAULTS.leafDuration, checkLeafDuration);
  if (leafDuration === undefined) return undefined;
  const trustNamespace = await input(
    'trustNamespace',
    "trust-manager's trust namespace, also cert-manager's cluster resource namespace",
    vscode.workspace.getConfiguration('trustwright').get<string>('trustNamespace', LAYOUT_DEFAULTS.trustNamespace),
    (t) => dns1123Label(t.trim())[0],
  );
  if (trustNamespace === undefined) return undefined;

  const workloads: WorkloadInput[] = ids.map((id) => parseWorkloadId(id)!);
  const connections: ConnectionInput[] | undefined = items(connectionText).length > 0 ? items(connectionText).map((c) => parseConnection(c)!) : undefined;
  return { folder: resolveFolder(out), input: { caSource, workloads, connections, keyAlgorithm: keyAlg, leafDuration: leafDuration.trim(), trustNamespace: trustNamespace.trim() } };
}

export async function scaffoldCommand(output: vscode.LogOutputChannel, args: ScaffoldArgs = {}): Promise<CommandResult> {
  if (!requireTrust('Scaffold mTLS Manifests')) return { status: 'untrusted' };
  const prompter = args.prompter ?? windowPrompter;
  const answers = await askLayout(prompter);
  if (!answers) return { status: 'dismissed' };
  const { layout, problems } = resolveLayout(answers.input);
  if (!layout) {
    void vscode.window.showErrorMessage(`Trustwright: ${problems.join('; ')}`);
    return { status: 'failed', message: problems.join('; ') };
  }
  const files = scaffoldMtls(layout).map((file) => ({ path: file.path, contents: file.text }));
  const overwrite = await confirmOverwrite(prompter, answers.folder, files);
  if (overwrite === undefined) return { status: 'declined' };

  const result = write(answers.folder, files, overwrite, output, 'scaffold mTLS manifests');
  if (result.status === 'written') {
    const root = 'secret' in layout.caSource ? `create the Secret ${layout.caSource.secret} in ${layout.trustNamespace} first` : 'the root is a selfSigned bootstrap: development only';
    announce(
      `Trustwright: wrote ${result.files.length} manifests for ${layout.workloads.length} workloads to ${displayPath(answers.folder)} (${root}).`,
      answers.folder,
      path.join(answers.folder, 'ca.yaml'),
    );
  }
  return result;
}

export function registerScaffold(output: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(SCAFFOLD_COMMAND, (args?: ScaffoldArgs) => scaffoldCommand(output, args));
}
