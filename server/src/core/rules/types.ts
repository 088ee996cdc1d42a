import type { Fix, Layer, Severity } from '../findings';
import type { TargetKind } from '../model/kinds';
import type { ManifestObject } from '../model/objects';
import type { FieldPath } from '../model/path';
import type { JsonValue } from '../model/value';
import type { Anchor } from '../schema/structural';
import type { EngineSettings } from '../settings';

export interface RuleDoc {
  /** One line: what the rule reports. */
  readonly summary: string;
  /** Why it matters and how to fix it; a short paragraph. */
  readonly details: string;
}

export interface ReportOptions {
  readonly anchor?: Anchor;
  /** Overrides the rule's default severity for this one finding. */
  readonly severity?: Severity;
  readonly fixes?: readonly Fix[];
}

export interface RuleContext {
  readonly object: ManifestObject;
  readonly settings: EngineSettings;
  /** `object.value.spec` when it is a map. */
  readonly spec: { readonly [key: string]: JsonValue } | undefined;
  report(path: FieldPath, message: string, options?: ReportOptions): void;
}

export interface Rule {
  /** Stable, kebab-case, grouped by kind or layer: `certificate/duration`. */
  readonly id: string;
  readonly severity: Severity;
  readonly layer: Layer;
  /** Kinds the check runs on; empty for rules the engine itself reports (yaml, schema). */
  readonly kinds: readonly TargetKind[];
  readonly doc: RuleDoc;
  readonly check?: (context: RuleContext) => void;
}
