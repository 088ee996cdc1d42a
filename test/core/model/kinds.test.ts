import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classify, closest } from '../../../server/src/core/model/kinds';

describe('apiVersion and kind classification', () => {
  const cases: [string, string, string, string | RegExp | undefined][] = [
    ['cert-manager.io/v1', 'Certificate', 'target', undefined],
    ['trust.cert-manager.io/v1alpha1', 'Bundle', 'target', undefined],
    ['trust-manager.io/v1alpha2', 'ClusterBundle', 'target', undefined],
    ['certificates.k8s.io/v1beta1', 'ClusterTrustBundle', 'target', undefined],
    ['certificates.k8s.io/v1alpha1', 'ClusterTrustBundle', 'target', undefined],
    ['cert-manager.io/v1alpha2', 'Issuer', 'api/removed-version', /removed in cert-manager v1\.6.*use cert-manager\.io\/v1$/],
    ['cert-manager.io/v1alpha3', 'Certificate', 'api/removed-version', /use cert-manager\.io\/v1/],
    ['cert-manager.io/v1beta1', 'ClusterIssuer', 'api/removed-version', /use cert-manager\.io\/v1/],
    ['certmanager.k8s.io/v1alpha1', 'Certificate', 'api/removed-version', /before v0\.11/],
    ['certmanager.io/v1alpha2', 'ClusterIssuer', 'api/unknown-group', /did you mean cert-manager\.io\/v1\?/],
    ['cert-manger.io/v1', 'Certificate', 'api/unknown-group', /did you mean cert-manager\.io\/v1\?/],
    ['trust.cert-manager.io/v1alpha2', 'Bundle', 'api/unknown-version', /use trust\.cert-manager\.io\/v1alpha1/],
    ['trust-manager.io/v1alpha1', 'ClusterBundle', 'api/unknown-version', /use trust-manager\.io\/v1alpha2/],
    ['trust-manager.io/v1alpha2', 'Bundle', 'api/unknown-group', /Bundle is trust\.cert-manager\.io\/v1alpha1/],
    ['cert-manager.io/v1', 'Certficate', 'unknown-kind', /did you mean Certificate\?/],
    ['cert.gardener.cloud/v1alpha1', 'Certificate', 'other', undefined],
    ['apps/v1', 'Deployment', 'other', undefined],
    ['acme.cert-manager.io/v1', 'Challenge', 'other', undefined],
  ];
  for (const [apiVersion, kind, expected, message] of cases) {
    it(`${apiVersion} ${kind} → ${expected}`, () => {
      const c = classify(apiVersion, kind);
      const status = c.status === 'unserved' ? c.rule : c.status;
      assert.equal(status, expected);
      if (message) assert.match((c as { message: string }).message, message as RegExp);
    });
  }

  it('suggests only close names', () => {
    assert.equal(closest('ingressclassName', ['ingressClassName', 'class', 'name']), 'ingressClassName');
    assert.equal(closest('secretname', ['secretName', 'issuerRef']), 'secretName');
    assert.equal(closest('foo', ['secretName', 'issuerRef']), undefined);
  });
});
