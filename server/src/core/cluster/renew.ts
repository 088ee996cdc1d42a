// The one write: cert-manager's "issue now" trigger, as `cmctl renew` pulls it. The Certificate's
// status gets the Issuing condition (status True, reason ManuallyTriggered) through the status
// subresource; cert-manager's controller then issues a new certificate. The faces ask for
// confirmation, naming the object and the context, every time before calling this.
import type { KubeClient } from './client';
import { ClusterFault } from './faults';
import { RESOURCES, type Condition, type KubeObject } from './resources';

export interface RenewResult {
  readonly triggered: boolean;
  readonly message: string;
}

export async function renewCertificate(client: KubeClient, namespace: string, name: string, now = Date.now()): Promise<RenewResult> {
  const type = RESOURCES.certificates;
  for (let attempt = 1; ; attempt++) {
    const certificate = await client.get(type, namespace, name);
    const conditions = Array.isArray(certificate.status?.conditions) ? (certificate.status!.conditions as Condition[]) : [];
    if (conditions.some((c) => c.type === 'Issuing' && c.status === 'True')) {
      return { triggered: false, message: `Certificate ${namespace}/${name} is already being issued (Issuing is True); nothing to do` };
    }
    const issuing: Condition = {
      type: 'Issuing',
      status: 'True',
      reason: 'ManuallyTriggered',
      message: 'Certificate re-issuance manually triggered',
      lastTransitionTime: new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      ...(typeof certificate.metadata.generation === 'number' ? { observedGeneration: certificate.metadata.generation } : {}),
    };
    const updated: KubeObject = { ...certificate, status: { ...(certificate.status ?? {}), conditions: [...conditions.filter((c) => c.type !== 'Issuing'), issuing] } };
    try {
      await client.replaceStatus(type, updated);
      return { triggered: true, message: `Manually triggered issuance of Certificate ${namespace}/${name}` };
    } catch (error) {
      // Someone else changed it between our read and write: read it again, once.
      if (error instanceof ClusterFault && error.kind === 'conflict' && attempt < 2) continue;
      throw error;
    }
  }
}
