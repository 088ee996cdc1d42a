// Text from outside (an API server, a manifest, a certificate) printed to a terminal: a control
// character in it could move the cursor, clear the screen, retitle the window or smuggle an OSC 8
// link, so each one is shown as a `\u001b`-style escape instead. Newline and tab are kept (a
// multi-line message is legitimate); callers that print one line per value escape those too.
// JSON and SARIF output keep the raw strings: JSON's own escaping handles them.

/** C0 controls except tab and newline, DEL, and the C1 controls (which some terminals obey). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
