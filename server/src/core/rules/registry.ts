// Every rule Trustwright can report, in one list. Adding a rule family is one import and one
// spread here.
import { ENGINE_RULES } from './engine-rules';
import { metadataRules } from './metadata';
import { certificateRules } from './certificate';
import { certificateRequestRules } from './certificate-request';
import { issuerRules } from './issuer';
import { bundleRules } from './bundle';
import { clusterBundleRules } from './cluster-bundle';
import { clusterTrustBundleRules } from './cluster-trust-bundle';
import { pemRules } from './pem';
import { trustBreadthRules } from './trust-breadth';
import { certificatePolicyRules } from './certificate-policy';
import { issuerPolicyRules } from './issuer-policy';
import { placeholderRules } from './placeholders';
import { workspaceRules } from './workspace-rules';
import type { Rule } from './types';

export const RULES: readonly Rule[] = [
  ...ENGINE_RULES,
  ...metadataRules,
  ...certificateRules,
  ...certificateRequestRules,
  ...issuerRules,
  ...bundleRules,
  ...clusterBundleRules,
  ...clusterTrustBundleRules,
  ...pemRules,
  ...trustBreadthRules,
  ...certificatePolicyRules,
  ...issuerPolicyRules,
  ...placeholderRules,
  ...workspaceRules,
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}
