// `trustwright cluster list` and `trustwright cluster verify`: the cluster views' engine, in a
// terminal. Same kubeconfig rules as the editor (--kubeconfig FILE, else KUBECONFIG, else
// ~/.kube/config), same context choice (--context, else current-context), same offline source
// (--from PATH). Reads only, and lists once: no watch.
import { parseArgs } from 'node:util';
import { DEADLINE_FACTOR } from '../core/cluster/client';
import { ClusterFault, faultLabel, faultSentence } from '../core/cluster/faults';
import { RESOURCES, type ResourceKey } from '../core/cluster/resources';
import { ClusterSession, itemsOf, type ClusterSnapshot, type ClusterSource } from '../core/cluster/session';
import { bundleStatus, certificateStatus, day, issuerStatus, secretStatus, HEALTH_WORDS, type Health } from '../core/cluster/status';
import { bundleReach, type ObjectRef } from '../core/cluster/tree';
import { checkSecretAgainstBundle } from '../core/cluster/verify-bundle';
import { printable } from './format/escape';
import { UsageError } from './lint';
import type { Io } from './main';

export const CLUSTER_HELP = `Usage:
  trustwright cluster list [--context C] [--namespace N | -A] [--expiring 30d] [--format text|json]
                           [--kubeconfig FILE | --from PATH] [--warning-days 30] [--timeout 15]
      Certificates (Ready, notAfter, renewal time), issuers (type, Ready), Bundles (Synced, sources,
      the namespaces they reach) and TLS Secrets (subject, SANs, issuer, expiry). Without -A or -n,
      the context's namespace, as kubectl does; an offline source (--from) shows every namespace.
      With --expiring, only Certificates and Secrets expiring within that time (or expired) are
      listed, and the exit code is 1 when there is any. Exit code 2: a usage error, nothing could
      be read, or (--from) a file was skipped as unreadable (each one is named on stderr).
  trustwright cluster verify SECRET --bundle BUNDLE --namespace N [--context C] [--kubeconfig FILE | --from PATH]
                           [--trust-namespace cert-manager] [--host NAME] [--format text|json]
      Would a client in namespace N, trusting what BUNDLE delivers there, accept the server
      certificate in SECRET ([NAMESPACE/]NAME)? BUNDLE is NAME, Bundle/NAME or ClusterBundle/NAME.
      Exit code 0: accepted, 1: rejected.
  --from PATH reads \`kubectl get … -o yaml\` output, a folder of manifests or a must-gather instead of a cluster.
  --timeout S: seconds a request may wait for an answer (or for more of one) before it is retried
      (default 15); a whole answer must arrive within ${DEADLINE_FACTOR} × S, however steadily it comes.
`;

const DAY = 86400_000;

function parseWindow(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(d|h|m|w)$/.exec(text.trim());
  if (!match) throw new UsageError(`--expiring takes a duration such as 30d, 72h or 2w (got "${text}")`);
  const unit = { m: 60_000, h: 3600_000, d: DAY, w: 7 * DAY }[match[2] as 'm' | 'h' | 'd' | 'w'];
  return Number(match[1]) * unit;
}

function positiveNumber(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!text.trim() || !Number.isFinite(value) || value < 0) throw new UsageError(`${name} takes a number (got "${text}")`);
  return value;
}

/** A day at most: Node cuts longer timers to 1 ms, and 0 would mean no timeout at all. */
const MAX_TIMEOUT_SECONDS = 86_400;

function timeoutSeconds(text: string | undefined): number {
  const value = positiveNumber(text, '--timeout', 15);
  if (value <= 0 || value > MAX_TIMEOUT_SECONDS) throw new UsageError(`--timeout takes a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS} (got "${text}")`);
  return value;
}

/** One line on stderr; what came from a server or a file cannot drive the terminal. */
function warn(io: Io, message: string): void {
  io.stderr(`trustwright: ${printable(message)}\n`);
}

