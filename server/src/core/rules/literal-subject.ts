// RFC 4514 distinguished names as cert-manager reads spec.literalSubject.

export interface DnAttribute {
  readonly type: string;
  readonly value: string;
}

export type ParsedDn =
  | { readonly ok: true; readonly attributes: readonly DnAttribute[]; isKnownType(type: string): boolean }
  | { readonly ok: false; readonly error: string };

const KNOWN_TYPES = new Set(['C', 'O', 'OU', 'CN', 'SERIALNUMBER', 'L', 'ST', 'STREET', 'DC', 'UID']);
const OID = /^[0-9]+(\.[0-9]+)+$/;

function isKnownType(type: string): boolean {
  return KNOWN_TYPES.has(type.toUpperCase()) || OID.test(type);
}

/** Splits `CN=a,O=b\, Inc.+OU=c` into attributes, honouring `\` escapes and quoted values. */
export function parseLiteralSubject(dn: string): ParsedDn {
  const attributes: DnAttribute[] = [];
  let type = '';
  let value = '';
  let inValue = false;
  let quoted = false;

  const finish = (): string | undefined => {
    const t = type.trim();
    if (!inValue || t === '') return 'DN ended with incomplete type, value pair';
    attributes.push({ type: t, value: value.trim() });
    type = '';
    value = '';
    inValue = false;
    return undefined;
  };

  for (let i = 0; i < dn.length; i++) {
    const c = dn[i];
    if (c === '\\' && i + 1 < dn.length) {
      const hex = /^[0-9A-Fa-f]{2}/.exec(dn.slice(i + 1));
      const decoded = hex ? String.fromCharCode(parseInt(hex[0], 16)) : dn[i + 1];
      i += hex ? 2 : 1;
      if (inValue) value += decoded;
      else type += decoded;
      continue;
    }
    if (inValue && c === '"') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && (c === ',' || c === '+' || c === ';')) {
      const problem = finish();
      if (problem) return { ok: false, error: problem };
      continue;
    }
    if (!inValue && c === '=') {
      inValue = true;
      continue;
    }
    if (inValue) value += c;
    else type += c;
  }
  if (quoted) return { ok: false, error: 'DN ended with an unterminated quoted value' };
  if (type !== '' || inValue) {
    const problem = finish();
    if (problem) return { ok: false, error: problem };
  }
  return { ok: true, attributes, isKnownType };
}
