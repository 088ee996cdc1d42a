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
  /**
   * Checking stops after this long (ms) on one file and says so, so that one pathological file
   * cannot hold up the others. Parsing is bounded separately (size, nesting and alias limits).
   */
  readonly analysisBudgetMs: number;
  /** trust-manager's --trust-namespace: the only namespace Bundle sources are read from. */
  readonly trustNamespace: string;
  /** cert-manager's --cluster-resource-namespace: where ClusterIssuers read their Secrets. */
  readonly clusterResourceNamespace: string;
  /** Lifetimes (Go durations) above which CA and leaf certificates are reported. */
  readonly maxCaLifetime: string;
  readonly leafLifetimeInfo: string;
  readonly leafLifetimeWarning: string;
  /** Releases whose behaviour is emulated; only the defaults are supported today. */
  readonly certManagerVersion: string;
  readonly trustManagerVersion: string;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  rules: {},
  maxFileSize: 5 * 1024 * 1024,
  expiryWarningDays: 30,
  analysisBudgetMs: 10_000,
  trustNamespace: 'cert-manager',
  clusterResourceNamespace: 'cert-manager',
  maxCaLifetime: '43800h',
  leafLifetimeInfo: '2160h',
  leafLifetimeWarning: '9528h',
  certManagerVersion: '1.21',
  trustManagerVersion: '0.24',
};

export function withDefaults(partial: Partial<EngineSettings> | undefined): EngineSettings {
  return { ...DEFAULT_SETTINGS, ...partial, rules: { ...DEFAULT_SETTINGS.rules, ...partial?.rules } };
}
