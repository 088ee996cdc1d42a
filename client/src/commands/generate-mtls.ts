// "Trustwright: Generate mTLS Pair": the questions of `trustwright generate mtls` in input boxes and
// quick picks, generation under a cancellable progress notification, then the files, written only
// once everything is made and never over existing ones without a modal confirmation.
import * as vscode from 'vscode';
import { KEY_ALGORITHMS, keyAlgorithm, type KeyAlgorithm } from '../../../server/src/core/pki/algorithms';
import { mtlsFileNames, mtlsOutputFiles, PKCS12_PASSWORD_FILE, type Pkcs12Choice } from '../../../server/src/core/pki/files';
import { generateMtlsPair, isAbortError } from '../../../server/src/core/pki/generate';
import { checkCaDays, checkCommonName, checkDnsList, checkIpList, checkLeafDays, checkUriList, MTLS_DEFAULTS, parseMtlsInput, type MtlsInput, type MtlsOptions } from '../../../server/src/core/pki/options';
import { checkPkcs12Password, randomPkcs12Password } from '../../../server/src/core/pki/pkcs12';
import { Secret } from '../../../server/src/core/pki/secret';
import type { OutputFile } from '../../../server/src/core/output-files';
import { announce, checkFolder, confirmOverwrite, displayPath, requireTrust, resolveFolder, write, type CommandResult } from './output';
import { windowPrompter, type Prompter } from './prompt';

export const GENERATE_MTLS_COMMAND = 'trustwright.generateMtlsPair';
const TITLE = 'Trustwright: Generate mTLS Pair';

/** The command's optional argument, for tests: who answers, and a second way to cancel. */
export interface GenerateMtlsArgs {
  readonly prompter?: Prompter;
  readonly cancellation?: vscode.CancellationToken;
}

interface Answers {
  readonly folder: string;
  readonly input: MtlsInput;
  readonly pkcs12?: Pkcs12Choice;
}

async function ask(prompter: Prompter): Promise<Answers | undefined> {
  const input = (id: string, prompt: string, value: string, validate?: (text: string) => string | undefined, placeHolder?: string) =>
    prompter.input({ id, title: TITLE, prompt, value, validate, placeHolder });

  const out = await input('out', 'Folder for the certificates and keys (relative to the workspace folder)', 'mtls', checkFolder);
  if (out === undefined) return undefined;
  const caCn = await input('caCn', 'Common name of the CA', MTLS_DEFAULTS.caCn, (t) => checkCommonName('The CA common name', t));
  if (caCn === undefined) return undefined;
  const serverDns = await input('serverDns', 'Server DNS names, comma-separated (may be empty when an IP or URI is given)', MTLS_DEFAULTS.serverDns, checkDnsList);
  if (serverDns === undefined) return undefined;
  const serverIp = await input('serverIp', 'Server IP addresses, comma-separated (may be empty)', MTLS_DEFAULTS.serverIp, checkIpList);
  if (serverIp === undefined) return undefined;
  const serverUri = await input('serverUri', 'Server URIs such as SPIFFE IDs, comma-separated (may be empty)', '', checkUriList, 'spiffe://cluster.local/ns/NAMESPACE/sa/NAME');
  if (serverUri === undefined) return undefined;
  if ([serverDns, serverIp, serverUri].every((t) => t.trim() === '')) {
    void vscode.window.showErrorMessage('Trustwright: the server needs at least one identity: a DNS name, an IP address or a URI.');
    return undefined;
  }
  const clientCn = await input('clientCn', 'Common name of the client', MTLS_DEFAULTS.clientCn, (t) => checkCommonName('The client common name', t));
  if (clientCn === undefined) return undefined;
  const keyAlg = await prompter.pick<KeyAlgorithm>({
    id: 'keyAlg',
    title: TITLE,
    placeHolder: 'Key algorithm for the CA, the server and the client',
    items: KEY_ALGORITHMS.map((id) => ({ label: keyAlgorithm(id).label, description: keyAlgorithm(id).detail, value: id })),
  });
  if (keyAlg === undefined) return undefined;
  const caDays = await input('caDays', 'CA validity, in days', String(MTLS_DEFAULTS.caDays), checkCaDays);
  if (caDays === undefined) return undefined;
  const leafDays = await input('leafDays', 'Server and client validity, in days (short: renew often)', String(MTLS_DEFAULTS.leafDays), (t) => {
    const problem = checkLeafDays(t);
    if (problem) return problem;
    return !checkCaDays(caDays) && Number(t) > Number(caDays) ? `A leaf may not outlast its CA (${caDays} days)` : undefined;
  });
  if (leafDays === undefined) return undefined;
  const extras = await prompter.pickMany<'intermediate' | 'pkcs12'>({
    id: 'extras',
    title: TITLE,
    placeHolder: 'Options (none needed): press Enter to go on',
    items: [
      { label: 'Intermediate CA', description: 'issue the server and client from an intermediate under the root', value: 'intermediate' },
      { label: 'PKCS#12 files', description: 'also server.p12 and client.p12 (for Java and others), password-protected', value: 'pkcs12' },
    ],
  });
  if (extras === undefined) return undefined;

  let pkcs12: Pkcs12Choice | undefined;
  if (extras.includes('pkcs12')) {
    const password = await prompter.input({
      id: 'pkcs12Password',
      title: TITLE,
      prompt: `Password for the .p12 files. Leave empty to generate one into ${PKCS12_PASSWORD_FILE} (mode 0600).`,
      password: true,
      validate: (t) => (t === '' ? undefined : checkPkcs12Password(t)),
    });
    if (password === undefined) return undefined;
    pkcs12 = password === '' ? { password: randomPkcs12Password(), writePasswordFile: true } : { password: new Secret(password), writePasswordFile: false };
  }
  return {
    folder: resolveFolder(out),
    input: { caCn, serverDns, serverIp, serverUri, clientCn, keyAlg, caDays, leafDays, intermediate: extras.includes('intermediate') },
    pkcs12,
  };
}

