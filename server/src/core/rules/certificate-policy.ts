// Lint rules for what a Certificate asks for: lifetimes, wildcards, usages, key choices and renewal
// timing, plus the checks that depend on the issuer it names (ACME, selfSigned), resolved through the
// workspace. The cluster accepts all of these; they make identities broader or longer-lived than
// zero trust wants, or fail only when the issuer acts.
import { isIP } from 'node:net';
import { isScalar, isSeq, type Node } from 'yaml';
import type { Fix } from '../findings';
import type { FieldPath } from '../model/path';
import { formatPath } from '../model/path';
import { locate } from '../model/value';
import { asList, asMap, asNumber, asString, dig, type JsonMap, specOf, stringList } from './access';
import { durationField, formatGoDuration, NANOS, parseGoDuration } from './duration';
import { parseLiteralSubject } from './literal-subject';
import { resolveIssuer, type IssuerResolution } from './references';
import type { Rule, RuleContext } from './types';

const CERTIFICATE = ['Certificate'] as const;
const CERTIFICATE_AND_REQUEST = ['Certificate', 'CertificateRequest'] as const;

const DEFAULT_DURATION = 2160 * NANOS.hour;
const MIN_RENEW_BEFORE = 5 * NANOS.minute;
const DAY = 24 * NANOS.hour;
/** NIST SP 800-57 Part 1 accepts 112-bit security (RSA 2048) for signing only through 2030. */
const RSA_2048_SUNSET = Date.UTC(2031, 0, 1);

const TLS_EKUS = ['server auth', 'client auth', 'any'];
const EKUS = new Set([
  ...TLS_EKUS,
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
]);

function settingDuration(text: string): number | undefined {
  const parsed = parseGoDuration(text);
  return parsed.ok && parsed.nanos > 0 ? parsed.nanos : undefined;
}

/** Go's duration string without trailing zero units: `87600h`, `1h30m`, `45s`. */
function shortDuration(nanos: number): string {
  return formatGoDuration(nanos).replace(/h0m0s$/, 'h').replace(/m0s$/, 'm');
}

/** `87600h (about 10 years)`, `4320h (180 days)`: the Go form plus what it means to a person. */
function describeDuration(nanos: number): string {
  const days = nanos / DAY;
  const years = Number((days / 365).toFixed(1));
  // The plural follows the number as printed: 24.01h is "1 day".
  const shown = Number(days.toFixed(1));
  const human = days >= 730 ? `about ${years} year${years === 1 ? '' : 's'}` : `${shown} day${shown === 1 ? '' : 's'}`;
  return `${shortDuration(nanos)} (${human})`;
}

/** A share as a percentage a reader can compare: `38%`, `0.4%`. */
function percent(share: number): string {
  const value = share * 100;
  return `${value < 1 ? Number(value.toFixed(1)) : Math.round(value)}%`;
}

function isCA(context: RuleContext): boolean {
  return specOf(context).isCA === true;
}

function keyAlgorithm(s: JsonMap): string {
  return asString(dig(s, 'privateKey', 'algorithm')) ?? 'RSA';
}

/** The common name and where it is written: spec.commonName, or the CN inside spec.literalSubject. */
function commonName(s: JsonMap): { readonly value: string; readonly path: FieldPath } | undefined {
  const direct = asString(s.commonName);
  if (direct) return { value: direct, path: ['spec', 'commonName'] };
  const literal = asString(s.literalSubject);
  if (!literal) return undefined;
  const parsed = parseLiteralSubject(literal);
  const cn = parsed.ok ? parsed.attributes.find((a) => a.type.toUpperCase() === 'CN')?.value : undefined;
  return cn ? { value: cn, path: ['spec', 'literalSubject'] } : undefined;
}

/** The issuer this object names, when the workspace defines it; external and unknown give undefined. */
function foundIssuer(context: RuleContext): Extract<IssuerResolution, { status: 'found' }> | undefined {
  const resolution = resolveIssuer(context);
  return resolution.status === 'found' ? resolution : undefined;
}

