import type { Severity } from './findings';

export type RuleSeverity = Severity | 'off';

/** Everything that changes what the engine reports; faces build it from their own sources. */
export interface EngineSettings {
  /** Per-rule severity overrides, by rule id; `off` disables a rule. */
  readonly rules: Readonly<Record<string, RuleSeverity>>;
  /** Files larger than this (in characters) are checked for YAML syntax only. */
  readonly maxFileSize: number;
  /** Certificates expiring within this many days are reported (pem/expiring-soon). */
  readonly expiryWarningDays: number;
  /** The time expiry is judged against, in ms since the epoch; tests pin it, faces leave it unset. */
  readonly now?: number;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  rules: {},
  maxFileSize: 5 * 1024 * 1024,
  expiryWarningDays: 30,
};

export function withDefaults(partial: Partial<EngineSettings> | undefined): EngineSettings {
  return { ...DEFAULT_SETTINGS, ...partial, rules: { ...DEFAULT_SETTINGS.rules, ...partial?.rules } };
}
