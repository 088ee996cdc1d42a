// ACME issuer rules of cert-manager's webhook (v1.21.1, ValidateACMEIssuerConfig and the solver and
// HTTP01 checks), with the wording the cluster prints.
import type { FieldPath } from '../model/path';
import { formatPath } from '../model/path';
import { asString, dig } from './access';
import { formatGoDuration, parseGoDuration } from './duration';
import { dns1123Subdomain, fieldError } from './k8s';
import {
  acmeSolvers,
  activeIssuer,
  checkSecretKeySelector,
  decodeBundle,
  hasParseableCertificate,
  hasUnknownKey,
  http01Blocks,
  ISSUER_KINDS,
  present,
  reportForbidden,
  reportRequired,
} from './issuer-common';
import type { Rule, RuleContext } from './types';

const EAB_KEY_ALGORITHM_WARNING =
  "ACME issuer spec field 'externalAccount.keyAlgorithm' is deprecated. The value of this field will be ignored.";
const SOLVER_FIELDS = ['selector', 'http01', 'dns01', 'waitInsteadOfSelfCheck'];
const SERVICE_TYPES = ['', 'ClusterIP', 'NodePort'];
const SERVICE_TYPE_DETAIL = 'must be empty, "ClusterIP" or "NodePort"';

function checkServiceType(context: RuleContext, value: unknown, path: FieldPath, shown: string): void {
  if (typeof value !== 'string' || SERVICE_TYPES.includes(value)) return;
  context.report(path, fieldError.invalid(shown, value, SERVICE_TYPE_DETAIL));
}