export async function generateMtlsCommand(output: vscode.LogOutputChannel, args: GenerateMtlsArgs = {}): Promise<CommandResult> {
  if (!requireTrust('Generate mTLS Pair')) return { status: 'untrusted' };
  const prompter = args.prompter ?? windowPrompter;
  const answers = await ask(prompter);
  if (!answers) return { status: 'dismissed' };
  const { options, problems } = parseMtlsInput(answers.input);
  if (!options) {
    void vscode.window.showErrorMessage(`Trustwright: ${problems.join('; ')}`);
    return { status: 'failed', message: problems.join('; ') };
  }

  // Ask about existing files before seconds of RSA key generation, not after.
  const planned = mtlsFileNames(options.intermediate, answers.pkcs12).map((path) => ({ path, contents: '' }));
  const overwrite = await confirmOverwrite(prompter, answers.folder, planned);
  if (overwrite === undefined) return { status: 'declined' };

  const algorithm = keyAlgorithm(options.keyAlgorithm);
  const outcome = await Promise.resolve(generateWithProgress(options, answers, args, algorithm.label)).catch((error: Error) => ({ error }));
  if ('error' in outcome) {
    output.error(`generate mTLS pair: ${outcome.error.message}`);
    void vscode.window.showErrorMessage(`Trustwright: generating the mTLS pair failed: ${outcome.error.message}`);
    return { status: 'failed', message: outcome.error.message };
  }
  if ('cancelled' in outcome) {
    output.info('generate mTLS pair: cancelled; nothing was written');
    void vscode.window.showInformationMessage('Trustwright: cancelled. Nothing was written.');
    return { status: 'cancelled' };
  }

  const result = write(answers.folder, outcome.files, overwrite, output, 'generate mTLS pair');
  if (result.status === 'written') {
    const keys = result.files.filter((f) => f.private).length;
    announce(`Trustwright: wrote ${result.files.length} files to ${displayPath(answers.folder)} (${keys} private, mode 0600). Keep the keys out of version control.`, answers.folder);
  }
  return result;
}

/** Keys and certificates under a cancellable progress notification; nothing is written here. */
type Generated = { readonly files: OutputFile[] } | { readonly cancelled: true };

function generateWithProgress(options: MtlsOptions, answers: Answers, args: GenerateMtlsArgs, label: string): Thenable<Generated> {
  return vscode.window.withProgress<Generated>(
    { location: vscode.ProgressLocation.Notification, title: `Trustwright: generating ${label} keys and certificates`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const subscriptions = [token, args.cancellation].filter((t): t is vscode.CancellationToken => t !== undefined).map((t) => t.onCancellationRequested(() => controller.abort()));
      if (args.cancellation?.isCancellationRequested) controller.abort();
      let reported = 0;
      try {
        const pair = await generateMtlsPair(options, {
          signal: controller.signal,
          onProgress: (p) => {
            const percent = (p.done / p.total) * 100;
            progress.report({ message: p.message, increment: percent - reported });
            reported = percent;
          },
        });
        const files = await mtlsOutputFiles(pair, answers.pkcs12);
        controller.signal.throwIfAborted();
        return { files };
      } catch (error) {
        if (isAbortError(error)) return { cancelled: true as const };
        throw error;
      } finally {
        subscriptions.forEach((s) => s.dispose());
      }
    },
  );
}

export function registerGenerateMtls(output: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(GENERATE_MTLS_COMMAND, (args?: GenerateMtlsArgs) => generateMtlsCommand(output, args));
}
