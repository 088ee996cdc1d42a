// The shape every layer of the engine reports in. Faces (LSP, CLI) only translate it.

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = {
  error: 0,
  warning: 1,
  info: 2,
  hint: 3,
};

/** Zero-based line and UTF-16 character offset, as LSP counts them. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** Which check produced a finding: the order in which the cluster would run it. */
export type Layer = 'yaml' | 'api' | 'metadata' | 'schema' | 'cel' | 'webhook' | 'lint' | 'template';

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
}

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface RelatedLocation {
  readonly uri?: string;
  readonly range: Range;
  readonly message: string;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly layer: Layer;
  /** Kubernetes field path, e.g. `spec.sources[2].inLine`; empty for file-level findings. */
  readonly field: string;
  readonly range: Range;
  readonly object?: ObjectRef;
  readonly related?: readonly RelatedLocation[];
  readonly fixes?: readonly Fix[];
}
