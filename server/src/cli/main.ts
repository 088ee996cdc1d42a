// The `trustwright` command. Exit codes: 0 nothing at or above the fail level, 1 findings,
// 2 usage or I/O error.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { VERSION } from '../core/version';
import { LINTED_FILE, lintFiles, shouldFail, UsageError, type FailOn } from './lint';
import { collectFiles, type Collected } from './collect';
import { printable } from './format/escape';
import { formatText } from './format/text';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { explain, listRules } from './explain';
import { formatInspectJson, formatInspectText, inspectFile, readInput } from './inspect';
import { generate } from './generate';

const HELP = `trustwright ${VERSION}: cert-manager and trust-manager manifests, checked as the cluster checks them

Usage:
  trustwright lint [PATH...] [--format text|json|sarif] [--fail-on error|warning|info|hint|never] [--config FILE]
      Lints files, folders or - (stdin). Default PATH: the current folder. Folders are searched
      recursively for manifests (*.yaml, *.yml) and PEM files (*.pem, *.crt, *.cer), skipping
      node_modules, .git and .vscode-test.
  trustwright inspect [PATH...|-] [--format text|json]
      Decodes PEM and DER files, and every certificate, request or key block embedded in manifests.
  trustwright generate mtls --out DIR [...]
      Writes a CA, a server and a client certificate with keys for mTLS (trustwright generate --help).
  trustwright generate manifests --out DIR (--self-signed | --ca-secret NAME) --workload NS/NAME...
      Writes the cert-manager and trust-manager objects of a zero-trust mTLS layout.
  trustwright cluster list [--context C] [--namespace N|-A] [--expiring 30d] [--format text|json] [--from PATH]
      Certificates, issuers, Bundles and TLS Secrets as a cluster (or a saved dump) holds them.
  trustwright cluster verify SECRET --bundle BUNDLE --namespace N [--context C] [--from PATH]
      Would a client in namespace N, trusting the bundle delivered there, accept SECRET's certificate?
  trustwright explain RULE-ID     Prints a rule's documentation.
  trustwright rules               Lists every rule with its default severity.
  trustwright --version | --help

Exit codes: 0 = nothing at or above --fail-on (default error), 1 = findings, 2 = usage or I/O error
(a file or folder that cannot be read is reported and the rest is still checked).
`;

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => string;
  readonly readStdinBytes: () => Buffer;
  /** Progress lines are drawn on stderr only when it is a terminal. */
  readonly stderrIsTTY?: boolean;
}

export function run(argv: readonly string[], io: Io): number | Promise<number> {
  try {
    return dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`trustwright: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}

function dispatch(argv: readonly string[], io: Io): number | Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  switch (command) {
    case 'lint':
      return lint(rest, io);
    case 'explain': {
      if (rest.length !== 1) throw new UsageError('explain takes one rule id, e.g. trustwright explain certificate/duration');
      io.stdout(explain(rest[0]));
      return 0;
    }
    case 'rules':
      io.stdout(listRules());
      return 0;
    case 'inspect':
      return inspect(rest, io);
    case 'generate':
      return generate(rest, io);
    case 'cluster':
      // Loaded on demand: the Kubernetes client is not worth its start-up time for the other commands.
      return import('./cluster').then(({ clusterCommand }) => clusterCommand(rest, io));
    default:
      throw new UsageError(`unknown command "${command}"; try trustwright --help`);
  }
}

function lint(args: readonly string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f', default: 'text' },
      'fail-on': { type: 'string', default: 'error' },
      config: { type: 'string', short: 'c' },
    },
  });
  const format = values.format!;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif (got "${format}")`);
  const failOn = values['fail-on'] as FailOn;
  if (!['error', 'warning', 'info', 'hint', 'never'].includes(failOn)) {
    throw new UsageError(`--fail-on must be error, warning, info, hint or never (got "${failOn}")`);
  }

  const collected = report(collectFiles(positionals.length > 0 ? positionals : ['.'], LINTED_FILE), io);
  let failedReads = 0;
  const results = lintFiles(collected.files, {
    configPath: values.config,
    readStdin: io.readStdin,
    warn: (message) => io.stderr(`trustwright: warning: ${printable(message)}\n`),
    problem: (message) => {
      failedReads++;
      io.stderr(`trustwright: error: ${printable(message)}\n`);
    },
  });
  const output = format === 'json' ? formatJson(results) : format === 'sarif' ? formatSarif(results) : formatText(results);
  io.stdout(output);
  if (collected.problems.length > 0 || failedReads > 0) return 2;
  return shouldFail(results, failOn) ? 1 : 0;
}

/** Prints what the walk could not read (errors) or skipped (notes), one line each. */
function report(collected: Collected, io: Io): Collected {
  for (const problem of collected.problems) io.stderr(`trustwright: error: ${printable(problem)}\n`);
  for (const note of collected.notes) io.stderr(`trustwright: note: ${printable(note)}\n`);
  return collected;
}

function inspect(args: readonly string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { format: { type: 'string', short: 'f', default: 'text' } },
  });
  if (!['text', 'json'].includes(values.format!)) throw new UsageError(`--format must be text or json (got "${values.format}")`);
  if (positionals.length === 0) throw new UsageError('inspect needs a file, a folder or - (stdin)');
  const collected = report(collectFiles(positionals, /\.(ya?ml|pem|crt|cer|der)$/i), io);
  const now = Date.now();
  let failed = collected.problems.length > 0;
  const blocks = collected.files.flatMap((file) => {
    try {
      return inspectFile(file, readInput(file, io.readStdinBytes), now);
    } catch (error) {
      // One unreadable or undecodable file is reported; the others are still inspected.
      if (!(error instanceof UsageError)) throw error;
      io.stderr(`trustwright: error: ${printable(error.message)}\n`);
      failed = true;
      return [];
    }
  });
  // When every input failed, "no PEM blocks found" would only contradict the errors above.
  if (blocks.length > 0 || !failed) io.stdout(values.format === 'json' ? formatInspectJson(blocks) : formatInspectText(blocks));
  return failed ? 2 : 0;
}

if (require.main === module) {
  // `trustwright inspect … | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const code = run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: () => readFileSync(0, 'utf8'),
    readStdinBytes: () => readFileSync(0),
    stderrIsTTY: process.stderr.isTTY,
  });
  void Promise.resolve(code).then((value) => {
    process.exitCode = value;
  });
}
