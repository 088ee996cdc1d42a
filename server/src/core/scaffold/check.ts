// Trustwright's own lint over scaffolded manifests, read together as one workspace (so references
// between the files resolve) with the layout's trust namespace as the engine settings.
import { analyze } from '../engine';
import { WorkspaceIndex } from '../workspace/index';
import type { Layout } from './layout';
import type { ScaffoldFile } from './mtls';

/** Every finding as `path:line: severity rule: message`; empty when the manifests are clean. */
export function lintScaffold(layout: Layout, files: readonly ScaffoldFile[]): string[] {
  const settings = { trustNamespace: layout.trustNamespace, clusterResourceNamespace: layout.trustNamespace };
  const workspace = new WorkspaceIndex();
  for (const file of files) workspace.setText(file.path, file.text);
  return files.flatMap((file) =>
    analyze(file.text, settings, { uri: file.path, workspace }).findings.map(
      (f) => `${file.path}:${f.range.start.line + 1}: ${f.severity} ${f.rule}: ${f.message}`,
    ),
  );
}
