// spec.issuerRef, shared by Certificate and CertificateRequest (cert-manager validateIssuerRef).
import type { FieldPath } from '../model/path';
import { formatPath } from '../model/path';
import { asMap, asString } from './access';
import { fieldError } from './k8s';
import type { RuleContext } from './types';

export function checkIssuerRef(context: RuleContext, path: FieldPath = ['spec', 'issuerRef']): void {
  const ref = asMap(context.spec?.issuerRef);
  if (!ref) return; // required by the schema
  const name = asString(ref.name);
  if (!name) context.report([...path, 'name'], fieldError.required(formatPath([...path, 'name']), 'must be specified'), { anchor: 'missing' });

  const group = asString(ref.group) ?? '';
  const kind = asString(ref.kind) ?? '';
  if (group !== '' && group !== 'cert-manager.io') return; // external issuers define their own kinds
  if (kind === '' || kind === 'Issuer' || kind === 'ClusterIssuer') return;

  const hint = group === '' ? ' (did you forget to set spec.issuerRef.group?)' : '';
  context.report([...path, 'kind'], fieldError.invalid(formatPath([...path, 'kind']), kind, `must be one of Issuer or ClusterIssuer${hint}`));
}
