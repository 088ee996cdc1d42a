// Vault issuer rules of cert-manager's webhook (v1.21.1, ValidateVaultIssuerConfig and
// ValidateVaultIssuerAuth), with the wording the cluster prints.
import type { FieldPath } from '../model/path';
import { formatPath } from '../model/path';
import { asMap, asString, dig, type JsonMap } from './access';
import { fieldError } from './k8s';
import {
  activeIssuer,
  decodeBundle,
  hasParseableCertificate,
  hasUnknownKey,
  ISSUER_KINDS,
  present,
  reportForbidden,
  reportRequired,
  requireString,
} from './issuer-common';
import type { Rule, RuleContext } from './types';

const VAULT: FieldPath = ['spec', 'vault'];
const AUTH: FieldPath = ['spec', 'vault', 'auth'];
// The webhook never prints the bundle itself.
const SNIP = '<snip>';

/** Vault paths checked for `..`: [YAML path under spec.vault.auth, the name the webhook prints]. */
const AUTH_PATHS: ReadonlyArray<readonly [method: string, field: string, shown: string]> = [
  ['appRole', 'path', 'path'],
  // Quirk: these two are `mountPath` in YAML but the webhook prints the Go field name `path`.
  ['clientCertificate', 'mountPath', 'path'],
  ['kubernetes', 'mountPath', 'path'],
  ['aws', 'mountPath', 'mountPath'],
];

function hasDotDotSegment(path: string): boolean {
  return path.split('/').includes('..');
}

export const vaultRules: readonly Rule[] = [
  {
    id: 'issuer/vault',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'spec.vault has an empty server or path, an unusable caBundle, two CA sources, or half of a client certificate.',
      details:
        '`server` is the Vault address and `path` the PKI signing endpoint (`pki_int/sign/<role>`); neither may be empty. Give the CA that signed Vault\'s TLS certificate either inline (`caBundle`, base64 of PEM, which must contain a parseable certificate) or from a Secret (`caBundleSecretRef`), not both. For mutual TLS, `clientCertSecretRef` and `clientKeySecretRef` come as a pair.',
    },
    check(context) {
      const vault = activeIssuer(context, 'vault');
      if (!vault) return;
      requireString(context, vault, VAULT, 'server');
      requireString(context, vault, VAULT, 'path');

      const bundle = decodeBundle(vault.caBundle);
      const invalidBundle = (detail: string) =>
        context.report([...VAULT, 'caBundle'], fieldError.invalid('spec.vault.caBundle', SNIP, detail));
      if (bundle && !hasParseableCertificate(bundle)) invalidBundle("cert bundle didn't contain any valid certificates");
      if (bundle && present(vault.caBundleSecretRef)) {
        invalidBundle('specified caBundle and caBundleSecretRef cannot be used together');
        const name = asString(vault.caBundleSecretRef.name) ?? '';
        const detail = 'specified caBundleSecretRef and caBundle cannot be used together';
        const message = fieldError.invalid('spec.vault.caBundleSecretRef', name, detail);
        context.report([...VAULT, 'caBundleSecretRef'], message, { anchor: 'key' });
      }
      checkClientPair(context, vault);
    },
  },
  {
    id: 'issuer/vault-path',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'A Vault path or auth mount path contains a `..` segment.',
      details:
        'Since cert-manager v1.21 the webhook rejects `..` as a segment of `spec.vault.path` and of the auth mount paths, because it would let the issuer reach Vault endpoints outside the intended mount. Write the path without it, e.g. `pki_int/sign/web` rather than `pki/../pki_int/sign/web`. Only literal `..` segments count; `a..b` is fine. Quirk: for clientCertificate and kubernetes the webhook prints `path` although the YAML key is `mountPath`.',
    },
    check(context) {
      const vault = activeIssuer(context, 'vault');
      if (!vault) return;
      const path = asString(vault.path);
      if (path && hasDotDotSegment(path)) {
        context.report([...VAULT, 'path'], fieldError.invalid('spec.vault.path', path, "must not contain '..' path segments"));
      }
      for (const [method, field, shown] of AUTH_PATHS) {
        const value = asString(dig(vault, 'auth', method, field));
        if (!value || !hasDotDotSegment(value)) continue;
        const message = fieldError.invalid(`${formatPath([...AUTH, method])}.${shown}`, value, "must not contain '..' path segments");
        context.report([...AUTH, method, field], message);
      }
    },
  },
  {
    id: 'issuer/vault-auth',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'spec.vault.auth configures no method, or a method is missing what it needs.',
      details:
        'Vault auth needs one of `tokenSecretRef`, `appRole`, `kubernetes`, `clientCertificate` or `aws`. Several are accepted, but only the first in that order is used, so keep one. `appRole` needs `roleId` and `secretRef.name`; `kubernetes` needs a `role` and exactly one of `secretRef` (a long-lived token Secret) or `serviceAccountRef` (a bound token, preferred); `aws` needs a `role`, and with `serviceAccountRef` (IRSA) also `iamRoleArn`.',
    },
    check(context) {
      const auth = asMap(activeIssuer(context, 'vault')?.auth);
      if (!auth) return; // the schema requires auth
      const methods = ['appRole', 'kubernetes', 'tokenSecretRef', 'clientCertificate', 'aws'];
      if (!methods.some((method) => present(auth[method])) && !hasUnknownKey(auth, methods)) {
        reportRequired(context, AUTH, 'please supply one of: appRole, kubernetes, tokenSecretRef, clientCertificate, aws');
      }
      if (present(auth.appRole)) checkAppRole(context, auth.appRole);
      if (present(auth.kubernetes)) checkKubernetes(context, auth.kubernetes);
      if (present(auth.aws)) checkAws(context, auth.aws);
    },
  },
];

