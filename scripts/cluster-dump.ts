// Writes the test fixture cluster (test/fixtures/cluster, certificates made by openssl now) as an
// offline source, for the README walkthrough: `kubectl get -o yaml`-style output in DIR/cluster.yaml,
// or with --must-gather a must-gather-like tree in DIR. Secrets carry their certificates only: no
// private key is written.
//   node --import tsx scripts/cluster-dump.ts DIR [--must-gather]
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Workshop } from '../test/pki';
import { buildFixtureCluster } from '../test/cluster/fixture-cluster';
import { writeListFile, writeMustGather } from '../test/cluster/dumps';

const [dir, flag] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node --import tsx scripts/cluster-dump.ts DIR [--must-gather]');
  process.exit(2);
}
const workshop = new Workshop();
try {
  const cluster = buildFixtureCluster(workshop);
  for (const secret of cluster.objects.secrets) {
    if (secret.data) delete secret.data['tls.key'];
    delete secret.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
    delete secret.metadata.managedFields;
  }
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  const written = flag === '--must-gather' ? writeMustGather(cluster, target) : writeListFile(cluster, join(target, 'cluster.yaml'));
  console.log(`wrote ${written}`);
} finally {
  workshop.dispose();
}