/** Kinds whose caBundle cert-manager's CA injector fills from a Certificate (`cert-manager.io/inject-ca-from`). */
const INJECTION_TARGETS = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'CustomResourceDefinition', 'APIService'];

/**
 * Whether some object in the workspace has the CA injector copy this Certificate into its caBundle,
 * which is how webhook serving certificates from a selfSigned issuer are meant to be trusted.
 * Limitation: an annotation still holding kustomize variables (kubebuilder's
 * `$(CERTIFICATE_NAMESPACE)/$(CERTIFICATE_NAME)`) cannot be matched.
 */
function injectedByCaInjector(context: RuleContext): boolean {
  const name = context.object.name;
  if (!name) return false;
  return INJECTION_TARGETS.some((kind) =>
    context.workspace.byKind(kind).some((object) => {
      const from = asString(asMap(asMap(object.value.metadata)?.annotations)?.['cert-manager.io/inject-ca-from']);
      const [namespace, certificate] = from?.split('/') ?? [];
      return certificate === name && (context.object.namespace === undefined || namespace === context.object.namespace);
    }),
  );
}

function issuerLabel(resolution: Extract<IssuerResolution, { status: 'found' }>): string {
  return `${resolution.issuer.kind} ${resolution.issuer.name ?? ''}`.trim();
}

// ---------------------------------------------------------------------------------------------
// Quick-fix helpers: edits computed from the YAML node ranges, in the file's own line endings.

function eolOf(context: RuleContext): string {
  return context.lines.text.includes('\r\n') ? '\r\n' : '\n';
}

/** The offset just after the last non-blank character of a node (before trailing comments and newlines). */
function contentEnd(context: RuleContext, node: Node): number {
  const text = context.lines.text;
  const [start, end] = node.range ?? [0, 0];
  let last = end - 1;
  while (last > start && /\s/.test(text[last])) last--;
  return last + 1;
}

