// `trustwright generate mtls` (a CA, a server and a client certificate with their keys) and
// `trustwright generate manifests` (the cert-manager and trust-manager objects of the zero-trust
// layout). Both write nothing until everything is made, never over an existing file without
// --force, and never print a key or a password.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkOutputFolder, existingOutputs, OutputFolderError, OverwriteRefusedError, writeOutputFiles, type OutputFile, type WrittenFile } from '../core/output-files';
import { KEY_ALGORITHMS } from '../core/pki/algorithms';
import { describeOutput, mtlsFileNames, mtlsOutputFiles, PKCS12_PASSWORD_FILE, type Pkcs12Choice } from '../core/pki/files';
import { generateMtlsPair, isAbortError, type MtlsPair, type Progress } from '../core/pki/generate';
import { MTLS_DEFAULTS, parseMtlsInput } from '../core/pki/options';
import { checkPkcs12Password, randomPkcs12Password } from '../core/pki/pkcs12';
import { Secret } from '../core/pki/secret';
import { LAYOUT_DEFAULTS, parseConnection, parseLayoutText, parseWorkloadId, resolveLayout, type LayoutInput } from '../core/scaffold/layout';
import { lintScaffold } from '../core/scaffold/check';
import { scaffoldMtls } from '../core/scaffold/mtls';
import { CONFIG_FILE } from '../core/config';
import type { Io } from './main';

export const GENERATE_HELP = `Usage:
  trustwright generate mtls --out DIR [options]
      A root CA, a server and a client certificate with their keys, roles right by construction.
      --ca-cn NAME             CA common name (default "${MTLS_DEFAULTS.caCn}")
      --server-dns NAME[,NAME] server DNS names   } default, when none of the three is given:
      --server-ip IP[,IP]      server IP addresses } localhost and 127.0.0.1
      --server-uri URI[,URI]   server URIs, e.g. SPIFFE IDs
      --client-cn NAME         client common name (default "${MTLS_DEFAULTS.clientCn}")
      --key-alg ALG            ${KEY_ALGORITHMS.join('|')} (default ${MTLS_DEFAULTS.keyAlg})
      --ca-days N              CA validity in days (default ${MTLS_DEFAULTS.caDays})
      --leaf-days N            server and client validity in days (default ${MTLS_DEFAULTS.leafDays})
      --intermediate           issue the leaves from an intermediate CA
      --pkcs12                 also write server.p12 and client.p12; the password comes from
                               --pkcs12-password-file FILE or $TRUSTWRIGHT_PKCS12_PASSWORD, else a
                               random one is written to ${PKCS12_PASSWORD_FILE} (mode 0600)
      --force                  overwrite existing files
  trustwright generate manifests --out DIR|- (--self-signed | --ca-secret NAME) --workload NS/NAME... [options]
      cert-manager and trust-manager objects for mTLS between the workloads: an intermediate CA per
      namespace, short-lived server and client Certificates, one narrowly delivered Bundle per namespace.
      --workload NS/NAME       a workload (repeat for each)
      --connect FROM=TO        FROM (NS/NAME) calls TO (NS/NAME); repeat. Default: everyone talks to everyone
      --self-signed            the root is a selfSigned bootstrap (development only)
      --ca-secret NAME         the root is your CA, an existing kubernetes.io/tls Secret in the trust namespace
      --trust-namespace NS     trust-manager's trust namespace = cert-manager's cluster resource namespace (default ${LAYOUT_DEFAULTS.trustNamespace})
      --cluster-domain DOMAIN  (default ${LAYOUT_DEFAULTS.clusterDomain})
      --key-alg ALG            ${KEY_ALGORITHMS.join('|')} (default ${LAYOUT_DEFAULTS.keyAlgorithm})
      --leaf-duration D        leaf lifetime, a Go duration (default ${LAYOUT_DEFAULTS.leafDuration})
      --ca-duration D          intermediate CA lifetime (default ${LAYOUT_DEFAULTS.caDuration})
      --prefix NAME            prefix of the generated names (default ${LAYOUT_DEFAULTS.prefix})
      --layout FILE            the whole layout as YAML instead of the flags above (see README)
      --force                  overwrite existing files
      --out -                  print the manifests instead of writing files
`;

