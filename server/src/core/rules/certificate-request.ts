// Rules for CertificateRequest (cert-manager webhook).
import type { Rule } from './types';

export const certificateRequestRules: readonly Rule[] = [];
