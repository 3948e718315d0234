import { isUtf8 } from 'node:buffer';
import { VerifyError } from '../errors.js';

/**
 * Parses a JWS header or JWT claims set: UTF-8 (RFC 7515 §5.2 step 3 and §2 "UTF-8 representation"),
 * JSON, an object, and no member name twice. JSON.parse silently keeps the last of two equal
 * names, and RFC 7515 §5.2 step 4 says recipients "MUST either reject JWSs with duplicate Header
 * Parameter Names or use a JSON parser that returns only the lexically last duplicate member
 * name"; RFC 7519 §4 says the same of claims. A token with two `aud` or two `alg` is an attack on
 * whichever parser believes the other one, so we reject.
 *
 * Detection is cheap: every member of every object in a JSON text is announced by exactly one
 * `:` outside a string, so the text holds duplicates exactly when it has more such colons than
 * the parsed value has own properties (counted over every nested object).
 */
export function parseJsonObject(bytes: Buffer, what: 'header' | 'claims'): Record<string, unknown> {
  if (!isUtf8(bytes)) throw malformed(`the token's ${what} is not UTF-8`);
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(`the token's ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(`the token's ${what} is not a JSON object`);
  if (countMembers(value) !== countNameSeparators(text))
    throw malformed(`the token's ${what} names a member twice`);
  return value as Record<string, unknown>;
}

const malformed = (message: string) => new VerifyError('ERR_TOKEN_MALFORMED', message);

/** Own properties of every object in a parsed JSON value (iterative: the input may nest deeply). */
export function countMembers(root: unknown): number {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'object' && item !== null) stack.push(item);
      continue;
    }
    for (const key in value) {
      count++;
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) stack.push(item);
    }
  }
  return count;
}

/**
 * Colons outside strings in a text JSON.parse accepted. Hops with indexOf (native) from quote to
 * quote, so the cost follows the number of strings, not characters.
 */
export function countNameSeparators(text: string): number {
  let count = 0;
  let from = 0;
  let colon = text.indexOf(':');
  for (;;) {
    const open = text.indexOf('"', from);
    const end = open === -1 ? text.length : open;
    while (colon !== -1 && colon < end) {
      count++;
      colon = text.indexOf(':', colon + 1);
    }
    if (open === -1 || colon === -1) return count;
    // Find the closing quote: one not preceded by an odd number of backslashes.
    let close = open;
    for (;;) {
      close = text.indexOf('"', close + 1);
      if (close === -1) return count;
      let slashes = 0;
      while (text.charCodeAt(close - 1 - slashes) === 92) slashes++;
      if ((slashes & 1) === 0) break;
    }
    from = close + 1;
    if (colon < from) colon = text.indexOf(':', from);
  }
}
