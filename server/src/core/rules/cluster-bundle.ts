// Rules for ClusterBundle (trust-manager.io/v1alpha2, preview).
import type { Rule } from './types';

export const clusterBundleRules: readonly Rule[] = [];
