// Rules for Bundle (trust-manager webhook, trust.cert-manager.io/v1alpha1).
import type { Rule } from './types';

export const bundleRules: readonly Rule[] = [];