/** A scalar as YAML: plain when that reads back as the same string, double-quoted otherwise. */
function yamlScalar(value: string): string {
  return /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(value) && /[A-Za-z]/.test(value) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

/** Replaces the scalar at `path` with `newText`. */
export function replaceValueFix(context: RuleContext, path: FieldPath, newText: string, title: string): Fix[] | undefined {
  const node = locate(context.object.node, path, context.object.document.doc).value;
  if (!node || !isScalar(node) || !node.range) return undefined;
  return [{ title, edits: [{ range: context.lines.range(node.range[0], node.range[1]), newText }] }];
}

/**
 * Appends `value` to the string list spec.<field>: after its last block item (same dash column),
 * inside its flow brackets, or as a new block list right after the line of `anchorPath`.
 */
function appendToListFix(context: RuleContext, field: string, value: string, anchorPath: FieldPath, title: string): Fix[] | undefined {
  const { lines } = context;
  const doc = context.object.document.doc;
  const eol = eolOf(context);
  const item = yamlScalar(value);
  const list = locate(context.object.node, ['spec', field], doc);

  if (list.depth === 2 && isSeq(list.value) && list.value.range) {
    const items = list.value.items as Node[];
    const last = items[items.length - 1];
    if (list.value.flow) {
      const at = last?.range ? last.range[1] : list.value.range[0] + 1;
      return [{ title, edits: [{ range: lines.range(at, at), newText: last ? `, ${item}` : item }] }];
    }
    if (!last?.range) return undefined;
    const position = lines.positionAt(last.range[0]);
    const prefix = lines.lineText(position.line).slice(0, position.character);
    if (!/^\s*-\s+$/.test(prefix)) return undefined;
    const at = lines.lineEnd(lines.positionAt(contentEnd(context, last) - 1).line);
    return [{ title, edits: [{ range: lines.range(at, at), newText: `${eol}${prefix}${item}` }] }];
  }
  if (list.depth === 2) return undefined; // present but empty or not a list: leave it to the user

  const anchor = locate(context.object.node, anchorPath, doc);
  const spec = locate(context.object.node, ['spec'], doc).value;
  const key = anchor.key;
  if (!key?.range || !anchor.value || !spec || !('items' in spec) || (spec as { flow?: boolean }).flow) return undefined;
  const pad = ' '.repeat(lines.positionAt(key.range[0]).character);
  const at = lines.lineEnd(lines.positionAt(contentEnd(context, anchor.value) - 1).line);
  return [{ title, edits: [{ range: lines.range(at, at), newText: `${eol}${pad}${field}:${eol}${pad}- ${item}` }] }];
}

// ---------------------------------------------------------------------------------------------
// Rules

export const certificatePolicyRules: readonly Rule[] = [
  {
    id: 'certificate/ca-lifetime',
    severity: 'warning',
    layer: 'lint',
    kinds: CERTIFICATE_AND_REQUEST,
    doc: {
      summary: 'A CA certificate asks for a lifetime over the maxCaLifetime setting (43800h, 5 years, by default).',
      details:
        'Every certificate a CA signs is only as safe as the CA key, and a leaked key stays usable until the CA certificate expires (revocation rarely reaches internal clients). Long-lived CAs also mean rotation is never practised, so it breaks when it is finally needed. Give the CA a shorter `duration` and let cert-manager renew it; trust-manager distributes the new CA to the bundles that source it. The limit is the `maxCaLifetime` setting.',
    },
    check(context) {
      if (!isCA(context)) return;
      const duration = durationField(specOf(context), 'duration');
      const limit = settingDuration(context.settings.maxCaLifetime);
      if (typeof duration !== 'number' || limit === undefined || duration <= limit) return;
      context.report(
        ['spec', 'duration'],
        `spec.duration ${describeDuration(duration)} is longer than the ${describeDuration(limit)} allowed for a CA, and a leaked CA key stays usable that long; shorten it and let cert-manager rotate the CA`,
      );
    },
  },
  {
    id: 'certificate/leaf-lifetime',
    severity: 'warning',
    layer: 'lint',
    kinds: CERTIFICATE_AND_REQUEST,
    doc: {
      summary: 'A leaf certificate asks for a long lifetime: info over leafLifetimeInfo (2160h), warning over leafLifetimeWarning (9528h).',
      details:
        'A workload identity should live days or weeks, not years: a stolen key is then worth little, and renewal is exercised all the time. cert-manager renews automatically, so short lifetimes cost nothing. Over `leafLifetimeInfo` (2160h, 90 days, by default) this is a hint; over `leafLifetimeWarning` (9528h, 397 days: more than any public CA may issue) a warning. Certificates from ACME issuers are left to `certificate/acme-duration`, since the ACME server decides their lifetime.',
    },
    check(context) {
      if (isCA(context)) return;
      const duration = durationField(specOf(context), 'duration');
      if (typeof duration !== 'number') return;
      const warnAbove = settingDuration(context.settings.leafLifetimeWarning);
      const infoAbove = settingDuration(context.settings.leafLifetimeInfo);
      const over = warnAbove !== undefined && duration > warnAbove ? warnAbove : infoAbove !== undefined && duration > infoAbove ? infoAbove : undefined;
      if (over === undefined || foundIssuer(context)?.type === 'acme') return;
      const severity = over === warnAbove ? 'warning' : 'info';
      context.report(
        ['spec', 'duration'],
        `spec.duration ${describeDuration(duration)} is longer than ${describeDuration(over)} for a leaf certificate, so a stolen key stays useful that long; use a lifetime of days or weeks and let cert-manager renew it`,
        { severity },
      );
    },
  },
  {
    id: 'certificate/wildcard',
    severity: 'warning',
    layer: 'lint',
    kinds: CERTIFICATE,
    doc: {
      summary: 'spec.dnsNames has a wildcard (warning), or a bare "*" (error).',
      details:
        'A wildcard certificate is one key for every host under a domain: whoever holds it (any pod that mounts the Secret) can impersonate all of them, so one compromised workload exposes its neighbours. Prefer one certificate per service with exact names. A bare `*` matches no host name at all (a wildcard replaces exactly one leftmost label, as in `*.example.com`) and public CAs refuse it; wildcards elsewhere in a name (`api.*.example.com`, `web*.example.com`) are not matched by most clients. Write wildcards quoted: a plain `*` starts a YAML alias.',
    },
    check(context) {
      asList(specOf(context).dnsNames).forEach((name, index) => {
        if (typeof name !== 'string' || !name.includes('*')) return;
        const path: FieldPath = ['spec', 'dnsNames', index];
        const at = formatPath(path);
        if (name.trim() === '*') {
          context.report(path, `${at} is a bare "*", which matches no host name and no CA will sign; list the host names, or a one-label wildcard such as "*.example.com"`, {
            severity: 'error',
          });
        } else if (/^\*\.[^*]+$/.test(name)) {
          context.report(
            path,
            `${at} "${name}" lets whoever holds this key impersonate every host under ${name.slice(2)}; issue certificates with exact names per service instead`,
          );
        } else {
          context.report(path, `${at} "${name}" puts "*" somewhere other than the whole leftmost label, which most clients never match; use exact names or "*.${name.slice(name.indexOf('.') + 1)}"`);
        }
      });
    },
  },
  {
    id: 'certificate/ca-with-leaf-usages',
    severity: 'warning',
    layer: 'lint',
    kinds: CERTIFICATE_AND_REQUEST,
    doc: {
      summary: 'A CA certificate also asks for the server auth or client auth usage.',
      details:
        'A CA that doubles as a TLS server or client identity has its signing key loaded by a workload, where it is far easier to steal than in cert-manager\'s Secret, and a peer that trusts the CA also accepts the CA certificate itself as a TLS identity. Keep the CA to signing (`cert sign`, `crl sign`, `digital signature`; cert-manager adds `cert sign` for `isCA: true` anyway) and issue a separate leaf certificate for the TLS endpoint.',
    },
    check(context) {
      if (!isCA(context)) return;
      asList(specOf(context).usages).forEach((usage, index) => {
        if (usage !== 'server auth' && usage !== 'client auth') return;
        context.report(
          ['spec', 'usages', index],
          `spec.usages[${index}] "${usage}" makes this CA a TLS identity too, so its signing key ends up in a workload; drop the usage and issue a separate leaf certificate for TLS`,
        );
      });
    },
  },
  {
    id: 'certificate/missing-usage',
    severity: 'warning',
    layer: 'lint',
    kinds: CERTIFICATE,
    doc: {
      summary: 'Explicit spec.usages leave out what a TLS certificate needs, or list key encipherment on an EC key.',
      details:
        'Only explicit `usages` on a non-CA Certificate are checked (without them cert-manager uses `digital signature` and `key encipherment`, with no extended usage, which any TLS peer accepts). Two cases are warnings. (1) The list has extended key usages but none of `server auth`, `client auth` or `any`, while the certificate names DNS names, IP addresses or URIs: TLS servers and clients check the extended usage and reject it. (2) The list has `server auth` or `client auth` and some key usage, but not `digital signature` (or `signing`): with a key-usage extension present, TLS 1.3 and every ECDHE handshake need digitalSignature. An info: `key encipherment` on an ECDSA or Ed25519 key, which cannot encrypt a key (RFC 5480, RFC 8410 do not list it for these keys); remove it.',
    },
    check(context) {
      if (isCA(context)) return;
      const s = specOf(context);
      const usages = stringList(s.usages);
      if (usages.length === 0) return;
      const has = (...names: string[]) => names.some((n) => usages.includes(n));
      const ekus = usages.filter((u) => EKUS.has(u));
      const names = ['dnsNames', 'ipAddresses', 'uris'].some((f) => asList(s[f]).length > 0);

      if (ekus.length > 0 && !has(...TLS_EKUS) && names) {
        context.report(
          ['spec', 'usages'],
          `spec.usages allows only ${ekus.join(', ')}, so TLS peers reject this certificate for the names it carries; add server auth (to serve TLS) and/or client auth (to authenticate as an mTLS client)`,
          { anchor: 'key' },
        );
      }
      const keyUsages = usages.filter((u) => !EKUS.has(u));
      if (has('server auth', 'client auth') && keyUsages.length > 0 && !has('digital signature', 'signing')) {
        context.report(
          ['spec', 'usages'],
          `spec.usages has ${keyUsages.join(', ')} but not digital signature, which TLS 1.3 and ECDHE handshakes need once a key usage is listed; add digital signature`,
          { anchor: 'key' },
        );
      }
      const algorithm = keyAlgorithm(s);
      if (algorithm === 'ECDSA' || algorithm === 'Ed25519') {
        usages.forEach((usage, index) => {
          if (usage !== 'key encipherment') return;
          context.report(
            ['spec', 'usages', index],
            `spec.usages[${index}] "key encipherment" means nothing for an ${algorithm} key, which cannot encrypt a session key; remove it`,
            { severity: 'info' },
          );
        });
      }
    },
  },
  {
    id: 'certificate/rotation-policy-never',
    severity: 'warning',
    layer: 'lint',
    kinds: CERTIFICATE,
    doc: {
      summary: 'spec.privateKey.rotationPolicy is Never, so every renewal reuses the same private key.',
      details:
        'With `Never`, cert-manager keeps the key in the Secret and only renews the certificate around it: a key that leaked once stays valid through every future certificate, and renewal stops limiting the damage. `Always` (the default since cert-manager v1.18) generates a fresh key on each issuance. Keep `Never` only for a consumer that pins the key itself, and silence the rule there.',
    },
    check(context) {
      const path: FieldPath = ['spec', 'privateKey', 'rotationPolicy'];
      if (dig(specOf(context), 'privateKey', 'rotationPolicy') !== 'Never') return;
      context.report(
        path,
        'spec.privateKey.rotationPolicy Never reuses the same private key at every renewal, so a leaked key outlives each certificate; set rotationPolicy: Always (the default since cert-manager v1.18)',
        { fixes: replaceValueFix(context, path, 'Always', 'Set rotationPolicy: Always') },
      );
    },
  },
  {
    id: 'certificate/weak-key',
    severity: 'warning',
    layer: 'lint',
    kinds: CERTIFICATE,
    doc: {
      summary: 'A CA key is 2048-bit RSA and its certificate outlives 2030 (warning), or the key is written in PKCS#1 (info).',
      details:
        'NIST SP 800-57 accepts 112-bit security, which is what 2048-bit RSA gives, for new signatures only through 2030, and a CA signs for as long as it lives. A CA certificate requested with RSA 2048 (the default algorithm and size) whose lifetime, counted from now, reaches past 2030 is a warning: use `algorithm: ECDSA` (P-256 or P-384) or RSA 3072 or more. An explicit `encoding: PKCS1` is an info: it writes the legacy algorithm-specific format (PKCS#1 for RSA, SEC 1 for ECDSA), while PKCS#8 is the standard every current library reads; keep PKCS1 only for a consumer that needs it. Leaf keys of 2048-bit RSA are not reported: they are replaced long before 2030 matters.',
    },
    check(context) {
      const s = specOf(context);
      const key = asMap(s.privateKey);
      if (isCA(context) && keyAlgorithm(s) === 'RSA') {
        const size = asNumber(key?.size) || 2048;
        const duration = durationField(s, 'duration');
        const lifetime = typeof duration === 'number' ? duration : DEFAULT_DURATION;
        const now = context.settings.now ?? Date.now();
        if (size === 2048 && duration !== 'invalid' && now + lifetime / 1e6 >= RSA_2048_SUNSET) {
          const path: FieldPath =
            key?.size !== undefined ? ['spec', 'privateKey', 'size'] : key?.algorithm !== undefined ? ['spec', 'privateKey', 'algorithm'] : ['spec', 'isCA'];
          context.report(
            path,
            `${formatPath(path)}: this CA signs with a 2048-bit RSA key until after 2030, when NIST SP 800-57 stops accepting that strength for signatures; use algorithm: ECDSA or an RSA size of 3072 or more`,
          );
        }
      }
      if (key?.encoding === 'PKCS1') {
        context.report(
          ['spec', 'privateKey', 'encoding'],
          'spec.privateKey.encoding PKCS1 writes the key in the legacy algorithm-specific format (PKCS#1, or SEC 1 for ECDSA); use PKCS8 unless a consumer needs PKCS#1',
          { severity: 'info' },
        );
      }
    },
  },
  {
    id: 'certificate/renew-before-ratio',
    severity: 'warning',
    layer: 'lint',
    kinds: CERTIFICATE,
    doc: {
      summary: 'renewBefore (or renewBeforePercentage) is over two thirds of the lifetime (warning) or under 10% of it (info).',
      details:
        'cert-manager renews a certificate when `renewBefore` is left of its lifetime (a third of it by default). Over two thirds, it renews after less than a third of the lifetime has passed: constant reissuance, load on the issuer and, with ACME, rate limits. Under 10%, there is little time to notice and fix a failed renewal before the certificate expires. Without `duration`, the lifetime is taken as 2160h, as cert-manager assumes. `renewBeforePercentage` is read with its documented meaning (the share of the lifetime left at renewal, so 25 renews with a quarter left), not with the complement that the v1.21.1 webhook computes. Combinations the webhook already rejects are left to `certificate/duration`.',
    },
    check(context) {
      const s = specOf(context);
      const duration = durationField(s, 'duration');
      const renewBefore = durationField(s, 'renewBefore');
      const percentage = asNumber(s.renewBeforePercentage);
      if (duration === 'invalid' || renewBefore === 'invalid') return;
      if (renewBefore !== undefined && percentage !== undefined) return; // certificate/duration
      const lifetime = duration ?? DEFAULT_DURATION;
      const assumed = duration === undefined ? ' (duration is not set, so 2160h is assumed)' : '';

      if (renewBefore !== undefined) {
        if (renewBefore < MIN_RENEW_BEFORE || renewBefore >= lifetime) return; // certificate/duration
        const share = renewBefore / lifetime;
        const at = `spec.renewBefore ${shortDuration(renewBefore)} is ${percent(share)} of the ${shortDuration(lifetime)} lifetime${assumed}`;
        reportShare(context, ['spec', 'renewBefore'], share, at);
        return;
      }
      if (percentage === undefined || !Number.isInteger(percentage) || percentage <= 0 || percentage >= 100) return;
      if (duration !== undefined || renewBefore !== undefined) {
        // The webhook's own check (complement formula); when it fails, certificate/duration says so.
        const complement = (lifetime * (100 - percentage)) / 100;
        if (complement < MIN_RENEW_BEFORE || complement >= lifetime) return;
      }
      const at = `spec.renewBeforePercentage ${percentage} renews with ${percentage}% of the ${shortDuration(lifetime)} lifetime left${assumed}`;
      reportShare(context, ['spec', 'renewBeforePercentage'], percentage / 100, at);
    },
  },
  {
    id: 'certificate/acme-duration',
    severity: 'info',
    layer: 'lint',
    kinds: CERTIFICATE,
    doc: {
      summary: 'spec.duration is set on a Certificate from an ACME issuer, whose server decides the lifetime.',
      details:
        'ACME servers choose the lifetime themselves (90 days at Let\'s Encrypt, shorter with its `shortlived` profile); cert-manager only sends the requested duration when the issuer sets `spec.acme.enableDurationFeature: true`, and most servers ignore it even then. The Secret then holds a certificate with a lifetime other than the one written here, and `renewBefore` is measured against the real one. Remove `duration` (and choose a profile on the issuer if you want shorter certificates), or enable the feature on an ACME server that honours it. Reported only when the issuer is found in the workspace.',
    },
    check(context) {
      const duration = specOf(context).duration;
      if (duration === undefined || duration === null) return;
      const resolution = foundIssuer(context);
      if (resolution?.type !== 'acme') return;
      if (dig(resolution.issuer.value, 'spec', 'acme', 'enableDurationFeature') === true) return;
      context.report(
        ['spec', 'duration'],
        `spec.duration is not sent to the ACME server of ${issuerLabel(resolution)} (enableDurationFeature is off), which decides the lifetime itself; remove duration, or enable the feature if your ACME server honours it`,
        { anchor: 'key' },
      );
    },
  },
  {
    id: 'certificate/acme-common-name',
    severity: 'error',
    layer: 'lint',
    kinds: CERTIFICATE,
    doc: {
      summary: 'The commonName of a Certificate from an ACME issuer is not also in dnsNames or ipAddresses.',
      details:
        'ACME validates names, not a subject, so cert-manager refuses to send an order whose common name is not one of the DNS or IP names, and the CertificateRequest fails with "The CSR PEM requests a commonName that is not present in the list of dnsNames or ipAddresses…" (cert-manager#7889). The webhook accepts the Certificate, so this only shows once issuance runs. Add the common name to `dnsNames` (the quick fix does), or drop `commonName`: browsers ignore it. Reported only when the issuer is found in the workspace.',
    },
    check(context) {
      const s = specOf(context);
      const cn = commonName(s);
      if (!cn) return;
      const dnsNames = stringList(s.dnsNames);
      const ipAddresses = stringList(s.ipAddresses);
      if (dnsNames.includes(cn.value) || ipAddresses.includes(cn.value)) return;
      const resolution = foundIssuer(context);
      if (resolution?.type !== 'acme') return;
      const field = isIP(cn.value) ? 'ipAddresses' : 'dnsNames';
      const shown = (list: string[]) => `[${list.join(' ')}]`;
      context.report(
        cn.path,
        `${formatPath(cn.path)} "${cn.value}" is not in spec.dnsNames or spec.ipAddresses, so the ACME issuer ${issuerLabel(resolution)} fails the order with "The CSR PEM requests a commonName that is not present in the list of dnsNames or ipAddresses": "${cn.value}" does not exist in ${shown(dnsNames)} or ${shown(ipAddresses)}; add it to ${field} or remove the commonName`,
        { fixes: appendToListFix(context, field, cn.value, cn.path, `Add ${cn.value} to ${field}`) },
      );
    },
  },
  {
    id: 'certificate/self-signed-leaf',
    severity: 'warning',
    layer: 'lint',
    kinds: CERTIFICATE_AND_REQUEST,
    doc: {
      summary: 'A non-CA certificate is issued by a selfSigned issuer, so it has no chain of trust.',
      details:
        'A selfSigned issuer signs each certificate with its own key, so a leaf certificate from it is its own root: no bundle of CAs can vouch for it, every client has to pin this exact certificate, and each renewal (with a new key) breaks those clients until they are updated. Use selfSigned only to bootstrap a CA (`isCA: true`), then a `ca` issuer backed by that CA\'s Secret to sign leaves, and distribute the CA with trust-manager. The exception is a webhook serving certificate that cert-manager\'s CA injector copies into the webhook configuration (`cert-manager.io/inject-ca-from`): it is not reported when the workspace holds that annotation naming the Certificate; silence the rule where the annotation is still a kustomize variable. Reported only when the issuer is found in the workspace.',
    },
    check(context) {
      if (isCA(context)) return;
      const resolution = foundIssuer(context);
      if (resolution?.type !== 'selfSigned' || injectedByCaInjector(context)) return;
      context.report(
        ['spec', 'issuerRef', 'name'],
        `spec.issuerRef.name points at the selfSigned ${issuerLabel(resolution)}, so this leaf certificate signs itself and every client must pin it (and is broken by each renewal); issue leaves from a CA issuer and use selfSigned only to bootstrap the CA`,
      );
    },
  },
];

function reportShare(context: RuleContext, path: FieldPath, share: number, at: string): void {
  if (share > 2 / 3) {
    context.report(path, `${at}, so the certificate is renewed before a third of its life has passed; renew with at most a third of the lifetime left (the default)`);
  } else if (share < 0.1) {
    context.report(path, `${at}, which leaves little time to notice and fix a failed renewal; renew earlier, around a third of the lifetime before expiry`, {
      severity: 'info',
    });
  }
}
