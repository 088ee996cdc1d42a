import type { Fix, Layer, RelatedLocation, Severity } from '../findings';
import type { WorkspaceView } from '../workspace/index';
import type { TargetKind } from '../model/kinds';
import type { ManifestObject } from '../model/objects';
import type { FieldPath } from '../model/path';
import type { JsonValue } from '../model/value';
import type { Anchor } from '../schema/structural';
import type { EngineSettings } from '../settings';
import type { PemSite } from '../pem/sites';
import type { LineIndex } from '../model/text';

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
  /**
   * Offsets within the string value at the reported path (a PEM block in `inLine`, say); the
   * finding then covers just those lines of the document.
   */
  readonly within?: readonly [number, number];
  /** With `within`: a fix of this title that deletes those lines (where the PEM has lines of its own). */
  readonly removeWithin?: string;
  /** Other places (usually in other files) the finding is about. */
  readonly related?: readonly RelatedLocation[];
}

export interface RuleContext {
  readonly object: ManifestObject;
  readonly settings: EngineSettings;
  /** Every object of the workspace (empty when linting text on its own). */
  readonly workspace: WorkspaceView;
  /** The URI of the file being analysed (a placeholder for text on its own). */
  readonly uri: string;
  /** Line index of the whole document, for fixes that edit whole lines. */
  readonly lines: LineIndex;
  /** `object.value.spec` when it is a map. */
  readonly spec: { readonly [key: string]: JsonValue } | undefined;
  report(path: FieldPath, message: string, options?: ReportOptions): void;
}

/** For rules about embedded certificates: one site (an `inLine`, a `caBundle`, a Secret key). */
export interface SiteContext {
  readonly site: PemSite;
  readonly settings: EngineSettings;
  /** Line index of the whole document, for fixes that edit whole lines. */
  readonly lines: LineIndex;
  /** `within` is a stretch of `site.text`; without it the whole value is underlined. */
  report(within: readonly [number, number] | undefined, message: string, options?: Omit<ReportOptions, 'within' | 'anchor'>): void;
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
  /** Runs on every certificate site of every object (Secrets and ConfigMaps included). */
  readonly checkSite?: (context: SiteContext) => void;
}
