// Private key material and passwords, wrapped so that they print as a placeholder wherever they
// could reach a log: string interpolation, JSON, console.log and util.inspect all see the mask.
// Only the code that writes the file asks for the value.
import { inspect } from 'node:util';

const MASK = '[redacted]';

export class Secret {
  readonly #value: string | Uint8Array;

  constructor(value: string | Uint8Array) {
    this.#value = value;
  }

  /** The bytes or text, for the one place that writes them to a file (or encrypts them). */
  reveal(): string | Uint8Array {
    return this.#value;
  }

  revealText(): string {
    const value = this.#value;
    return typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return `Secret ${MASK}`;
  }
}
