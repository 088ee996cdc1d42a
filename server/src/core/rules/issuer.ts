// Rules for Issuer and ClusterIssuer (cert-manager webhook, issuer.go).
import type { Rule } from './types';

export const issuerRules: readonly Rule[] = [];
