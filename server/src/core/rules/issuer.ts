// Rules for Issuer and ClusterIssuer (cert-manager webhook v1.21.1, issuer.go; ClusterIssuer runs the
// same checks). The issuer-type, CA and Venafi rules live here; ACME, DNS01 and Vault have their own
// files because each is a family of its own.
import type { FieldPath } from '../model/path';
import type { JsonValue } from '../model/value';
import { asList, asString, dig } from './access';
import { fieldError } from './k8s';
import { acmeRules } from './issuer-acme';
import {
  activeIssuer,
  decodeBundle,
  hasUnknownKey,
  issuerTypesPresent,
  ISSUER_KINDS,
  ISSUER_TYPES,
  present,
  reportForbidden,
  reportRequired,
  requireString,
} from './issuer-common';
import { dns01Rules } from './issuer-dns01';
import { vaultRules } from './issuer-vault';
import type { Rule, RuleContext } from './types';

const typeRules: readonly Rule[] = [
  {
    id: 'issuer/type',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'The issuer configures no issuer type, or more than one.',
      details:
        'An Issuer is exactly one of `acme`, `ca`, `selfSigned`, `vault` or `venafi`. The webhook keeps the first in that order and rejects each later one with "may not specify more than one issuer type"; it does not look inside the rejected ones. To issue from two backends, create two Issuers. A spec with none of them is rejected with "at least one issuer must be configured"; when the cause is a misspelt or misplaced type key, the unknown-field error already points at it and this rule stays quiet.',
    },
    check(context) {
      if (!context.spec) return; // the schema requires spec
      const [first, ...extra] = issuerTypesPresent(context.spec);
      if (!first && !hasUnknownKey(context.spec, ISSUER_TYPES)) reportRequired(context, ['spec'], 'at least one issuer must be configured');
      for (const type of extra) reportForbidden(context, ['spec', type], 'may not specify more than one issuer type');
    },
  },
  {
    id: 'issuer/ca',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'spec.ca has an empty secretName, or an empty entry in ocspServers or issuingCertificateURLs.',
      details:
        '`secretName` names the Secret (in the Issuer\'s namespace, or the cluster resource namespace for a ClusterIssuer) holding the CA\'s `tls.crt` and `tls.key`. The webhook only rejects *empty* URL entries; it does not parse the URLs, so check them yourself. Quirk: errors for `ocspServers` are printed as `ca.ocspServer[i]`.',
    },
    check(context) {
      const ca = activeIssuer(context, 'ca');
      if (!ca) return;
      requireString(context, ca, ['spec', 'ca'], 'secretName');
      const ocspDetail = 'must be a valid URL, e.g., http://ocsp.int-x3.letsencrypt.org';
      emptyEntries(context, ca.ocspServers, ['spec', 'ca', 'ocspServers'], 'spec.ca.ocspServer', ocspDetail);
      const urls = ca.issuingCertificateURLs;
      emptyEntries(context, urls, ['spec', 'ca', 'issuingCertificateURLs'], 'spec.ca.issuingCertificateURLs', 'must be a valid URL');
    },
  },
  {
    id: 'issuer/venafi',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'spec.venafi has an empty zone or backend field, two TPP CA sources, or not exactly one backend.',
      details:
        '`zone` is the policy folder (TPP) or application\\issuing template (Cloud, NGTS) and must not be empty. Choose one backend: `tpp` (self-hosted, needs `url`), `cloud` or `ngts` (needs `tsgID` and `credentialsRef.name`). For TPP, give its CA either inline (`caBundle`) or from a Secret (`caBundleSecretRef`), not both. The "exactly one backend" rule is also a CEL rule since v1.21, which the API server reports first.',
    },
    check(context) {
      const venafi = activeIssuer(context, 'venafi');
      if (!venafi) return;
      const path: FieldPath = ['spec', 'venafi'];
      requireString(context, venafi, path, 'zone');

      const backends = ['tpp', 'cloud', 'ngts'].filter((name) => present(venafi[name]));
      const detail = 'please supply one of: tpp, cloud, ngts';
      if (backends.length === 0) reportRequired(context, path, detail);
      if (backends.length > 1) reportForbidden(context, path, detail);

      if (present(venafi.tpp)) {
        const tpp = venafi.tpp;
        requireString(context, tpp, [...path, 'tpp'], 'url');
        if (decodeBundle(tpp.caBundle) && present(tpp.caBundleSecretRef)) {
          reportForbidden(context, [...path, 'tpp'], 'may not specify more than one of caBundle/caBundleSecretRef as TPP CA Bundle');
        }
      }
      if (present(venafi.ngts)) {
        const ngts = venafi.ngts;
        requireString(context, ngts, [...path, 'ngts'], 'tsgID');
        if (!asString(dig(ngts, 'credentialsRef', 'name'))) reportRequired(context, [...path, 'ngts', 'credentialsRef', 'name']);
      }
    },
  },
];

/** The CA issuer only rejects empty strings in its URL lists; `shown` is the list name the webhook prints. */
function emptyEntries(context: RuleContext, list: JsonValue | undefined, path: FieldPath, shown: string, detail: string): void {
  asList(list).forEach((entry, index) => {
    if (entry === '') context.report([...path, index], fieldError.invalid(`${shown}[${index}]`, '', detail));
  });
}

export const issuerRules: readonly Rule[] = [...typeRules, ...acmeRules, ...dns01Rules, ...vaultRules];