export const acmeRules: readonly Rule[] = [
  {
    id: 'issuer/acme-required',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'spec.acme.server or spec.acme.privateKeySecretRef.name is empty.',
      details:
        'An ACME issuer needs the directory URL of the ACME server (for Let\'s Encrypt, `https://acme-v02.api.letsencrypt.org/directory`) and the name of the Secret that holds the account key. The schema only asks for the keys; the webhook also rejects empty strings. Even with `disableAccountKeyGeneration: true` both are required, because cert-manager still has to know which account to use.',
    },
    check(context) {
      const acme = activeIssuer(context, 'acme');
      if (!acme) return;
      if (!asString(dig(acme, 'privateKeySecretRef', 'name'))) {
        reportRequired(context, ['spec', 'acme', 'privateKeySecretRef', 'name'], 'private key secret name is a required field');
      }
      if (!asString(acme.server)) reportRequired(context, ['spec', 'acme', 'server'], 'acme server URL is a required field');
    },
  },
  {
    id: 'issuer/acme-ca-bundle',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'spec.acme.caBundle is combined with skipTLSVerify, or holds no usable certificate.',
      details:
        '`caBundle` is the base64 encoding of one or more PEM certificates that the ACME server\'s TLS certificate must chain to; `skipTLSVerify` turns that check off, so setting both is contradictory: keep `caBundle` and drop `skipTLSVerify`. The webhook also decodes the bundle and needs at least one PEM CERTIFICATE block that parses; a bundle of only keys, an elided PEM or a PEM that was not base64-encoded a second time is rejected with "cert bundle didn\'t contain any valid certificates".',
    },
    check(context) {
      const acme = activeIssuer(context, 'acme');
      const bundle = decodeBundle(acme?.caBundle);
      if (!acme || !bundle) return;
      if (acme.skipTLSVerify === true) {
        const detail = 'caBundle and skipTLSVerify are mutually exclusive and cannot both be set';
        context.report(['spec', 'acme', 'caBundle'], fieldError.invalid('spec.acme.caBundle', '', detail));
        context.report(['spec', 'acme', 'skipTLSVerify'], fieldError.invalid('spec.acme.skipTLSVerify', true, detail));
      }
      if (!hasParseableCertificate(bundle)) {
        const detail = "cert bundle didn't contain any valid certificates";
        context.report(['spec', 'acme', 'caBundle'], fieldError.invalid('spec.acme.caBundle', '', detail));
      }
    },
  },
  {
    id: 'issuer/acme-eab',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'spec.acme.externalAccountBinding lacks a keyID or a complete keySecretRef, or sets the deprecated keyAlgorithm.',
      details:
        'External account binding (used by ZeroSSL, Google Trust Services, Sectigo and others) needs the `keyID` your CA gave you and a `keySecretRef` with both the Secret `name` and the `key` inside it that holds the HMAC key. `keyAlgorithm` is deprecated and ignored (cert-manager always uses HS256); the webhook accepts it with a warning, so remove it.',
    },
    check(context) {
      const eab = activeIssuer(context, 'acme')?.externalAccountBinding;
      if (!present(eab)) return;
      const path: FieldPath = ['spec', 'acme', 'externalAccountBinding'];
      if (!asString(eab.keyID)) {
        reportRequired(context, [...path, 'keyID'], 'the keyID field is required when using externalAccountBinding');
      }
      checkSecretKeySelector(context, eab.keySecretRef, [...path, 'keySecretRef']);
      if (asString(eab.keyAlgorithm)) {
        context.report([...path, 'keyAlgorithm'], EAB_KEY_ALGORITHM_WARNING, { severity: 'warning', anchor: 'key' });
      }
    },
  },
  {
    id: 'issuer/acme-solver',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'An ACME solver has both http01 and dns01, neither, or a negative waitInsteadOfSelfCheck.',
      details:
        'Each entry of `spec.acme.solvers` is one way to answer challenges: either `http01` or `dns01`, never both. To use both, write two solvers and tell them apart with `selector`. A solver with neither has no type at all; this is often a provider indented one level too shallow, and when that key shows up as an unknown field this rule leaves the report to it. `waitInsteadOfSelfCheck` is a Go duration such as `30s` (there is no day unit) and must not be negative.',
    },
    check(context) {
      for (const { value: solver, path } of acmeSolvers(context)) {
        const http01 = present(solver.http01);
        const dns01 = present(solver.dns01);
        if (http01 && dns01) {
          reportForbidden(context, path, 'may not specify more than one solver type in a single solver');
        } else if (!http01 && !dns01 && !hasUnknownKey(solver, SOLVER_FIELDS)) {
          reportRequired(context, path, 'no solver type configured');
        }
        checkWait(context, solver.waitInsteadOfSelfCheck, [...path, 'waitInsteadOfSelfCheck']);
      }
    },
  },
  {
    id: 'issuer/http01',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'An http01 solver has neither or both of ingress and gatewayHTTPRoute, or an unsupported gateway serviceType.',
      details:
        'An `http01` solver serves the challenge through exactly one of `ingress` or `gatewayHTTPRoute`; split the two into separate solvers if you need both. The solver Service may be `ClusterIP` or `NodePort` (the default), not `LoadBalancer`. Quirk kept on purpose: the webhook prints gateway errors under `http01.gateway`, not `http01.gatewayHTTPRoute`.',
    },
    check(context) {
      for (const { value: http01, path } of http01Blocks(context)) {
        const ingress = present(http01.ingress);
        const gateway = present(http01.gatewayHTTPRoute);
        if (!ingress && !gateway && !hasUnknownKey(http01, ['ingress', 'gatewayHTTPRoute'])) {
          reportRequired(context, path, 'no HTTP01 solver type configured');
        }
        if (ingress && gateway) reportRequired(context, path, 'only 1 HTTP01 solver type may be configured');
        if (present(http01.gatewayHTTPRoute)) {
          const serviceType = http01.gatewayHTTPRoute.serviceType;
          const shown = `${formatPath(path)}.gateway.serviceType`;
          checkServiceType(context, serviceType, [...path, 'gatewayHTTPRoute', 'serviceType'], shown);
        }
      }
    },
  },
  {
    id: 'issuer/http01-ingress',
    severity: 'error',
    layer: 'webhook',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'An http01 ingress sets two of class, ingressClassName and name, or has a bad ingressClassName or serviceType.',
      details:
        'Pick one way to route the challenge: `ingressClassName` (the IngressClass object, preferred), `class` (the legacy annotation value) or `name` (edit an existing Ingress). Since cert-manager v1.19 any two of them are rejected (v1.18 only rejected all three). `ingressClassName` must be a valid object name, so values such as `azure/application-gateway` belong in `class`. `serviceType` may be empty, `ClusterIP` or `NodePort`.',
    },
    check(context) {
      for (const { value: http01, path: base } of http01Blocks(context)) {
        if (!present(http01.ingress)) continue;
        const ingress = http01.ingress;
        const path: FieldPath = [...base, 'ingress'];
        const shown = formatPath(path);
        // class and ingressClassName are pointers in Go, so even "" counts; name counts when non-empty.
        const className = ingress.ingressClassName;
        const chosen = [typeof ingress.class === 'string', typeof className === 'string', Boolean(asString(ingress.name))];
        if (chosen.filter(Boolean).length > 1) {
          reportForbidden(context, path, "only one of 'ingressClassName', 'name' or 'class' should be specified");
        }
        const problems = typeof className === 'string' ? dns1123Subdomain(className) : [];
        if (problems.length > 0) {
          const detail = `must be a valid IngressClass name: ${problems.join(', ')}`;
          context.report([...path, 'ingressClassName'], fieldError.invalid(`${shown}.ingressClassName`, className, detail));
        }
        checkServiceType(context, ingress.serviceType, [...path, 'serviceType'], `${shown}.serviceType`);
      }
    },
  },
];

/** waitInsteadOfSelfCheck is a metav1.Duration: it must parse as a Go duration and not be negative. */
function checkWait(context: RuleContext, raw: unknown, path: FieldPath): void {
  if (typeof raw !== 'string') return;
  const parsed = parseGoDuration(raw);
  if (!parsed.ok) {
    context.report(path, fieldError.invalid(formatPath(path), raw, parsed.error));
  } else if (parsed.nanos < 0) {
    const detail = 'waitInsteadOfSelfCheck must not be negative';
    context.report(path, fieldError.invalidRaw(formatPath(path), formatGoDuration(parsed.nanos), detail));
  }
}
