// cert-manager's admission webhook rules for Certificate (v1.21.1, ValidateCertificateSpec), with the
// wording the webhook uses. One rule per concern so each can be documented and silenced.
import { isIP } from 'node:net';
import type { FieldPath } from '../model/path';
import { formatPath } from '../model/path';
import { asList, asMap, asNumber, asString, dig, isSet, type JsonMap, specOf } from './access';
import { durationField, formatGoDuration, NANOS, parseGoDuration } from './duration';
import { checkIssuerRef } from './issuer-ref';
import { dns1123Subdomain, fieldError, qualifiedName } from './k8s';
import { parseCron } from './cron';
import { parseLiteralSubject } from './literal-subject';
import type { Rule } from './types';

const KIND = ['Certificate'] as const;

const DEFAULT_DURATION = 2160 * NANOS.hour;
const MIN_DURATION = NANOS.hour;
const MIN_RENEW_BEFORE = 5 * NANOS.minute;

/** The common name the webhook sees: spec.commonName, or the CN inside spec.literalSubject. */
function commonNameOf(s: JsonMap): string {
  const direct = asString(s.commonName);
  if (direct) return direct;
  const literal = asString(s.literalSubject);
  if (!literal) return '';
  const parsed = parseLiteralSubject(literal);
  return parsed.ok ? (parsed.attributes.find((a) => a.type.toUpperCase() === 'CN')?.value ?? '') : '';
}

