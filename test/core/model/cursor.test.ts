import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { completionSite } from '../../../server/src/core/model/cursor';

/** `|` marks the cursor. */
function site(marked: string) {
  const offset = marked.indexOf('|');
  return completionSite(marked.replace('|', ''), offset);
}

describe('completion sites on half-typed YAML', () => {
  const cases: [string, string, string, (string | number)[], string][] = [
    ['a new key under spec', 'kind: Certificate\nspec:\n  secretName: a\n  |', 'key', ['spec'], ''],
    ['a partly typed key', 'kind: Certificate\nspec:\n  privateKey:\n    size: 1\n    al|', 'key', ['spec', 'privateKey'], 'al'],
    ['a value', 'kind: Certificate\nspec:\n  privateKey:\n    algorithm: E|', 'value', ['spec', 'privateKey', 'algorithm'], 'E'],
    ['the first key of a new list item', 'spec:\n  sources:\n  - |', 'key', ['spec', 'sources', 0], ''],
    ['the second key of a list item', 'spec:\n  sources:\n  - configMap:\n      name: x\n    |', 'key', ['spec', 'sources', 0], ''],
    ['inside a map in a list item', 'spec:\n  sources:\n  - configMap:\n      name: x\n      |', 'key', ['spec', 'sources', 0, 'configMap'], ''],
    ['deep in solvers', 'spec:\n  acme:\n    solvers:\n    - http01:\n        ingress:\n          |', 'key', ['spec', 'acme', 'solvers', 0, 'http01', 'ingress'], ''],
    ['the second document of a file', 'a: 1\n---\nkind: Bundle\nspec:\n  target:\n    |\n---\nb: 2\n', 'key', ['spec', 'target'], ''],
    ['above existing keys', 'kind: Certificate\nspec:\n  sec|\n  issuerRef:\n    name: x\n', 'key', ['spec'], 'sec'],
  ];
  for (const [name, text, mode, path, prefix] of cases) {
    it(name, () => {
      const s = site(text);
      assert.ok(s);
      assert.equal(s.mode, mode);
      assert.deepEqual(s.path, path);
      assert.equal(s.prefix, prefix);
    });
  }

  it('knows the keys already present and the kind of the document', () => {
    const s = site('apiVersion: cert-manager.io/v1\nkind: Certificate\nspec:\n  |\n  issuerRef:\n    name: x\n  secretName: y\n');
    assert.deepEqual([...s!.existingKeys].sort(), ['issuerRef', 'secretName']);
    assert.equal(s!.kind, 'Certificate');
    assert.equal(s!.apiVersion, 'cert-manager.io/v1');
  });

  it('gives up in the middle of a word followed by other text', () => {
    assert.equal(site('spec:\n  sec|ret: x y\n'), undefined);
  });
});