function checkClientPair(context: RuleContext, vault: JsonMap): void {
  const cert = present(vault.clientCertSecretRef);
  const key = present(vault.clientKeySecretRef);
  if (cert === key) return;
  // Reported at the absent half, as the webhook does, so the underline falls on `vault:`.
  const [absent, given] = cert ? ['clientKeySecretRef', 'clientCertSecretRef'] : ['clientCertSecretRef', 'clientKeySecretRef'];
  const detail = `${absent} must be provided when defining the ${given}`;
  context.report([...VAULT, absent], fieldError.invalid(`spec.vault.${absent}`, SNIP, detail), { anchor: 'missing' });
}

function checkAppRole(context: RuleContext, appRole: JsonMap): void {
  const path: FieldPath = [...AUTH, 'appRole'];
  requireString(context, appRole, path, 'roleId');
  if (!asString(dig(appRole, 'secretRef', 'name'))) reportRequired(context, [...path, 'secretRef', 'name']);
}

function checkKubernetes(context: RuleContext, kubernetes: JsonMap): void {
  const path: FieldPath = [...AUTH, 'kubernetes'];
  requireString(context, kubernetes, path, 'role');

  // secretRef counts only with a name; serviceAccountRef counts as soon as it is there.
  const bySecret = Boolean(asString(dig(kubernetes, 'secretRef', 'name')));
  const byAccount = present(kubernetes.serviceAccountRef);
  if (byAccount && !asString(dig(kubernetes, 'serviceAccountRef', 'name'))) {
    reportRequired(context, [...path, 'serviceAccountRef', 'name']);
  }
  const detail = 'please supply one of: secretRef, serviceAccountRef';
  if (!bySecret && !byAccount) reportRequired(context, path, detail);
  if (bySecret && byAccount) reportForbidden(context, path, detail);
}

function checkAws(context: RuleContext, aws: JsonMap): void {
  const path: FieldPath = [...AUTH, 'aws'];
  requireString(context, aws, path, 'role');
  if (!present(aws.serviceAccountRef)) return;
  if (!asString(aws.serviceAccountRef.name)) reportRequired(context, [...path, 'serviceAccountRef', 'name']);
  requireString(context, aws, path, 'iamRoleArn', 'iamRoleArn is required when using serviceAccountRef for IRSA');
}
