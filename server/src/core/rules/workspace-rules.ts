// Rules that follow references across objects and files through the workspace index: where a
// Bundle's sources really come from, which issuer a Certificate really uses, objects that collide.
import type { FieldPath } from '../model/path';
import { formatPath } from '../model/path';
import type { IndexedObject } from '../workspace/index';
import { decodedPemBlocks } from '../pem/blocks';
import { nodeCertificate, summarizeCertificate } from '../pem/decode';
import { asBool, asList, asMap, asString } from './access';
import { certificatesWriting, describeObject, relatedTo, resolveIssuer } from './references';
import type { Rule, RuleContext } from './types';

interface NamedSource {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  readonly key?: string;
  readonly path: FieldPath;
}

/** Bundle sources (and ClusterBundle sourceRefs) that name one object. */
function namedSources(context: RuleContext): NamedSource[] {
  const spec = context.spec;
  if (context.object.kind === 'ClusterBundle') {
    return asList(spec?.sourceRefs).flatMap((entry, index) => {
      const ref = asMap(entry);
      const kind = asString(ref?.kind);
      const name = asString(ref?.name);
      if (!ref || !name || (kind !== 'Secret' && kind !== 'ConfigMap')) return [];
      return [{ kind, name, key: asString(ref.key), path: ['spec', 'sourceRefs', index, 'name'] }];
    });
  }
  return asList(spec?.sources).flatMap((entry, index): NamedSource[] => {
    const source = asMap(entry);
    for (const kind of ['secret', 'configMap'] as const) {
      const ref = asMap(source?.[kind]);
      const name = asString(ref?.name);
      if (ref && name) {
        return [{ kind: kind === 'secret' ? 'Secret' : 'ConfigMap', name, key: asBool(ref.includeAllKeys) ? undefined : asString(ref.key), path: ['spec', 'sources', index, kind, 'name'] }];
      }
    }
    return [];
  });
}

function isCA(certificate: IndexedObject): boolean {
  return asBool(asMap(certificate.value.spec)?.isCA) === true;
}

function objectsNamed(context: RuleContext, kind: string, name: string): IndexedObject[] {
  return [...context.workspace.where(kind, '', 'name', name)];
}

