// Rules for ClusterTrustBundle (Kubernetes API server validation).
import type { Rule } from './types';

export const clusterTrustBundleRules: readonly Rule[] = [];
