// Manifests are untrusted text: a control character printed raw is a terminal command (clear the
// screen, recolour, rewrite earlier lines). Text output shows them as `\u001b`-style escapes instead.
export function printable(text: string): string {
  // C0 controls except tab and newline, DEL, and the C1 controls.
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
