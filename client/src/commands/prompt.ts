// How the generate commands ask their questions. In the editor: input boxes, quick picks and a modal
// confirmation. The extension-host tests pass a scripted Prompter through the command's argument,
// which answers the same steps (and runs the same validators) without a person at the keyboard.
import * as vscode from 'vscode';

export interface InputStep {
  /** Stable, for scripted answers: `out`, `caCn`, `serverDns`… */
  readonly id: string;
  readonly title: string;
  readonly prompt: string;
  readonly value?: string;
  readonly placeHolder?: string;
  readonly password?: boolean;
  /** The message shown under the box while the text is not acceptable. */
  readonly validate?: (text: string) => string | undefined;
}

export interface PickItem<T> extends vscode.QuickPickItem {
  readonly value: T;
}

export interface PickStep<T> {
  readonly id: string;
  readonly title: string;
  readonly placeHolder: string;
  readonly items: readonly PickItem<T>[];
}

export interface Prompter {
  input(step: InputStep): Promise<string | undefined>;
  pick<T>(step: PickStep<T>): Promise<T | undefined>;
  pickMany<T>(step: PickStep<T>): Promise<T[] | undefined>;
  /** A modal question; true only when the user chose `action`. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
}

export const windowPrompter: Prompter = {
  input: (step) =>
    Promise.resolve(
      vscode.window.showInputBox({
        title: step.title,
        prompt: step.prompt,
        value: step.value,
        placeHolder: step.placeHolder,
        password: step.password,
        ignoreFocusOut: true,
        validateInput: step.validate,
      }),
    ),
  pick: async (step) => {
    const picked = await vscode.window.showQuickPick([...step.items], { title: step.title, placeHolder: step.placeHolder, ignoreFocusOut: true });
    return picked?.value;
  },
  pickMany: async (step) => {
    const picked = await vscode.window.showQuickPick([...step.items], { title: step.title, placeHolder: step.placeHolder, ignoreFocusOut: true, canPickMany: true });
    return picked?.map((item) => item.value);
  },
  confirm: async (message, detail, action) => (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action,
};
