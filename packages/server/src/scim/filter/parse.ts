import type { Filter } from './ast.js';
import { type ParseLimits, resolveLimits } from './limits.js';
import { Parser } from './parser.js';

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into a typed AST.
 *
 * Keywords and operators are case-insensitive; whitespace between tokens may be any run of
 * spaces, tabs or line breaks (figure 1 writes a single SP), and it is required only where two
 * words or values would otherwise run together. `not(` and `not (` are both accepted
 * (erratum 7319).
 *
 * @throws TesseraError `ERR_VALIDATION` with scimType `invalidFilter` and `detail.position`
 *   (0-based offset) for any malformed, too long or too deeply nested input.
 * @throws TypeError when `input` is not a string or the limits are not positive integers.
 */
export function parseFilter(input: string, limits?: ParseLimits): Filter {
  if (typeof input !== 'string') throw new TypeError('a filter must be a string');
  const resolved = resolveLimits(limits);
  Parser.checkLength(input, resolved, 'invalidFilter', 'filter');
  const parser = new Parser(input, resolved, 'invalidFilter');
  const filter = parser.parseFilter(false);
  parser.expectClose('end');
  return filter;
}
