/**
 * Filters with unquoted values. RFC 7644 §3.4.2.2 wants JSON values (`userName sw "O"`), but
 * Microsoft's SCIM test collection for Entra ID sends `userName sw O`, `emails.Value co
 * example.com` and `meta.Created gt 2015-10-10T14:38:21.8617979-07:00`. A filter is parsed as
 * the RFC says first; only when that fails are bare words after an operator quoted and the
 * result parsed again. If that fails too, the first error stands, so a malformed filter is
 * reported against what the client wrote.
 */
import { TesseraError } from '../../core/errors.js';
import type { Filter } from '../filter/ast.js';
import { parseFilter } from '../filter/parse.js';

const STRING = /"(?:[^"\\]|\\.)*"?/g;
const BARE = /(\s)(eq|ne|co|sw|ew|gt|ge|lt|le)(\s+)([^\s"()[\]][^\s()[\]]*)/gi;
const JSON_LITERAL = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;

export function parseFilterLenient(input: string): Filter {
  try {
    return parseFilter(input);
  } catch (err) {
    if (!(err instanceof TesseraError)) throw err;
    const quoted = quoteBareValues(input);
    if (quoted === input) throw err;
    try {
      return parseFilter(quoted);
    } catch {
      throw err;
    }
  }
}

/** Quotes the bare word after each comparison operator, outside JSON strings. */
export function quoteBareValues(input: string): string {
  let out = '';
  let last = 0;
  for (const match of input.matchAll(STRING)) {
    out += quoteIn(input.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + quoteIn(input.slice(last));
}

const quoteIn = (segment: string): string =>
  segment.replace(BARE, (all, space: string, op: string, gap: string, value: string) =>
    JSON_LITERAL.test(value) ? all : `${space}${op}${gap}${JSON.stringify(value)}`,
  );
