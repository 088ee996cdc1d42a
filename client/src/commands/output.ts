// What the two generate commands share: refusing to run in an untrusted workspace, resolving the
// output folder, asking before any file is overwritten, writing, and telling the user what was
// written. File names and modes go to the notification and the log; contents never do.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkOutputFolder, existingOutputs, OutputFolderError, OverwriteRefusedError, writeOutputFiles, type OutputFile, type WrittenFile } from '../../../server/src/core/output-files';
import type { Prompter } from './prompt';

/** What a command did, for its caller (the tests): never file contents. */
export type CommandResult =
  | { readonly status: 'written'; readonly folder: string; readonly files: readonly WrittenFile[] }
  | { readonly status: 'untrusted' | 'dismissed' | 'declined' | 'cancelled' | 'failed'; readonly message?: string };

/** Writing files is a write: not in Restricted Mode. Says so and offers the trust dialog. */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window.showErrorMessage(`Trustwright: ${what} writes files, so it is off in Restricted Mode. Trust this workspace to use it.`, manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/** A relative folder is taken from the first workspace folder (or the home folder without one). */
export function resolveFolder(text: string): string {
  const trimmed = text.trim();
  if (path.isAbsolute(trimmed)) return path.normalize(trimmed);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
  return path.resolve(base, trimmed);
}

export function checkFolder(text: string): string | undefined {
  if (text.trim() === '') return 'Name a folder';
  try {
    checkOutputFolder(resolveFolder(text));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** For people: relative to the workspace folder when inside it. */
export function displayPath(absolute: string): string {
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const relative = base ? path.relative(base, absolute) : '';
  return base && relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

/**
 * Files already there: a modal confirmation naming them. Returns whether to overwrite, or undefined
 * when the user declined.
 */
export async function confirmOverwrite(prompter: Prompter, folder: string, files: readonly OutputFile[]): Promise<boolean | undefined> {
  const existing = existingOutputs(folder, files);
  if (existing.length === 0) return false;
  const names = existing.map((file) => path.relative(folder, file));
  const message = `Overwrite ${existing.length === 1 ? 'a file' : `${existing.length} files`} in ${displayPath(folder)}?`;
  const detail = `These exist already and would be replaced:\n${names.join('\n')}`;
  return (await prompter.confirm(message, detail, 'Overwrite')) ? true : undefined;
}

export function write(folder: string, files: readonly OutputFile[], overwrite: boolean, output: vscode.LogOutputChannel, what: string): CommandResult {
  try {
    const written = writeOutputFiles(folder, files, { overwrite });
    output.info(`${what}: wrote ${written.map((f) => `${path.relative(folder, f.path)} (${f.mode.toString(8).padStart(4, '0')})`).join(', ')} to ${folder}`);
    return { status: 'written', folder, files: written };
  } catch (error) {
    const message =
      error instanceof OverwriteRefusedError
        ? `nothing written: ${error.existing.map((p) => path.relative(folder, p)).join(', ')} appeared meanwhile`
        : error instanceof OutputFolderError || typeof (error as NodeJS.ErrnoException).code === 'string'
          ? `nothing written: ${(error as Error).message}`
          : String((error as Error).message ?? error);
    output.error(`${what}: ${message}`);
    void vscode.window.showErrorMessage(`Trustwright: ${what}: ${message}`);
    return { status: 'failed', message };
  }
}

/** The closing notification, not awaited: it stays until dismissed. */
export function announce(message: string, folder: string, open?: string): void {
  const reveal = 'Reveal in Explorer';
  const actions = open ? ['Open', reveal] : [reveal];
  void vscode.window.showInformationMessage(message, ...actions).then((choice) => {
    if (choice === reveal) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(folder));
    if (choice === 'Open' && open) void vscode.window.showTextDocument(vscode.Uri.file(open));
  });
}
