// A stand-in for Red Hat's YAML extension (redhat.vscode-yaml), which cannot be downloaded here:
// the real yaml-language-server (npm, the server Red Hat YAML ships) behind a minimal client that
// has Red Hat YAML's extension id and its schema-contributor API (`registerContributor`, answered
// through the server's custom/schema/request and custom/schema/content requests, as Red Hat YAML
// does). Used only by test/e2e/ext/redhat-yaml.test.ts.
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient, NotificationType, RequestType, TransportKind } from 'vscode-languageclient/node';

/** Absolute path of yaml-language-server's server module (esbuild defines it). */
declare const YAML_SERVER_MODULE: string;

interface Contributor {
  readonly requestSchema: (resource: string) => string | string[] | undefined;
  readonly requestSchemaContent: (uri: string) => string | Thenable<string>;
  readonly label?: string;
}

const contributors = new Map<string, Contributor>();
/** Resources the server asked a schema for, with what the contributors answered (for the test). */
const schemaRequests: Array<{ resource: string; schemas: string[] }> = [];
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext) {
  client = new LanguageClient(
    'yaml',
    'YAML stand-in',
    { module: YAML_SERVER_MODULE, transport: TransportKind.ipc },
    {
      documentSelector: [{ language: 'yaml' }],
      synchronize: { configurationSection: ['yaml', 'http', '[yaml]', 'editor'] },
    },
  );
  client.onRequest(new RequestType<string, string[], void>('custom/schema/request'), (resource) => {
    const schemas: string[] = [];
    for (const contributor of contributors.values()) {
      const answer = contributor.requestSchema(resource);
      if (answer) schemas.push(...(Array.isArray(answer) ? answer : [answer]));
    }
    schemaRequests.push({ resource, schemas });
    return schemas;
  });
  client.onRequest(new RequestType<string, string, void>('custom/schema/content'), async (uri) => {
    const contributor = contributors.get(vscode.Uri.parse(uri).scheme);
    if (!contributor) throw new Error(`no schema contributor for ${uri}`);
    return contributor.requestSchemaContent(uri);
  });
  await client.start();
  await client.sendNotification(new NotificationType<void>('yaml/registerCustomSchemaRequest'));
  // yaml-language-server reads its settings (schemas, schema store off) when told they changed.
  await client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  context.subscriptions.push({ dispose: () => void client?.stop() });

  return {
    registerContributor(
      schema: string,
      requestSchema: Contributor['requestSchema'],
      requestSchemaContent: Contributor['requestSchemaContent'],
      label?: string,
    ): boolean {
      if (contributors.has(schema)) return false;
      contributors.set(schema, { requestSchema, requestSchemaContent, label });
      return true;
    },
    /** Test hooks (not part of Red Hat YAML's API). */
    e2e: { contributors: () => [...contributors.keys()], schemaRequests: () => [...schemaRequests] },
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
