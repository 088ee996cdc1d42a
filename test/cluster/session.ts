// Helpers for tests that read the fake cluster through the engine: short backoffs and timeouts so
// fault cases finish in milliseconds, and a log that tests search (and check for secrets).
import assert from 'node:assert/strict';
import { KubeClient, type ClientOptions } from '../../server/src/core/cluster/client';
import { ClusterFault } from '../../server/src/core/cluster/faults';
import { chooseContext, loadKubeconfig } from '../../server/src/core/cluster/kubeconfig';
import { ClusterSession, type SessionOptions } from '../../server/src/core/cluster/session';

export const FAST: SessionOptions = {
  backoffBaseMs: 30,
  backoffMaxMs: 200,
  missingRetryMs: 60_000,
  credentialReloadMs: 100,
  client: { retryBaseMs: 5, retryMaxMs: 40, requestTimeoutMs: 2000 },
};

export async function liveSession(kubeconfig: string, options: SessionOptions = {}): Promise<{ session: ClusterSession; logs: string[] }> {
  const logs: string[] = [];
  const session = new ClusterSession({ kind: 'live', kubeconfig: { setting: kubeconfig } }, { ...FAST, ...options, client: { ...FAST.client, ...options.client }, log: (m) => logs.push(m) });
  await session.start();
  return { session, logs };
}

export function clientFor(kubeconfig: string, options: ClientOptions = {}, logs: string[] = []): KubeClient {
  const loaded = loadKubeconfig({ setting: kubeconfig });
  const context = chooseContext(loaded);
  return new KubeClient(loaded.forContext(context.name), context, { ...FAST.client, ...options, log: (m) => logs.push(m) });
}

export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The ClusterFault `promise` rejects with; fails the test when it resolves or throws anything else. */
export async function fault(promise: Promise<unknown>): Promise<ClusterFault> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ClusterFault, `a ClusterFault, got ${error}`);
    return error;
  }
  assert.fail('expected a fault');
}
