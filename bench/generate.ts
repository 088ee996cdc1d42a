// Generates realistic manifest files for benchmarks and fuzzing seeds: Certificates, Issuers,
// Bundles with inline certificates (from the machine's public CA bundle) and unrelated Deployments.
import { readFileSync, existsSync } from 'node:fs';

const PUBLIC_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

function publicCertificates(): string[] {
  if (!existsSync(PUBLIC_BUNDLE)) return [];
  return readFileSync(PUBLIC_BUNDLE, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

const indent = (text: string, spaces: number) =>
  text
    .split('\n')
    .map((l) => ' '.repeat(spaces) + l)
    .join('\n');

function certificate(i: number, withErrors: boolean): string {
  const algorithm = withErrors && i % 50 === 0 ? 'rsa' : 'ECDSA';
  return `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: service-${i}
  namespace: team-${i % 7}
  labels:
    app.kubernetes.io/name: service-${i}
spec:
  secretName: service-${i}-tls
  duration: 24h
  renewBefore: 8h
  dnsNames:
  - service-${i}.team-${i % 7}.svc
  - service-${i}.team-${i % 7}.svc.cluster.local
  usages:
  - digital signature
  - server auth
  privateKey:
    algorithm: ${algorithm}
    size: 256
    rotationPolicy: Always
  issuerRef:
    name: team-${i % 7}-ca
    kind: ClusterIssuer
`;
}

function issuer(i: number): string {
  return `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: team-${i}-ca
spec:
  ca:
    secretName: team-${i}-ca
`;
}

function bundle(i: number, certs: string[]): string {
  return `apiVersion: trust.cert-manager.io/v1alpha1
kind: Bundle
metadata:
  name: team-${i}-trust
spec:
  sources:
  - secret:
      name: team-${i}-ca
      key: ca.crt
  - inLine: |
${indent(certs.join('\n'), 6)}
  target:
    configMap:
      key: ca.crt
    namespaceSelector:
      matchLabels:
        trust.example.com/team-${i}: "true"
`;
}

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: service-${i}
  namespace: team-${i % 7}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: service-${i}
  template:
    metadata:
      labels:
        app: service-${i}
    spec:
      containers:
      - name: app
        image: registry.example.com/service:${i}
        ports:
        - containerPort: 8443
        volumeMounts:
        - name: tls
          mountPath: /etc/tls
          readOnly: true
      volumes:
      - name: tls
        secret:
          secretName: service-${i}-tls
`;
}

/**
 * About `lines` lines of manifests, in a fixed mix. `withErrors` puts a schema error (an enum
 * value in the wrong case) in every 50th Certificate, so that validators have something to report.
 */
export function generateManifests(lines: number, withErrors = false): string {
  const certs = publicCertificates();
  const parts: string[] = [];
  let count = 0;
  let i = 0;
  for (let t = 0; t < 7; t++) parts.push(issuer(t));
  while (count < lines) {
    const doc =
      i % 40 === 39 && certs.length > 0
        ? bundle(i % 7, certs.slice((i * 3) % certs.length, ((i * 3) % certs.length) + 3))
        : i % 2 === 0
          ? certificate(i, withErrors)
          : deployment(i);
    parts.push(doc);
    count += doc.split('\n').length;
    i++;
  }
  return parts.join('---\n');
}

/** A Bundle whose inLine holds every certificate of the public bundle (~140). */
export function bigBundle(): string {
  return bundle(0, publicCertificates());
}