/** A table cell, on one line and with every control character escaped. */
function cell(text: string): string {
  return printable(text).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

function table(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const cells = rows.map((r) => r.map(cell));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((text, i) => (i === r.length - 1 ? text : text.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

interface Common {
  readonly session: ClusterSession;
  readonly snapshot: ClusterSnapshot;
}

async function open(values: { context?: string; kubeconfig?: string; from?: string; timeout?: string }, io: Io, resources: readonly ResourceKey[], onlyNamespace?: string): Promise<Common> {
  if (values.from && (values.context || values.kubeconfig)) throw new UsageError('--from reads a file or folder; it cannot be combined with --context or --kubeconfig');
  const timeoutMs = timeoutSeconds(values.timeout) * 1000;
  const session = new ClusterSession(values.from ? { kind: 'offline', path: values.from } : liveSource(values), {
    watch: false,
    resources,
    onlyNamespace,
    client: { requestTimeoutMs: timeoutMs },
    // Retries and skipped malformed items are worth reporting; the one-line summary of each list is not.
    log: (message) => {
      if (/retrying|listing namespace|malformed/.test(message)) warn(io, message);
    },
  });
  await session.start();
  const snapshot = session.snapshot();
  if (snapshot.fault) {
    // The source itself is unusable (no such path, no kubeconfig, no such context): the error alone.
    session.dispose();
    throw snapshot.fault;
  }
  return { session, snapshot };
}

function liveSource(values: { context?: string; kubeconfig?: string }): ClusterSource {
  return { kind: 'live', kubeconfig: { setting: values.kubeconfig, settingHint: 'pass --kubeconfig FILE' }, context: values.context };
}

/** Every input an offline source could not read, named on stderr; true when there was any. */
function reportSkipped(snapshot: ClusterSnapshot, io: Io): boolean {
  const skipped = snapshot.offline?.skipped ?? [];
  for (const line of skipped) warn(io, `warning: skipped ${line}`);
  return skipped.length > 0;
}

/** Faults to stderr; true when nothing at all could be read. */
function reportFaults(snapshot: ClusterSnapshot, keys: readonly ResourceKey[], io: Io): boolean {
  let failed = 0;
  const lines = new Set<string>();
  for (const key of keys) {
    const state = snapshot.resources[key];
    if (!state.fault) continue;
    if (state.fault.kind !== 'missing') failed++;
    // The same cause (an unreachable server) is said once, not once per kind.
    lines.add(state.fault.kind === 'missing' ? `note: ${faultLabel(state.fault, state.type)}` : `warning: ${faultSentence(state.fault, state.type)}`);
  }
  for (const line of lines) warn(io, line);
  return failed > 0 && keys.every((k) => snapshot.resources[k].fault && snapshot.resources[k].phase !== 'ready');
}

export async function clusterCommand(args: readonly string[], io: Io): Promise<number> {
  try {
    const [sub, ...rest] = args;
    if (sub === 'list') return await list(rest, io);
    if (sub === 'verify') return await verify(rest, io);
    if (sub === undefined || sub === '--help' || sub === '-h') {
      io.stdout(CLUSTER_HELP);
      return sub === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown cluster command "${sub}"; try trustwright cluster --help`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') || error instanceof ClusterFault) {
      warn(io, (error as Error).message);
      return 2;
    }
    throw error;
  }
}

const LIST_KEYS: readonly ResourceKey[] = ['namespaces', 'certificates', 'issuers', 'clusterissuers', 'bundles', 'clusterbundles', 'tlsSecrets'];

async function list(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      from: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A' },
      expiring: { type: 'string' },
      format: { type: 'string', short: 'f', default: 'text' },
      'warning-days': { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`cluster list takes no arguments (got "${positionals[0]}")`);
  if (!['text', 'json'].includes(values.format!)) throw new UsageError(`--format must be text or json (got "${values.format}")`);
  if (values.namespace && values['all-namespaces']) throw new UsageError('--namespace and --all-namespaces (-A) exclude each other');
  const window = values.expiring ? parseWindow(values.expiring) : undefined;
  const warningDays = positiveNumber(values['warning-days'], '--warning-days', 30);

  // kubectl's rule: the context's namespace unless -n or -A says otherwise (offline: every namespace).
  let onlyNamespace = values.namespace;
  if (!onlyNamespace && !values['all-namespaces'] && !values.from) {
    const probe = new ClusterSession(liveSource(values), { resources: [] });
    await probe.start();
    onlyNamespace = probe.context?.namespace;
    probe.dispose();
  }
  const { session, snapshot } = await open(values, io, LIST_KEYS, onlyNamespace);
  try {
    const now = Date.now();
    const inScope = (namespace?: string) => !values.from || !values.namespace || namespace === values.namespace;
    const due = (notAfter: Date | undefined) => window === undefined || (notAfter !== undefined && notAfter.getTime() - now <= window);

    const certificates = itemsOf(snapshot, 'certificates')
      .filter((c) => inScope(c.metadata.namespace))
      .map((c) => certificateStatus(c, now, warningDays))
      .filter((s) => due(s.notAfter))
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
    const issuers = [
      ...itemsOf(snapshot, 'clusterissuers').map((i) => issuerStatus(i, 'ClusterIssuer')),
      ...itemsOf(snapshot, 'issuers').filter((i) => inScope(i.metadata.namespace)).map((i) => issuerStatus(i, 'Issuer')),
    ].sort((a, b) => a.kind.localeCompare(b.kind) || (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name));
    const bundles = [...itemsOf(snapshot, 'bundles').map((b) => bundleStatus(b, 'Bundle')), ...itemsOf(snapshot, 'clusterbundles').map((b) => bundleStatus(b, 'ClusterBundle'))].map((status) => ({
      status,
      reach: bundleReach(snapshot, status),
    }));
    const secrets = itemsOf(snapshot, 'tlsSecrets')
      .filter((s) => inScope(s.metadata.namespace))
      .map((s) => secretStatus(s, now, warningDays))
      .filter((s) => due(s.leaf?.notAfter))
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));

    const skipped = reportSkipped(snapshot, io);
    const nothingRead = reportFaults(snapshot, LIST_KEYS.filter((k) => k !== 'namespaces'), io);
    if (values.format === 'json') {
      io.stdout(
        JSON.stringify(
          {
            source: snapshot.source,
            context: snapshot.source === 'live' ? snapshot.name : null,
            server: snapshot.source === 'live' ? snapshot.location : null,
            path: snapshot.source === 'offline' ? snapshot.location : null,
            namespace: onlyNamespace ?? null,
            certificates: certificates.map((s) => ({
              namespace: s.namespace,
              name: s.name,
              state: s.health,
              ready: s.ready,
              readyReason: s.readyReason ?? null,
              readyMessage: s.readyMessage ?? null,
              notBefore: s.notBefore?.toISOString() ?? null,
              notAfter: s.notAfter?.toISOString() ?? null,
              renewalTime: s.renewalTime?.toISOString() ?? null,
              secretName: s.secretName ?? null,
              issuerRef: s.issuerRef ?? null,
            })),
            issuers: issuers.map((s) => ({ kind: s.kind, namespace: s.namespace ?? null, name: s.name, type: s.type, ready: s.ready, reason: s.reason ?? null, message: s.message ?? null })),
            bundles: bundles.map(({ status, reach }) => ({
              kind: status.kind,
              name: status.name,
              synced: status.synced,
              sources: status.sources.map((s) => s.text),
              targets: status.targets,
              namespaceSelector: status.selectorText,
              namespaces: reach.problem ? null : reach.namespaces,
            })),
            tlsSecrets: secrets.map((s) => ({
              namespace: s.namespace,
              name: s.name,
              state: s.health,
              subject: s.leaf?.subject ?? null,
              sans: s.leaf ? [...s.leaf.sans.dns, ...s.leaf.sans.ip, ...s.leaf.sans.email, ...s.leaf.sans.uri] : [],
              issuer: s.leaf?.issuer ?? null,
              notAfter: s.leaf?.notAfter.toISOString() ?? null,
              sha256: s.leaf?.sha256 ?? null,
              problem: s.problem ?? null,
            })),
            faults: LIST_KEYS.flatMap((k) => {
              const f = snapshot.resources[k].fault;
              return f ? [{ resource: RESOURCES[k].qualified, kind: f.kind, message: f.message }] : [];
            }),
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      const out: string[] = [];
      const heading =
        snapshot.source === 'live'
          ? `Context ${snapshot.name} (${snapshot.location}), ${onlyNamespace ? `namespace ${onlyNamespace}` : 'all namespaces'}${window !== undefined ? `, expiring within ${values.expiring}` : ''}`
          : `Offline source ${snapshot.location}${values.namespace ? `, namespace ${values.namespace}` : ''}${window !== undefined ? `, expiring within ${values.expiring}` : ''}`;
      out.push(`${cell(heading)}\n`);
      const state = (h: Health) => HEALTH_WORDS[h];
      out.push(`\nCERTIFICATES (${certificates.length})\n`);
      out.push(
        table([
          ['NAMESPACE', 'NAME', 'READY', 'NOT AFTER', 'RENEWAL', 'STATE', 'ISSUER'],
          ...certificates.map((s) => [s.namespace, s.name, s.ready, day(s.notAfter), day(s.renewalTime), state(s.health), s.issuerRef ? `${s.issuerRef.kind}/${s.issuerRef.name}` : '—']),
        ]),
      );
      if (window === undefined) {
        out.push(`\nISSUERS (${issuers.length})\n`);
        out.push(table([['KIND', 'NAMESPACE', 'NAME', 'TYPE', 'READY', 'REASON'], ...issuers.map((s) => [s.kind, s.namespace ?? '—', s.name, s.type, s.ready, s.reason ?? ''])]));
        out.push(`\nBUNDLES (${bundles.length})\n`);
        out.push(
          table([
            ['KIND', 'NAME', 'SYNCED', 'SOURCES', 'SELECTOR', 'NAMESPACES'],
            ...bundles.map(({ status, reach }) => [status.kind, status.name, status.synced, status.sources.map((s) => s.text).join('; '), status.selectorText, reach.problem ? `unknown (${reach.problem})` : reach.namespaces.join(',') || 'none']),
          ]),
        );
      }
      out.push(`\nTLS SECRETS (${secrets.length})\n`);
      out.push(
        table([
          ['NAMESPACE', 'NAME', 'SUBJECT', 'NOT AFTER', 'STATE', 'ISSUER'],
          ...secrets.map((s) => [s.namespace, s.name, s.leaf ? s.leaf.subject : s.problem ?? '', day(s.leaf?.notAfter), s.leaf ? state(s.health) : '—', s.leaf?.issuer ?? '']),
        ]),
      );
      io.stdout(out.join(''));
    }
    // A dump with a file skipped may hide exactly what was asked about: never a clean "nothing expiring".
    if (nothingRead || skipped) return 2;
    return window !== undefined && certificates.length + secrets.length > 0 ? 1 : 0;
  } finally {
    session.dispose();
  }
}

function parseSecret(text: string, fallbackNamespace: string | undefined): { namespace?: string; name: string } {
  const parts = text.split('/');
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  if (parts.length === 1 && parts[0]) return { namespace: fallbackNamespace, name: parts[0] };
  throw new UsageError(`SECRET is NAME or NAMESPACE/NAME (got "${text}")`);
}

function parseBundle(text: string, snapshot: ClusterSnapshot): ObjectRef {
  const match = /^(?:(Bundle|ClusterBundle)\/)?([^/]+)$/i.exec(text);
  if (!match) throw new UsageError(`--bundle is NAME, Bundle/NAME or ClusterBundle/NAME (got "${text}")`);
  const name = match[2];
  if (match[1]) return { resource: match[1].toLowerCase() === 'clusterbundle' ? 'clusterbundles' : 'bundles', name };
  return snapshot.resources.bundles.items.has(name) || !snapshot.resources.clusterbundles.items.has(name) ? { resource: 'bundles', name } : { resource: 'clusterbundles', name };
}

async function verify(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      bundle: { type: 'string', short: 'b' },
      namespace: { type: 'string', short: 'n' },
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      from: { type: 'string' },
      'trust-namespace': { type: 'string', default: 'cert-manager' },
      host: { type: 'string' },
      format: { type: 'string', short: 'f', default: 'text' },
      timeout: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('cluster verify takes one SECRET ([NAMESPACE/]NAME)');
  if (!values.bundle) throw new UsageError('cluster verify needs --bundle BUNDLE');
  if (!values.namespace) throw new UsageError('cluster verify needs --namespace N: the namespace of the client whose trust is checked');
  if (!['text', 'json'].includes(values.format!)) throw new UsageError(`--format must be text or json (got "${values.format}")`);

  // The Secret is read on its own (GET), so only the kinds that say what the namespace receives are listed.
  const keys: ResourceKey[] = ['namespaces', 'bundles', 'clusterbundles'];
  const { session, snapshot } = await open(values, io, values.from ? [...keys, 'tlsSecrets'] : keys);
  try {
    reportSkipped(snapshot, io);
    let secret = parseSecret(positionals[0], snapshot.namespace);
    if (!secret.namespace) {
      // Offline, without a namespace: the one Secret of that name, if there is only one.
      const matches = itemsOf(snapshot, 'tlsSecrets').filter((s) => s.metadata.name === secret.name);
      if (matches.length !== 1) throw new UsageError(`name the Secret's namespace: NAMESPACE/${secret.name} (${matches.length === 0 ? 'no TLS Secret has that name' : `${matches.length} TLS Secrets have that name`})`);
      secret = { namespace: matches[0].metadata.namespace, name: secret.name };
    }
    const bundle = parseBundle(values.bundle, snapshot);
    for (const key of ['bundles', 'clusterbundles'] as const) {
      const fault = snapshot.resources[key].fault;
      if (fault && key === bundle.resource) throw new ClusterFault(fault.kind, faultSentence(fault, RESOURCES[key]));
    }
    const result = await checkSecretAgainstBundle({
      snapshot,
      client: session.client(),
      trustNamespace: values['trust-namespace']!,
      secret: { resource: 'tlsSecrets', ...secret },
      bundle,
      namespace: values.namespace,
      host: values.host,
    });
    if (values.format === 'json') {
      io.stdout(
        JSON.stringify(
          {
            accepted: result.accepted,
            summary: result.summary,
            delivered: result.delivered ?? null,
            reason: result.verdict.reason,
            chain: result.verdict.chain.map((l) => ({ subject: l.subject, issuer: l.issuer, sha256: l.sha256, notAfter: l.notAfter.toISOString(), from: l.from })),
            bundleSource: result.bundleSource,
            trustedCertificates: result.verdict.anchors,
            notes: result.notes,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      const out = [`${result.accepted ? 'ACCEPTED' : 'REJECTED'}: ${result.summary}`];
      if (result.verdict.chain.length > 0 && result.delivered !== false) {
        out.push(result.accepted ? 'Chain:' : 'Path tried:');
        for (const link of result.verdict.chain) out.push(`  ${link.subject}  (${link.from === 'bundle' ? 'trusted, in the bundle' : link.from === 'leaf' ? 'presented leaf' : 'presented intermediate'}; expires ${day(link.notAfter)})`);
      }
      out.push(`Trusted certificates: ${result.verdict.anchors}, from ${result.bundleSource}`);
      for (const note of result.notes) out.push(`Note: ${note}`);
      io.stdout(out.map(printable).join('\n') + '\n');
    }
    return result.accepted ? 0 : 1;
  } finally {
    session.dispose();
  }
}