export const certificateRules: readonly Rule[] = [
  {
    id: 'certificate/secret-name',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.secretName is missing or is not a valid Secret name.',
      details:
        'cert-manager writes the key pair into the Secret named here, in the Certificate\'s namespace. It must be a lowercase RFC 1123 subdomain (the rules for any object name).',
    },
    check(context) {
      const name = specOf(context).secretName;
      if (name === undefined || name === null || name === '') {
        context.report(['spec', 'secretName'], fieldError.required('spec.secretName', 'must be specified'), { anchor: 'missing' });
        return;
      }
      if (typeof name !== 'string') return;
      for (const problem of dns1123Subdomain(name)) context.report(['spec', 'secretName'], fieldError.invalid('spec.secretName', name, problem));
    },
  },
  {
    id: 'certificate/issuer-ref',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.issuerRef names no issuer, or a kind cert-manager does not have.',
      details:
        'With the cert-manager.io group (or no group), the kind must be Issuer or ClusterIssuer; a typo such as `Issue` is rejected. External issuers (another group, such as `awspca.cert-manager.io`) define their own kinds, which the webhook does not check.',
    },
    check: (context) => checkIssuerRef(context),
  },
  {
    id: 'certificate/literal-subject',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.literalSubject is combined with commonName or subject, or does not parse.',
      details:
        '`literalSubject` replaces the whole subject, so `commonName` and every `subject.*` field must be left out. It is an RFC 4514 distinguished name whose attribute types must be C, O, OU, CN, SERIALNUMBER, L, ST, STREET, DC, UID or a dotted OID.',
    },
    check(context) {
      const s = specOf(context);
      const literal = asString(s.literalSubject);
      if (!literal) return;
      if (asString(s.commonName)) {
        context.report(['spec', 'commonName'], fieldError.invalid('spec.commonName', s.commonName, 'When providing a `LiteralSubject` no `commonName` may be provided.'));
      }
      const subject = asMap(s.subject);
      if (subject && Object.values(subject).some(isSet)) {
        context.report(['spec', 'subject'], fieldError.invalid('spec.subject', 'object', 'When providing a `LiteralSubject` no `Subject` properties may be provided.'), { anchor: 'key' });
      }
      const parsed = parseLiteralSubject(literal);
      if (!parsed.ok) {
        context.report(['spec', 'literalSubject'], fieldError.invalid('spec.literalSubject', literal, parsed.error));
        return;
      }
      for (const attribute of parsed.attributes) {
        if (!parsed.isKnownType(attribute.type)) {
          context.report(['spec', 'literalSubject'], fieldError.invalid('spec.literalSubject', literal, `Literal subject contains unrecognized key with value [${attribute.value}]`));
        }
      }
    },
  },
  {
    id: 'certificate/identity',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'The Certificate asks for no identity at all.',
      details:
        'At least one of commonName (or a CN in literalSubject), dnsNames, uris, emailAddresses, ipAddresses or otherNames must be set, or there is nothing to put in the certificate.',
    },
    check(context) {
      const s = specOf(context);
      if (!context.spec) return;
      const any =
        commonNameOf(s) !== '' ||
        ['dnsNames', 'uris', 'emailAddresses', 'ipAddresses', 'otherNames'].some((f) => asList(s[f]).length > 0);
      if (!any) {
        context.report(
          ['spec'],
          fieldError.invalid(
            'spec',
            '',
            'at least one of commonName (from the commonName field or from a literalSubject), dnsNames, emailSANs, ipAddresses, otherNames, or uriSANs must be set',
          ),
          { anchor: 'key' },
        );
      }
    },
  },
  {
    id: 'certificate/common-name-length',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.commonName is longer than 64 bytes.',
      details:
        'X.509 limits the common name to 64 bytes (RFC 5280 ub-common-name). DNS names have no such limit, so move long names to `dnsNames` and shorten or drop the commonName; browsers ignore the CN anyway.',
    },
    check(context) {
      const cn = asString(specOf(context).commonName);
      if (cn && Buffer.byteLength(cn, 'utf8') > 64) context.report(['spec', 'commonName'], fieldError.tooLong('spec.commonName', 64));
    },
  },
  {
    id: 'certificate/ip-addresses',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'An entry of spec.ipAddresses is not an IP address.',
      details: 'Each entry must be a single IPv4 or IPv6 address; ranges in CIDR notation (`10.0.0.0/8`) and zone suffixes are rejected.',
    },
    check(context) {
      asList(specOf(context).ipAddresses).forEach((ip, index) => {
        if (typeof ip !== 'string') return;
        if (isIP(ip) === 0 || ip.includes('%')) {
          context.report(['spec', 'ipAddresses', index], fieldError.invalid(`spec.ipAddresses[${index}]`, ip, 'invalid IP address'));
        }
      });
    },
  },
  {
    id: 'certificate/email-addresses',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'An entry of spec.emailAddresses is not a plain email address.',
      details: 'Each entry must be just the address (`user@example.com`), without a display name or angle brackets.',
    },
    check(context) {
      asList(specOf(context).emailAddresses).forEach((email, index) => {
        if (typeof email !== 'string') return;
        const problem = emailProblem(email);
        if (problem) context.report(['spec', 'emailAddresses', index], fieldError.invalid(`spec.emailAddresses[${index}]`, email, problem));
      });
    },
  },
  {
    id: 'certificate/other-names',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'An entry of spec.otherNames has no valid OID or no value.',
      details: 'Each otherName needs a dotted OID (`1.3.6.1.4.1.311.20.2.3`) and a non-empty UTF-8 value.',
    },
    check(context) {
      asList(specOf(context).otherNames).forEach((entry, index) => {
        const other = asMap(entry);
        if (!other) return;
        const base: FieldPath = ['spec', 'otherNames', index];
        const oid = asString(other.oid) ?? '';
        if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(oid)) {
          context.report([...base, 'oid'], fieldError.invalid(`${formatPath(base)}.oid`, oid, 'invalid oid syntax'), { anchor: oid ? 'value' : 'missing' });
        }
        const value = asString(other.utf8Value) ?? '';
        if (value === '') {
          context.report([...base, 'utf8Value'], fieldError.invalid(`${formatPath(base)}.utf8Value`, value, 'must be set to a valid non-empty UTF8 string'), {
            anchor: 'missing',
          });
        }
      });
    },
  },
  {
    id: 'certificate/private-key-size',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.privateKey.size does not fit the key algorithm.',
      details:
        'RSA keys (the default algorithm) must be 2048 to 8192 bits; ECDSA keys 256, 384 or 521; Ed25519 ignores the size. Leave the size out to get the default (2048 for RSA, 256 for ECDSA).',
    },
    check(context) {
      const key = asMap(specOf(context).privateKey);
      const size = asNumber(key?.size);
      if (!key || size === undefined || size === 0) return;
      const algorithm = asString(key.algorithm) ?? 'RSA';
      if (algorithm === 'RSA' && (size < 2048 || size > 8192)) {
        context.report(['spec', 'privateKey', 'size'], fieldError.invalid('spec.privateKey.size', size, 'must be between 2048 and 8192 for rsa keyAlgorithm'));
      } else if (algorithm === 'ECDSA' && ![256, 384, 521].includes(size)) {
        context.report(['spec', 'privateKey', 'size'], fieldError.notSupported('spec.privateKey.size', size, ['256', '384', '521']));
      }
    },
  },
  {
    id: 'certificate/signature-algorithm',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.signatureAlgorithm does not match the key algorithm.',
      details:
        'RSA keys sign with SHA256WithRSA, SHA384WithRSA or SHA512WithRSA; ECDSA keys with ECDSAWithSHA256/384/512; Ed25519 keys with PureEd25519. Without `privateKey.algorithm` the key is RSA.',
    },
    check(context) {
      const s = specOf(context);
      const signature = asString(s.signatureAlgorithm);
      if (!signature) return;
      const algorithm = asString(dig(s, 'privateKey', 'algorithm')) ?? 'RSA';
      const allowed = SIGNATURE_ALGORITHMS[algorithm];
      if (allowed && !allowed.includes(signature)) {
        context.report(
          ['spec', 'signatureAlgorithm'],
          fieldError.invalid('spec.signatureAlgorithm', signature, `for key algorithm ${algorithm} the allowed signature algorithms are [${allowed.join(' ')}]`),
        );
      }
    },
  },
  {
    id: 'certificate/duration',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'duration, renewBefore and renewBeforePercentage do not fit together.',
      details:
        'The webhook checks these only when `duration` or `renewBefore` is set: duration at least 1h; renewBefore at least 5m and shorter than duration; not both renewBefore and renewBeforePercentage. When `duration` is left out it assumes 2160h (90 days) even if the issuer gives a different lifetime (Venafi, ACME), so a long renewBefore fails: set `duration` explicitly or use `renewBeforePercentage`. Quirk followed on purpose: cert-manager v1.21.1 checks renewBeforePercentage p as if renewBefore were duration×(100−p)/100 (the complement of its documented meaning), so it needs 1 ≤ p ≤ 99 and duration×(100−p)/100 ≥ 5m. Trustwright reports what that webhook does.',
    },
    check(context) {
      const s = specOf(context);
      const duration = durationField(s, 'duration');
      const renewBefore = durationField(s, 'renewBefore');
      if (duration === undefined && renewBefore === undefined) return;
      if (duration === 'invalid' || renewBefore === 'invalid') return; // certificate/duration-format

      const effective = duration ?? DEFAULT_DURATION;
      if (effective < MIN_DURATION) {
        context.report(['spec', 'duration'], fieldError.invalidRaw('spec.duration', formatGoDuration(effective), `certificate duration must be greater than ${formatGoDuration(MIN_DURATION)}`));
      }

      const percentage = asNumber(s.renewBeforePercentage);
      if (renewBefore !== undefined && percentage !== undefined) {
        const message = 'renewBefore and renewBeforePercentage are mutually exclusive and cannot both be set';
        context.report(['spec', 'renewBefore'], fieldError.invalidRaw('spec.renewBefore', formatGoDuration(renewBefore), message));
        context.report(['spec', 'renewBeforePercentage'], fieldError.invalid('spec.renewBeforePercentage', percentage, message));
      }

      if (renewBefore !== undefined) {
        if (renewBefore < MIN_RENEW_BEFORE) {
          context.report(['spec', 'renewBefore'], fieldError.invalidRaw('spec.renewBefore', formatGoDuration(renewBefore), `certificate renewBefore must be greater than ${formatGoDuration(MIN_RENEW_BEFORE)}`));
        }
        if (effective <= renewBefore) {
          const hint = duration === undefined ? ' (duration is not set, so the webhook assumes 2160h; set spec.duration or use renewBeforePercentage)' : '';
          context.report(
            ['spec', 'renewBefore'],
            fieldError.invalidRaw('spec.renewBefore', formatGoDuration(renewBefore), `certificate duration ${formatGoDuration(effective)} must be greater than renewBefore ${formatGoDuration(renewBefore)}${hint}`),
          );
        }
      }

      if (percentage !== undefined && Number.isInteger(percentage)) {
        // v1.21.1 computes the complement; see the rule doc.
        const computed = Math.trunc((effective * (100 - percentage)) / 100);
        if (computed < MIN_RENEW_BEFORE) {
          context.report(['spec', 'renewBeforePercentage'], fieldError.invalid('spec.renewBeforePercentage', percentage, `certificate renewBeforePercentage must result in a renewBefore greater than ${formatGoDuration(MIN_RENEW_BEFORE)}`));
        } else if (computed >= effective) {
          context.report(['spec', 'renewBeforePercentage'], fieldError.invalid('spec.renewBeforePercentage', percentage, 'certificate renewBeforePercentage must result in a renewBefore less than duration'));
        }
      }
    },
  },
  {
    id: 'certificate/duration-format',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.duration or spec.renewBefore is not a Go duration.',
      details:
        'These fields are Go durations: a number and a unit of h, m, s, ms, us or ns, combined as in `2160h` or `1h30m`. There is no day unit: write `90d` as `2160h`.',
    },
    check(context) {
      for (const name of ['duration', 'renewBefore'] as const) {
        const raw = specOf(context)[name];
        if (typeof raw !== 'string') continue;
        const parsed = parseGoDuration(raw);
        if (!parsed.ok) {
          const days = /^(\d+)d$/.exec(raw);
          const hint = days ? `; write ${Number(days[1]) * 24}h` : '';
          context.report(['spec', name], fieldError.invalid(`spec.${name}`, raw, `${parsed.error}${hint}`));
        }
      }
    },
  },
  {
    id: 'certificate/revision-history-limit',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: { summary: 'spec.revisionHistoryLimit is below 1.', details: 'cert-manager keeps at least one CertificateRequest; leave the field out or set 1 or more.' },
    check(context) {
      const limit = asNumber(specOf(context).revisionHistoryLimit);
      if (limit !== undefined && limit < 1) {
        context.report(['spec', 'revisionHistoryLimit'], fieldError.invalid('spec.revisionHistoryLimit', limit, 'must not be less than 1'));
      }
    },
  },
  {
    id: 'certificate/secret-template',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.secretTemplate has an invalid or reserved label or annotation.',
      details:
        'Keys must be valid label/annotation keys, and `cert-manager.io/` annotations are reserved for cert-manager itself, except `cert-manager.io/allow-direct-injection` (allowed since v1.15, for the CA injector).',
    },
    check(context) {
      const template = asMap(specOf(context).secretTemplate);
      if (!template) return;
      for (const field of ['annotations', 'labels'] as const) {
        const entries = asMap(template[field]);
        if (!entries) continue;
        for (const key of Object.keys(entries)) {
          const path: FieldPath = ['spec', 'secretTemplate', field, { key }];
          for (const problem of qualifiedName(field === 'annotations' ? key.toLowerCase() : key)) {
            context.report(path, fieldError.invalid(`spec.secretTemplate.${field}`, key, problem), { anchor: 'key' });
          }
          if (field === 'annotations' && key.startsWith('cert-manager.io/') && key !== 'cert-manager.io/allow-direct-injection') {
            context.report(path, fieldError.invalid('spec.secretTemplate.annotations', key, 'cert-manager.io/* annotations are not allowed'), { anchor: 'key' });
          }
        }
      }
    },
  },
  {
    id: 'certificate/name-constraints',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.nameConstraints is set on a non-CA certificate, or constrains nothing.',
      details: 'Name constraints only mean something on a CA (`isCA: true`), and need `permitted` or `excluded` to say what they allow or forbid.',
    },
    check(context) {
      const s = specOf(context);
      const constraints = asMap(s.nameConstraints);
      if (!constraints) return;
      if (s.isCA !== true) {
        context.report(['spec', 'nameConstraints'], fieldError.invalid('spec.nameConstraints', 'object', 'isCa should be true when nameConstraints is set'), { anchor: 'key' });
      }
      if (!isSet(constraints.permitted) && !isSet(constraints.excluded)) {
        context.report(['spec', 'nameConstraints'], fieldError.invalid('spec.nameConstraints', 'object', 'either permitted or excluded must be set'), { anchor: 'key' });
      }
    },
  },
  {
    id: 'certificate/additional-output-formats',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: { summary: 'An additional output format is listed twice.', details: 'Each type (DER, CombinedPEM) may appear once in spec.additionalOutputFormats.' },
    check(context) {
      const seen = new Set<string>();
      asList(specOf(context).additionalOutputFormats).forEach((entry, index) => {
        const type = asString(asMap(entry)?.type);
        if (!type) return;
        if (seen.has(type)) context.report(['spec', 'additionalOutputFormats', index, 'type'], fieldError.duplicate('spec.additionalOutputFormats[type]', type));
        seen.add(type);
      });
    },
  },
  {
    id: 'certificate/keystores',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'A JKS or PKCS#12 keystore has no password, two passwords, or an empty one.',
      details:
        'Each keystore needs exactly one of `password` (literal, since v1.17) or `passwordSecretRef`, and a literal password must not be empty. This is checked even when `create: false`.',
    },
    check(context) {
      const keystores = asMap(specOf(context).keystores);
      if (!keystores) return;
      for (const [field, label] of [
        ['jks', 'JKS'],
        ['pkcs12', 'PKCS#12'],
      ] as const) {
        const store = asMap(keystores[field]);
        if (!store) continue;
        const path: FieldPath = ['spec', 'keystores', field];
        const hasRef = isSet(asMap(store.passwordSecretRef)?.name);
        const hasLiteral = typeof store.password === 'string';
        if (hasRef && hasLiteral) {
          context.report(path, fieldError.forbidden(formatPath(path), `exactly one of passwordSecretRef and password must be provided for ${label} keystores; cannot set both`), { anchor: 'key' });
        } else if (!hasRef && !hasLiteral) {
          context.report(path, fieldError.required(formatPath(path), `must set exactly one of passwordSecretRef and password must for ${label} keystores`), { anchor: 'key' });
        } else if (hasLiteral && store.password === '') {
          context.report([...path, 'password'], fieldError.invalid(`${formatPath(path)}.password`, '', `literal password cannot be empty if set on ${label} keystores`));
        }
      }
    },
  },
  {
    id: 'certificate/renewal',
    severity: 'error',
    layer: 'webhook',
    kinds: KIND,
    doc: {
      summary: 'spec.renewal has no policy, windows with policy Disabled, or an invalid window.',
      details:
        '`renewal` (cert-manager v1.21) needs a `policy` (RenewBefore or Disabled). Windows are not allowed with Disabled; each window needs a 5-field cron expression or a descriptor such as `@daily`, and an IANA time zone such as `Europe/Berlin`.',
    },
    check(context) {
      const renewal = asMap(specOf(context).renewal);
      if (!renewal) return;
      const policy = asString(renewal.policy) ?? '';
      if (policy === '') {
        context.report(['spec', 'renewal', 'policy'], fieldError.notSupported('spec.renewal.policy', '', ['RenewBefore', 'Disabled']), { anchor: 'missing' });
      }
      const windows = asList(renewal.windows);
      if (policy === 'Disabled' && windows.length > 0) {
        context.report(['spec', 'renewal', 'windows'], fieldError.forbidden('spec.renewal.windows', 'windows cannot be set when `renewal.policy` is set to Disabled'), { anchor: 'key' });
      }
      windows.forEach((entry, index) => {
        const window = asMap(entry);
        if (!window) return;
        const base: FieldPath = ['spec', 'renewal', 'windows', index];
        const cron = asString(window.cron);
        if (cron) {
          const problem = parseCron(cron);
          if (problem) context.report([...base, 'cron'], fieldError.invalid(`${formatPath(base)}.cron`, cron, `invalid cron syntax: ${problem}`));
        }
        const zone = asString(window.timezone);
        if (zone && !isTimeZone(zone)) {
          context.report([...base, 'timezone'], fieldError.invalid(`${formatPath(base)}.timezone`, zone, 'timezone must be IANA compliant'));
        }
      });
    },
  },
];

const SIGNATURE_ALGORITHMS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['SHA256WithRSA', 'SHA384WithRSA', 'SHA512WithRSA'],
  ECDSA: ['ECDSAWithSHA256', 'ECDSAWithSHA384', 'ECDSAWithSHA512'],
  Ed25519: ['PureEd25519'],
};

/** What Go's mail.ParseAddress objects to, and the webhook's own "address only" rule. */
function emailProblem(email: string): string | undefined {
  const angle = /^(.*)<([^<>]+)>\s*$/.exec(email);
  if (angle) return 'invalid email address: make sure the supplied value only contains the email address itself';
  if (!email.includes('@')) return "invalid email address: mail: missing '@' or angle-addr";
  const [local, domain] = [email.slice(0, email.lastIndexOf('@')), email.slice(email.lastIndexOf('@') + 1)];
  if (local === '') return 'invalid email address: mail: no address';
  if (domain === '' || /\s/.test(email)) return 'invalid email address: mail: no angle-addr';
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return 'invalid email address: mail: missing word in phrase: mail: invalid string';
  }
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(domain) || domain.startsWith('.') || domain.endsWith('.')) {
    return 'invalid email address: mail: invalid string';
  }
  return undefined;
}

function isTimeZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
