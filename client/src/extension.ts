// The VS Code client: starts the language server and shows what it reports. It holds no rule and no
// decoding logic of its own.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { RedHatYamlCoexistence, vscodeHost } from './yaml-extension';
import { registerCluster } from './cluster';
import { registerGenerateMtls } from './commands/generate-mtls';
import { registerScaffold } from './commands/scaffold';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Trustwright', { log: true });
  registerCluster(context, output);
  context.subscriptions.push(registerGenerateMtls(output), registerScaffold(output));
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  // Red Hat YAML: no problem reported twice (docs/red-hat-yaml.md).
  const redHatYaml = new RedHatYamlCoexistence<vscode.Uri, vscode.Diagnostic>(vscodeHost(vscode, output));

  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=127.0.0.1:6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'file', language: 'pem' },
      { scheme: 'untitled', language: 'pem' },
    ],
    synchronize: {
      configurationSection: 'trustwright',
      // .trustwright.yaml changes settings; any YAML file can define what others reference.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}'),
    },
    outputChannel: output,
    traceOutputChannel: output,
    middleware: {
      handleDiagnostics: (uri, diagnostics, next) => redHatYaml.handleDiagnostics(uri, diagnostics, next),
    },
  };

  client = new LanguageClient('trustwright', 'Trustwright', serverOptions, clientOptions);
  context.subscriptions.push(output, {
    dispose: () => {
      void client?.stop();
    },
  });
  await client.start();

  const refilter = () => redHatYaml.refresh((uri, diagnostics) => client?.diagnostics?.set(uri, diagnostics));
  context.subscriptions.push(
    vscode.extensions.onDidChange(() => {
      refilter();
      void redHatYaml.connect();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('yaml.validate')) refilter();
    }),
  );
  void redHatYaml.connect();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