export const workspaceRules: readonly Rule[] = [
  {
    id: 'bundle/source-outside-trust-namespace',
    severity: 'warning',
    layer: 'lint',
    kinds: ['Bundle', 'ClusterBundle'],
    doc: {
      summary: 'A bundle source exists in the workspace only outside the trust namespace.',
      details:
        'trust-manager reads sources only from its trust namespace (`--trust-namespace`, `cert-manager` unless changed; set `trustNamespace` in .trustwright.yaml to match). A Secret or ConfigMap written elsewhere, for example by a Certificate in the application namespace, is never found and the Bundle reports "Bundle source was not found" (trust-manager#120). Issue the CA Certificate into the trust namespace, or copy the CA there.',
    },
    check(context) {
      const trust = context.settings.trustNamespace;
      for (const source of namedSources(context)) {
        const writers = source.kind === 'Secret' ? certificatesWriting(context.workspace, source.name) : [];
        const objects = objectsNamed(context, source.kind, source.name);
        const inTrust = [...writers, ...objects].some((o) => o.namespace === trust || o.namespace === undefined);
        const elsewhere = [...writers, ...objects].filter((o) => o.namespace !== undefined && o.namespace !== trust);
        if (inTrust || elsewhere.length === 0) continue;
        const first = elsewhere[0];
        const what = first.kind === 'Certificate' ? `${describeObject(first)} writes it` : `it is defined as ${describeObject(first)}`;
        context.report(
          source.path,
          `${formatPath(source.path)}: ${source.kind} "${source.name}" is only in namespace ${first.namespace} (${what}), but trust-manager reads sources from the trust namespace "${trust}"; the Bundle will report "Bundle source was not found"`,
          { related: elsewhere.map((o) => relatedTo(o, `${describeObject(o)}, outside the trust namespace ${trust}`)) },
        );
      }
    },
  },
  {
    id: 'bundle/leaf-secret-source',
    severity: 'warning',
    layer: 'lint',
    kinds: ['Bundle', 'ClusterBundle'],
    doc: {
      summary: 'A bundle source reads the certificate of a leaf (non-CA) Certificate.',
      details:
        'Trusting `tls.crt` of a leaf Certificate trusts that one server certificate and breaks at its next renewal, or, when the key is `ca.crt`, trusts whatever CA issued it. Point the source at the Secret of a CA Certificate (`isCA: true`), or at the `ca.crt` key when the issuer is the CA you mean to trust.',
    },
    check(context) {
      const trust = context.settings.trustNamespace;
      for (const source of namedSources(context)) {
        if (source.kind !== 'Secret' || (source.key !== undefined && source.key !== 'tls.crt')) continue;
        const writers = certificatesWriting(context.workspace, source.name).filter((c) => c.namespace === undefined || c.namespace === trust);
        const leaf = writers.find((c) => !isCA(c));
        if (!leaf) continue;
        const key = source.key ?? 'every key';
        context.report(
          source.path,
          `${formatPath(source.path)}: Secret "${source.name}" (${key}) holds the leaf certificate of ${describeObject(leaf)}, which is not a CA; trust its issuing CA instead (a CA Certificate's Secret, or key ca.crt)`,
          { related: [relatedTo(leaf, `${describeObject(leaf)} writes this Secret, without isCA`)] },
        );
      }
    },
  },
  {
    id: 'bundle/mixed-chains',
    severity: 'warning',
    layer: 'lint',
    kinds: ['Bundle', 'ClusterBundle'],
    doc: {
      summary: 'One bundle trusts CAs of more than one issuing chain.',
      details:
        'Each independent root (or intermediate whose issuer is not in the bundle) is a separate tenant of trust: every namespace that receives the bundle accepts certificates from all of them, so one leaked CA exposes every workload that trusts the bundle. Split the bundle per tenant, each delivered to the namespaces that need it. During a planned root rotation two roots are expected for a while: silence the rule on that bundle until the old root is removed.',
    },
    check(context) {
      const texts: { text: string; path: FieldPath }[] = [];
      if (context.object.kind === 'ClusterBundle') {
        const inline = asString(context.spec?.inLineCAs);
        if (inline) texts.push({ text: inline, path: ['spec', 'inLineCAs'] });
      } else {
        asList(context.spec?.sources).forEach((entry, index) => {
          const inline = asString(asMap(entry)?.inLine);
          if (inline) texts.push({ text: inline, path: ['spec', 'sources', index, 'inLine'] });
        });
      }
      const anchors = [...chainAnchors(texts.map((t) => t.text))];
      // CA Certificates behind Secret sources: intermediates signed by different issuers are
      // different chains (peers' intermediates under one root are the zero-trust layout, not a mix).
      const issuers = new Set<string>();
      for (const source of namedSources(context)) {
        if (source.kind !== 'Secret') continue;
        for (const certificate of certificatesWriting(context.workspace, source.name)) {
          const issuer = asMap(asMap(certificate.value.spec)?.issuerRef);
          if (isCA(certificate) && asString(issuer?.name)) issuers.add(`${asString(issuer?.kind) ?? 'Issuer'} ${asString(issuer?.name)}`);
        }
      }
      const chains = anchors.length > 1 ? anchors : issuers.size > 1 ? [...issuers].map((i) => `CAs issued by ${i}`) : [];
      if (chains.length <= 1) return;
      const path: FieldPath = context.object.kind === 'ClusterBundle' ? ['spec'] : ['spec', 'sources'];
      context.report(
        path,
        `${formatPath(path)}: this bundle trusts ${chains.length} independent chains (${chains.join('; ')}); every namespace that receives it accepts all of them, so split it per tenant unless this is a root rotation in progress`,
        { anchor: 'key' },
      );
    },
  },
  {
    id: 'issuer/ca-secret-elsewhere',
    severity: 'warning',
    layer: 'lint',
    kinds: ['Issuer', 'ClusterIssuer'],
    doc: {
      summary: 'A CA issuer\'s key pair Secret is written in a namespace the issuer never reads.',
      details:
        'A CA Issuer reads `spec.ca.secretName` from its own namespace; a ClusterIssuer reads it from cert-manager\'s cluster resource namespace (`--cluster-resource-namespace`, `cert-manager` unless changed; set `clusterResourceNamespace` in .trustwright.yaml to match). When the CA Certificate writes the Secret anywhere else, the issuer stays not Ready with "secret not found". Issue the CA Certificate into the namespace the issuer reads.',
    },
    check(context) {
      const secretName = asString(asMap(context.spec?.ca)?.secretName);
      if (!secretName) return;
      const reads = context.object.kind === 'ClusterIssuer' ? context.settings.clusterResourceNamespace : context.object.namespace;
      if (!reads) return;
      const writers = certificatesWriting(context.workspace, secretName);
      if (writers.length === 0 || writers.some((c) => c.namespace === undefined || c.namespace === reads)) return;
      const where = context.object.kind === 'ClusterIssuer' ? `the cluster resource namespace "${reads}"` : `its own namespace "${reads}"`;
      context.report(
        ['spec', 'ca', 'secretName'],
        `spec.ca.secretName: ${describeObject(writers[0])} writes Secret "${secretName}" in namespace ${writers[0].namespace}, but this ${context.object.kind} reads it from ${where}; issue the CA Certificate there`,
        { related: writers.map((w) => relatedTo(w, `${describeObject(w)} writes the CA Secret`)) },
      );
    },
  },
  {
    id: 'certificate/shared-secret',
    severity: 'warning',
    layer: 'lint',
    kinds: ['Certificate'],
    doc: {
      summary: 'Two Certificates write the same Secret in one namespace.',
      details:
        'cert-manager lets one Certificate own a Secret; two Certificates with the same secretName fight over it, re-issuing in turn or stalling silently. Give each Certificate its own secretName.',
    },
    check(context) {
      const secretName = asString(context.spec?.secretName);
      if (!secretName) return;
      const others = certificatesWriting(context.workspace, secretName).filter(
        (c) => c.name !== context.object.name && (c.namespace ?? '') === (context.object.namespace ?? ''),
      );
      if (others.length === 0) return;
      context.report(
        ['spec', 'secretName'],
        `spec.secretName: ${describeObject(others[0])} also writes Secret "${secretName}" in this namespace; the two Certificates will fight over it, so give each its own secretName`,
        { related: others.map((o) => relatedTo(o, `${describeObject(o)} writes the same Secret`)) },
      );
    },
  },
  {
    id: 'certificate/issuer-not-found',
    severity: 'warning',
    layer: 'lint',
    kinds: ['Certificate', 'CertificateRequest'],
    doc: {
      summary: 'spec.issuerRef names an issuer the workspace does not define (where it defines others).',
      details:
        'When the workspace defines Issuers or ClusterIssuers but not the one referenced, the name is usually a typo, or the Issuer lives in another namespace: an Issuer only serves Certificates of its own namespace; use a ClusterIssuer (`kind: ClusterIssuer`) to serve several. Nothing is reported when the workspace defines no issuer of that kind at all.',
    },
    check(context) {
      const resolution = resolveIssuer(context);
      if (resolution.status !== 'missing') return;
      const name = asString(asMap(context.spec?.issuerRef)?.name)!;
      const other = resolution.elsewhere[0];
      const message = other
        ? `spec.issuerRef.name: ${resolution.kind} "${name}" exists only in namespace ${other.namespace}, and an Issuer serves only its own namespace (${context.object.namespace ?? 'this Certificate\'s'}); use a ClusterIssuer or an Issuer in this namespace`
        : `spec.issuerRef.name: no ${resolution.kind} "${name}" in the workspace, which defines ${context.workspace.byKind(resolution.kind, 'cert-manager.io').map((o) => `"${o.name}"`).slice(0, 5).join(', ')}; check the name and kind`;
      context.report(['spec', 'issuerRef', 'name'], message, {
        related: resolution.elsewhere.map((o) => relatedTo(o, `${describeObject(o)}`)),
      });
    },
  },
  {
    id: 'workspace/duplicate-object',
    severity: 'warning',
    layer: 'lint',
    kinds: ['Certificate', 'CertificateRequest', 'Issuer', 'ClusterIssuer', 'Bundle', 'ClusterBundle', 'ClusterTrustBundle'],
    doc: {
      summary: 'The same object (kind, namespace, name) is defined more than once.',
      details: 'When both are applied, the later one silently replaces the earlier. Rename one, or remove the copy.',
    },
    check(context) {
      const { object } = context;
      if (!object.name || !object.kind) return;
      const group = object.apiVersion ? object.apiVersion.slice(0, Math.max(0, object.apiVersion.lastIndexOf('/'))) : '';
      const same = context.workspace.where(object.kind, group, 'name', object.name).filter((o) => (o.namespace ?? '') === (object.namespace ?? ''));
      if (same.length < 2) return;
      const others = same.filter((o) => !(o.uri === context.uri && o.range.start.line === lineOfName(context)));
      context.report(['metadata', 'name'], `metadata.name: ${object.kind} "${object.name}"${object.namespace ? ` in namespace ${object.namespace}` : ''} is defined ${same.length} times; the last one applied wins`, {
        related: others.map((o) => relatedTo(o, `another definition of ${describeObject(o)}`)),
      });
    },
  },
];

