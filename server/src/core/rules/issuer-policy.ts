// Lint rules for ACME issuers that the webhook accepts but that go wrong at run time: retired ACME v1
// endpoints, staging and production mixed up, and TLS verification of the ACME server turned off.
import type { FieldPath } from '../model/path';
import { asString } from './access';
import { replaceValueFix } from './certificate-policy';
import { activeIssuer, ISSUER_KINDS } from './issuer-common';
import type { Rule } from './types';

type Environment = 'staging' | 'production';

interface KnownServer {
  readonly ca: string;
  readonly environment: Environment;
  /** ACME v1 (retired); the value is the v2 directory that replaces it. */
  readonly v1ReplacedBy?: string;
}

const LE_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';
const LE_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';

const KNOWN_SERVERS: Readonly<Record<string, KnownServer>> = {
  'acme-v01.api.letsencrypt.org': { ca: "Let's Encrypt", environment: 'production', v1ReplacedBy: LE_PRODUCTION },
  'acme-staging.api.letsencrypt.org': { ca: "Let's Encrypt", environment: 'staging', v1ReplacedBy: LE_STAGING },
  'acme-v02.api.letsencrypt.org': { ca: "Let's Encrypt", environment: 'production' },
  'acme-staging-v02.api.letsencrypt.org': { ca: "Let's Encrypt", environment: 'staging' },
  'dv.acme-v02.api.pki.goog': { ca: 'Google Trust Services', environment: 'production' },
  'dv.acme-v02.test-api.pki.goog': { ca: 'Google Trust Services', environment: 'staging' },
  'api.buypass.com': { ca: 'Buypass', environment: 'production' },
  'api.test4.buypass.no': { ca: 'Buypass', environment: 'staging' },
};

/** The directory URL of the other environment of the same CA, where we know it. */
const COUNTERPART: Readonly<Record<string, Readonly<Record<Environment, string>>>> = {
  "Let's Encrypt": { production: LE_PRODUCTION, staging: LE_STAGING },
  'Google Trust Services': { production: 'https://dv.acme-v02.api.pki.goog/directory', staging: 'https://dv.acme-v02.test-api.pki.goog/directory' },
  Buypass: { production: 'https://api.buypass.com/acme/directory', staging: 'https://api.test4.buypass.no/acme/directory' },
};

const SERVER: FieldPath = ['spec', 'acme', 'server'];

function hostOf(server: string): string | undefined {
  try {
    return new URL(server).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function serverEnvironment(host: string): { readonly ca?: string; readonly environment: Environment } | undefined {
  const known = KNOWN_SERVERS[host];
  if (known) return known;
  return /(^|[.-])(staging|test-api)([.-]|$)/.test(host) ? { environment: 'staging' } : undefined;
}

/** What the issuer's name says it is for: `letsencrypt-staging`, `le-prod`, `acme_stg`. */
function nameEnvironment(name: string | undefined): Environment | undefined {
  const words = (name ?? '').toLowerCase().split(/[-_.]+/);
  const staging = words.some((w) => ['staging', 'stage', 'stg'].includes(w));
  const production = words.some((w) => ['prod', 'production', 'prd', 'live'].includes(w));
  return staging === production ? undefined : staging ? 'staging' : 'production';
}

export const issuerPolicyRules: readonly Rule[] = [
  {
    id: 'issuer/acme-v1-endpoint',
    severity: 'warning',
    layer: 'lint',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'spec.acme.server is a retired ACME v1 endpoint of Let\'s Encrypt.',
      details:
        'Let\'s Encrypt switched off its ACME v1 API (`acme-v01.api.letsencrypt.org`, `acme-staging.api.letsencrypt.org`) in 2021, and cert-manager speaks only ACME v2 (RFC 8555), so an issuer pointing there never registers an account (cert-manager#3062). Use the v2 directory: `https://acme-v02.api.letsencrypt.org/directory`, or `https://acme-staging-v02.api.letsencrypt.org/directory` for staging; the quick fix rewrites the URL.',
    },
    check(context) {
      const server = asString(activeIssuer(context, 'acme')?.server);
      const host = server ? hostOf(server) : undefined;
      const replacement = host ? KNOWN_SERVERS[host]?.v1ReplacedBy : undefined;
      if (!replacement) return;
      context.report(
        SERVER,
        `spec.acme.server ${server} is Let's Encrypt's retired ACME v1 API, and cert-manager speaks only ACME v2; use ${replacement}`,
        { fixes: replaceValueFix(context, SERVER, replacement, `Use ${replacement}`) },
      );
    },
  },
  {
    id: 'issuer/acme-staging-mismatch',
    severity: 'warning',
    layer: 'lint',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'The issuer\'s name says staging but spec.acme.server is a production endpoint, or the reverse.',
      details:
        'Staging ACME servers issue certificates from an untrusted test root, with generous rate limits; production servers issue publicly trusted certificates under strict rate limits. An issuer named `…-staging` that talks to production burns the production limits during testing (cert-manager#3062), and one named `…-prod` that talks to staging hands out certificates no client trusts, while everything looks green. The name is read as words separated by `-`, `_` or `.` (`staging`, `stage`, `stg`; `prod`, `production`, `prd`, `live`); the server is recognised for Let\'s Encrypt, Google Trust Services and Buypass, or by `staging` in its host name. Point the server at the intended environment, or rename the issuer.',
    },
    check(context) {
      const server = asString(activeIssuer(context, 'acme')?.server);
      const host = server ? hostOf(server) : undefined;
      const actual = host ? serverEnvironment(host) : undefined;
      const intended = nameEnvironment(context.object.name);
      if (!actual || !intended || actual.environment === intended) return;

      const ca = actual.ca ? `${actual.ca}'s ` : 'a ';
      const counterpart = actual.ca ? COUNTERPART[actual.ca]?.[intended] : undefined;
      const consequence =
        intended === 'staging'
          ? 'testing against it counts against production rate limits and issues publicly trusted certificates'
          : 'its certificates chain to an untrusted test root, so clients reject them';
      const action = counterpart ? `use ${counterpart} or rename the issuer` : 'point it at the intended server or rename the issuer';
      context.report(
        SERVER,
        `spec.acme.server is ${ca}${actual.environment} endpoint although the issuer is named ${context.object.name}, so ${consequence}; ${action}`,
        { fixes: counterpart ? replaceValueFix(context, SERVER, counterpart, `Use ${counterpart}`) : undefined },
      );
    },
  },
  {
    id: 'issuer/acme-skip-tls-verify',
    severity: 'warning',
    layer: 'lint',
    kinds: ISSUER_KINDS,
    doc: {
      summary: 'spec.acme.skipTLSVerify turns off verification of the ACME server\'s certificate.',
      details:
        'With `skipTLSVerify: true`, cert-manager accepts any certificate from the ACME server, so anyone able to intercept that connection can play the CA: answer orders, learn the account and external-account-binding details, and hand back certificates of their choosing. For a private ACME server (step-ca, an internal Boulder), give its CA in `caBundle` (base64 of the PEM) instead; the webhook rejects setting both.',
    },
    check(context) {
      const acme = activeIssuer(context, 'acme');
      if (!acme || acme.skipTLSVerify !== true || asString(acme.caBundle)) return; // both set: issuer/acme-ca-bundle
      context.report(
        ['spec', 'acme', 'skipTLSVerify'],
        'spec.acme.skipTLSVerify true accepts any certificate from the ACME server, so whoever intercepts the connection can act as the CA; remove it and trust the server\'s CA with caBundle',
      );
    },
  },
];
