// Replaced at build time by esbuild's `define`; the fallback serves tests run from source.
declare const TRUSTWRIGHT_VERSION: string | undefined;

export const VERSION: string = typeof TRUSTWRIGHT_VERSION === 'string' ? TRUSTWRIGHT_VERSION : '0.0.0-dev';
