// The certificate fixture openssl made for this run (test/e2e/lib/generate-certificates.ts, run by
// the harness before code-server started) and openssl's reading of it: the expected values.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { GeneratedFacts } from '../lib/generate-certificates';

export type { GeneratedCertificate, GeneratedFacts } from '../lib/generate-certificates';

/** openssl's facts, written beside the workspace folder (never inside it). */
export function generatedFacts(): GeneratedFacts {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  const file = join(dirname(folder.uri.fsPath), 'generated-certificates.json');
  assert.ok(existsSync(file), `the harness wrote ${file}`);
  return JSON.parse(readFileSync(file, 'utf8')) as GeneratedFacts;
}

/** `-----BEGIN`/`-----END` lines (0-based) of every PEM block, found by plain text search. */
export function blockLines(text: string): { begin: number; end: number }[] {
  const out: { begin: number; end: number }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trimStart().startsWith('-----BEGIN ')) out.push({ begin: i, end: -1 });
    else if (line.trimStart().startsWith('-----END ')) out[out.length - 1].end = i;
  });
  return out;
}

/** The CodeLens title the README promises, built from openssl's facts alone. */
export function expectedLensTitle(c: { cn: string; isCA: boolean; notAfter: string; sha256: string }, now = Date.now()): string {
  const notAfter = new Date(c.notAfter);
  const when = notAfter.getTime() < now ? 'expired' : 'expires';
  const fingerprint = c.sha256.toLowerCase().split(':').slice(0, 4).join(':');
  return `CN=${c.cn} · ${c.isCA ? 'CA' : 'leaf'} · ${when} ${c.notAfter.slice(0, 10)} · SHA-256 ${fingerprint}:…`;
}

/** Code actions VS Code collects from every provider for `range`, as CodeAction objects. */
export async function codeActionsAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range)) ?? [];
  return actions.filter((a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
}

/** Our CodeLenses (each title carries a fingerprint), in document order. */
export async function certificateLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.filter((l) => l.command?.title.includes('SHA-256')).sort((a, b) => a.range.start.line - b.range.start.line);
}
