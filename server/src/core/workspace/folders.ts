// Which folders a walk for manifests skips: the same for `trustwright lint` and the editor's
// workspace scan, so cross-file rules see the same files in both.

/** Folders no one keeps manifests in; `dist/` is walked, as rendered manifests often live there. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git', '.vscode-test']);