class GenerateUsageError extends Error {}

export async function generate(args: readonly string[], io: Io): Promise<number> {
  const [what, ...rest] = args;
  try {
    if (what === 'mtls') return await generateMtls(rest, io);
    if (what === 'manifests') return generateManifests(rest, io);
    if (what === undefined || what === '--help' || what === '-h') {
      io.stdout(GENERATE_HELP);
      return what === undefined ? 2 : 0;
    }
    throw new GenerateUsageError(`unknown generate target "${what}": use generate mtls or generate manifests`);
  } catch (error) {
    if (isAbortError(error)) {
      io.stderr('trustwright: cancelled; nothing was written\n');
      return 130;
    }
    const code = (error as { code?: unknown }).code;
    if (error instanceof GenerateUsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`trustwright: ${(error as Error).message}\n`);
      return 2;
    }
    if (error instanceof OverwriteRefusedError) {
      const names = error.existing.map(display).join(', ');
      io.stderr(`trustwright: nothing written: ${names} already exist${error.existing.length === 1 ? 's' : ''}; use --force to overwrite\n`);
      return 2;
    }
    if (error instanceof OutputFolderError || typeof code === 'string') {
      io.stderr(`trustwright: nothing written: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}

/** A path as the user will recognise it: relative to the current folder when inside it. */
function display(path: string): string {
  const local = relative(process.cwd(), path);
  return local === '' ? '.' : local.startsWith('..') ? path : local;
}

/** Flags that may be repeated or comma-separated: `--server-dns a --server-dns b,c`. */
function joined(values: string[] | undefined): string | undefined {
  return values === undefined ? undefined : values.join(',');
}

async function generateMtls(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      'ca-cn': { type: 'string' },
      'server-dns': { type: 'string', multiple: true },
      'server-ip': { type: 'string', multiple: true },
      'server-uri': { type: 'string', multiple: true },
      'client-cn': { type: 'string' },
      'key-alg': { type: 'string' },
      'ca-days': { type: 'string' },
      'leaf-days': { type: 'string' },
      intermediate: { type: 'boolean', default: false },
      pkcs12: { type: 'boolean', default: false },
      'pkcs12-password-file': { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new GenerateUsageError(`generate mtls takes no arguments besides its flags (got "${positionals[0]}")`);
  if (!values.out) throw new GenerateUsageError('generate mtls needs --out DIR: the folder for the certificates and keys');
  const { options, problems } = parseMtlsInput({
    caCn: values['ca-cn'],
    serverDns: joined(values['server-dns']),
    serverIp: joined(values['server-ip']),
    serverUri: joined(values['server-uri']),
    clientCn: values['client-cn'],
    keyAlg: values['key-alg'],
    caDays: values['ca-days'],
    leafDays: values['leaf-days'],
    intermediate: values.intermediate,
  });
  if (!options) throw new GenerateUsageError(problems.join('\n  '));
  const pkcs12 = values.pkcs12 ? pkcs12Password(values['pkcs12-password-file']) : undefined;
  if (!values.pkcs12 && values['pkcs12-password-file']) throw new GenerateUsageError('--pkcs12-password-file needs --pkcs12');

  // Refuse before seconds of RSA key generation, not after.
  const out = resolve(values.out);
  const planned = mtlsFileNames(options.intermediate, pkcs12);
  checkOutputFolder(out);
  if (!values.force) {
    const existing = existingOutputs(out, planned.map((path) => ({ path, contents: '' })));
    if (existing.length > 0) throw new OverwriteRefusedError(existing);
  }

  const progress = new ProgressLine(io);
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const cancel = (signal: NodeJS.Signals) => {
    received = signal;
    controller.abort();
  };
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  let pair: MtlsPair;
  let files: OutputFile[];
  try {
    const started = Date.now();
    pair = await generateMtlsPair(options, { signal: controller.signal, onProgress: (p) => progress.update(p) });
    files = await mtlsOutputFiles(pair, pkcs12);
    controller.signal.throwIfAborted();
    progress.done(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    if (received && isAbortError(error)) {
      progress.clear();
      io.stderr('trustwright: cancelled; nothing was written\n');
      // Die of the signal, as shells expect (status 128+n), rather than exit: process.exit() waits
      // for the key generation still running on the thread pool, which cannot be interrupted.
      process.removeListener('SIGINT', cancel);
      process.removeListener('SIGTERM', cancel);
      process.kill(process.pid, received);
      return 130;
    }
    throw error;
  } finally {
    progress.clear();
    process.removeListener('SIGINT', cancel);
    process.removeListener('SIGTERM', cancel);
  }

  const written = writeOutputFiles(out, files, { overwrite: values.force });
  io.stdout(summary(out, written, pair));
  return 0;
}

function pkcs12Password(file: string | undefined): Pkcs12Choice {
  let password: string | undefined;
  if (file) {
    try {
      password = readFileSync(file, 'utf8').split(/\r?\n/)[0];
    } catch (error) {
      throw new GenerateUsageError(`--pkcs12-password-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  } else if (process.env.TRUSTWRIGHT_PKCS12_PASSWORD) {
    password = process.env.TRUSTWRIGHT_PKCS12_PASSWORD;
  }
  if (password === undefined) return { password: randomPkcs12Password(), writePasswordFile: true };
  const problem = checkPkcs12Password(password);
  if (problem) throw new GenerateUsageError(problem);
  return { password: new Secret(password), writePasswordFile: false };
}

function summary(out: string, written: readonly WrittenFile[], pair: MtlsPair): string {
  const width = Math.max(...written.map((f) => relative(out, f.path).length));
  const lines = written.map((f) => `  ${relative(out, f.path).padEnd(width)}  ${f.mode.toString(8).padStart(4, '0')}  ${describeOutput(f.path)}`);
  const expires = (date: Date) => date.toISOString().slice(0, 10);
  const { server, ca } = pair;
  return [
    `wrote ${written.length} files to ${out}`,
    ...lines,
    `CA "${pair.options.caCommonName}" expires ${expires(ca.certificate.notAfter)}; server and client expire ${expires(server.certificate.notAfter)}`,
    `server ${[...pair.options.server.dns, ...pair.options.server.ip, ...pair.options.server.uri].join(', ')} (serverAuth); client CN=${pair.options.clientCommonName} (clientAuth); keys ${pair.options.keyAlgorithm}`,
    `check: openssl verify -CAfile ${display(out)}/ca.crt${pair.intermediate ? ` -untrusted ${display(out)}/intermediate.crt` : ''} ${display(out)}/server.crt`,
    '',
  ].join('\n');
}

/** A progress line on stderr, redrawn in place, only when stderr is a terminal. */
class ProgressLine {
  private shown = false;
  constructor(private readonly io: Io) {}

  private get enabled(): boolean {
    return this.io.stderrIsTTY ?? false;
  }

  update(progress: Progress): void {
    if (!this.enabled) return;
    this.io.stderr(`\r\x1b[2Ktrustwright: ${progress.message} (${progress.done}/${progress.total}, Ctrl-C cancels)`);
    this.shown = true;
  }

  done(message: string): void {
    if (!this.enabled) return;
    this.io.stderr(`\r\x1b[2Ktrustwright: ${message}\n`);
    this.shown = false;
  }

  clear(): void {
    if (this.shown) this.io.stderr('\r\x1b[2K');
    this.shown = false;
  }
}

function generateManifests(args: readonly string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      layout: { type: 'string' },
      workload: { type: 'string', multiple: true },
      connect: { type: 'string', multiple: true },
      'self-signed': { type: 'boolean', default: false },
      'ca-secret': { type: 'string' },
      'trust-namespace': { type: 'string' },
      'cluster-domain': { type: 'string' },
      'key-alg': { type: 'string' },
      'leaf-duration': { type: 'string' },
      'ca-duration': { type: 'string' },
      prefix: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new GenerateUsageError(`generate manifests takes no arguments besides its flags (got "${positionals[0]}")`);
  if (!values.out) throw new GenerateUsageError('generate manifests needs --out DIR (or --out - to print the manifests)');

  let input: LayoutInput;
  if (values.layout) {
    const flags = ['workload', 'connect', 'self-signed', 'ca-secret', 'trust-namespace', 'cluster-domain', 'key-alg', 'leaf-duration', 'ca-duration', 'prefix'] as const;
    const mixed = flags.filter((flag) => values[flag] !== undefined && values[flag] !== false);
    if (mixed.length > 0) throw new GenerateUsageError(`--layout describes the whole layout; drop --${mixed.join(', --')}`);
    input = readLayoutFile(values.layout);
  } else {
    if (values['self-signed'] && values['ca-secret']) throw new GenerateUsageError('choose one CA source: --self-signed or --ca-secret NAME');
    if (!values['self-signed'] && !values['ca-secret']) {
      throw new GenerateUsageError('choose the CA source: --ca-secret NAME (your CA as a Secret in the trust namespace) or --self-signed (a bootstrap for development)');
    }
    input = {
      caSource: values['ca-secret'] ? { secret: values['ca-secret'] } : { selfSigned: true },
      workloads: (values.workload ?? []).map((text) => parseWorkloadId(text) ?? usage(`--workload ${text}: expected NAMESPACE/NAME`)),
      connections: values.connect?.map((text) => parseConnection(text) ?? usage(`--connect ${text}: expected NS/CLIENT=NS/SERVER`)),
      trustNamespace: values['trust-namespace'],
      clusterDomain: values['cluster-domain'],
      keyAlgorithm: values['key-alg'],
      leafDuration: values['leaf-duration'],
      caDuration: values['ca-duration'],
      prefix: values.prefix,
    };
  }

  const { layout, problems } = resolveLayout(input);
  if (!layout) throw new GenerateUsageError(problems.join('\n  '));
  const files = scaffoldMtls(layout);
  const findings = lintScaffold(layout, files);
  if (findings.length > 0) {
    io.stderr(`trustwright: the scaffolded manifests do not lint clean, so nothing was written (please report this):\n${findings.map((f) => `  ${f}\n`).join('')}`);
    return 1;
  }

  if (values.out === '-') {
    io.stdout(files.map((f) => `# ${f.path}\n${f.text}`).join('---\n'));
    return 0;
  }
  const out = resolve(values.out);
  const written = writeOutputFiles(out, files.map((f) => ({ path: f.path, contents: f.text })), { overwrite: values.force });
  const width = Math.max(...written.map((f) => relative(out, f.path).length));
  io.stdout(
    [
      `wrote ${written.length} files to ${out} (${layout.workloads.length} workloads in ${layout.namespaces.length} namespaces; Trustwright's lint reports nothing on them)`,
      ...written.map((f) => `  ${relative(out, f.path).padEnd(width)}  ${describeScaffoldFile(relative(out, f.path))}`),
      'secret' in layout.caSource
        ? `the root is your CA: create the Secret "${layout.caSource.secret}" in namespace ${layout.trustNamespace} before applying (see ca.yaml)`
        : 'the root is a selfSigned bootstrap: for development only (see ca.yaml)',
      `apply: kubectl apply -R -f ${display(out)}`,
      '',
    ].join('\n'),
  );
  return 0;
}

function usage(message: string): never {
  throw new GenerateUsageError(message);
}

function describeScaffoldFile(path: string): string {
  if (path === 'ca.yaml') return 'the root CA issuer';
  if (path === CONFIG_FILE) return "the trust namespace, for Trustwright's lint";
  const [folder, file] = path.split('/');
  const namespace = file?.replace(/\.yaml$/, '');
  if (folder === 'intermediates') return `intermediate CA and its ClusterIssuer for namespace ${namespace}`;
  if (folder === 'workloads') return `the Certificates of the workloads in namespace ${namespace}`;
  if (folder === 'bundles') return `the Bundle of namespace ${namespace}`;
  return '';
}

function readLayoutFile(path: string): LayoutInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new GenerateUsageError(`--layout ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parseLayoutText(text);
  } catch (error) {
    throw new GenerateUsageError(`--layout ${path}: ${(error as Error).message}`);
  }
}
