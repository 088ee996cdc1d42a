// Writes the certificate fixture of the e2e workspace, made by openssl for this run (test/pki.ts), and
// openssl's own reading of each certificate, which the suites use as the expected values.
//
//   node --import tsx test/e2e/lib/generate-certificates.ts WORKSPACE FACTS.json
//
// Run by the harness (test/e2e/lib/harness.mjs, copyWorkspace) into each stage's throwaway workspace
// before code-server starts, so the language server's start-up scan indexes it. Keys live only in
// the openssl workshop under $TMPDIR (the harness points it into the stage's run folder) and are
// removed before this exits; no key is written into the workspace or committed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indent, Workshop, type Made } from '../../pki';

/** The generated file, relative to the workspace. */
export const GENERATED_BUNDLE = 'generated-ca-bundle.yaml';

const DAY = 86400_000;

export interface GeneratedCertificate {
  /** `root`, `expired` or `duplicate` (the root again). */
  readonly role: string;
  /** 0-based index of the PEM block inside spec.sources[0].inLine. */
  readonly block: number;
  /** The subject's CN as `openssl x509 -subject -nameopt RFC2253` prints it. */
  readonly cn: string;
  /** `openssl x509 -fingerprint -sha256`: upper-case hex, colon-separated. */
  readonly sha256: string;
  readonly sha1: string;
  /** ISO 8601. */
  readonly notAfter: string;
  readonly isCA: boolean;
  /** Lines of the certificate's body, as in the file (without indentation). */
  readonly pem: string;
}

export interface GeneratedFacts {
  readonly file: string;
  readonly bundleName: string;
  readonly certificates: readonly GeneratedCertificate[];
}

function main(): void {
  const [workspace, factsFile] = process.argv.slice(2);
  if (!workspace || !factsFile) throw new Error('usage: generate-certificates.ts WORKSPACE FACTS.json');
  const w = new Workshop();
  try {
    const root = w.ca('e2e-root', { cn: 'Trustwright E2E Root CA', days: 3650 });
    const expired = w.signed('e2e-expired', root, {
      cn: 'Trustwright E2E Expired CA',
      extensions: 'ca',
      start: new Date(Date.now() - 400 * DAY),
      end: new Date(Date.now() - 30 * DAY),
    });
    const blocks: Array<{ role: string; made: Made }> = [
      { role: 'root', made: root },
      { role: 'expired', made: expired },
      { role: 'duplicate', made: root },
    ];
    const certificates = blocks.map(({ role, made }, block): GeneratedCertificate => {
      const facts = w.facts(made);
      const subject = w.openssl(['x509', '-in', made.path, '-noout', '-subject', '-nameopt', 'RFC2253']).trim();
      return {
        role,
        block,
        cn: /CN=([^,]+)/.exec(subject)![1],
        sha256: facts.sha256,
        sha1: facts.sha1,
        notAfter: facts.notAfter.toISOString(),
        isCA: facts.isCA,
        pem: made.pem.trim(),
      };
    });
    const bundleName = 'e2e-generated-cas';
    const text = [
      '# A trust-manager Bundle whose certificates openssl made for this e2e run',
      '# (test/e2e/lib/generate-certificates.ts): a root CA, an intermediate CA that expired 30 days',
      '# ago, and the root CA a second time.',
      'apiVersion: trust.cert-manager.io/v1alpha1',
      'kind: Bundle',
      'metadata:',
      `  name: ${bundleName}`,
      'spec:',
      '  sources:',
      '  - inLine: |',
      indent(certificates.map((c) => c.pem).join('\n'), 6),
      '  target:',
      '    configMap:',
      '      key: ca-certificates.crt',
      '    namespaceSelector:',
      '      matchLabels:',
      '        trust: e2e',
      '',
    ].join('\n');
    writeFileSync(join(workspace, GENERATED_BUNDLE), text);
    const facts: GeneratedFacts = { file: GENERATED_BUNDLE, bundleName, certificates };
    writeFileSync(factsFile, JSON.stringify(facts, null, 2));
  } finally {
    w.dispose();
  }
}

main();