function lineOfName(context: RuleContext): number {
  const node = context.object.node.getIn(['metadata', 'name'], true) as { range?: [number, number] } | undefined;
  const offset = node?.range?.[0] ?? context.object.node.range?.[0] ?? 0;
  return context.lines.positionAt(offset).line;
}

/**
 * The independent trust anchors of some PEM texts: each certificate is followed to the top of its
 * chain within the texts; what remains (a root, or an intermediate whose issuer is absent) is an
 * anchor, labelled by its subject.
 */
function chainAnchors(texts: readonly string[]): Set<string> {
  // Labelled by subject: the same root pasted twice is one anchor.
  const certificates = texts.flatMap((text) => decodedPemBlocks(text).filter((b) => b.type === 'CERTIFICATE').map((b) => b.bytes!));
  const nodes = certificates.map((der) => nodeCertificate(der)).filter((n) => n !== undefined);
  const anchors = new Set<string>();
  for (const start of nodes) {
    let current = start;
    for (let hops = 0; hops < 10; hops++) {
      const parent = nodes.find((candidate) => candidate !== current && current.checkIssued(candidate));
      if (!parent || parent.subject === current.subject) break;
      current = parent;
    }
    const summary = summarizeCertificate(new Uint8Array(current.raw));
    anchors.add(summary.ok ? (summary.value.commonName ? `CN=${summary.value.commonName}` : summary.value.subject) : current.fingerprint256);
  }
  return anchors;
}
