// Label selectors as the API server evaluates them (metav1.LabelSelector): every matchLabels pair
// and every matchExpressions requirement must hold. trust-manager treats a missing selector as
// "every namespace"; so does an empty one.

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

export function asSelector(value: unknown): LabelSelector | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as LabelSelector) : undefined;
}

export function selectsEverything(selector: LabelSelector | undefined): boolean {
  return !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
}

export function matchesSelector(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>> = {}): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const requirement of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
        if (!has || !values.includes(labels[requirement.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[requirement.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // The API server rejects unknown operators; a selector it would reject selects nothing.
        return false;
    }
  }
  return true;
}

/** `trust=internal, env in (prod,stage), !legacy` — kubectl's notation. */
export function selectorText(selector: LabelSelector | undefined): string {
  if (selectsEverything(selector)) return 'every namespace';
  const parts = Object.entries(selector!.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of selector!.matchExpressions ?? []) {
    const values = (r.values ?? []).join(',');
    if (r.operator === 'In') parts.push(`${r.key} in (${values})`);
    else if (r.operator === 'NotIn') parts.push(`${r.key} notin (${values})`);
    else if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator} (${values})`);
  }
  return parts.join(', ');
}
