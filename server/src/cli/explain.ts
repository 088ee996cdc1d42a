// `trustwright explain RULE` and `trustwright rules`: rule docs from the registry, the same text
// the README and the editor show.
import { RULES, ruleById } from '../core/rules/registry';
import type { Rule } from '../core/rules/types';
import { closest } from '../core/model/kinds';
import { UsageError } from './lint';

export function silenceText(rule: Rule): string {
  return `Silence it on one line with \`# trustwright-disable-next-line ${rule.id}\` above the line, for a whole YAML document with \`# trustwright-disable ${rule.id}\`, or everywhere with \`rules: { ${rule.id}: off }\` in .trustwright.yaml (or the trustwright.rules setting).`;
}

export function explain(id: string): string {
  const rule = ruleById(id);
  if (!rule) {
    const near = closest(id, RULES.map((r) => r.id), 6);
    throw new UsageError(`unknown rule "${id}"${near ? `; did you mean ${near}?` : ''} (trustwright rules lists them all)`);
  }
  const kinds = rule.kinds.length > 0 ? rule.kinds.join(', ') : 'any file';
  return [`${rule.id} (${rule.severity}, ${layerName(rule.layer)}; applies to ${kinds})`, '', rule.doc.summary, '', rule.doc.details, '', silenceText(rule), ''].join('\n');
}

export function listRules(): string {
  const width = Math.max(...RULES.map((r) => r.id.length));
  return RULES.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.doc.summary}`).join('\n') + '\n';
}

export function layerName(layer: Rule['layer']): string {
  const names: Record<Rule['layer'], string> = {
    yaml: 'YAML syntax',
    api: 'apiVersion and kind',
    metadata: 'object metadata (API server)',
    schema: 'CRD schema (API server)',
    cel: 'CRD CEL rule (API server)',
    webhook: 'admission webhook',
    lint: 'lint',
    template: 'templates',
  };
  return names[layer];
}
