import { TesseraError } from '../../core/errors.js';

/** RFC 7644 §3.12 `scimType`s of the language layer. */
export type ScimSyntaxType = 'invalidFilter' | 'invalidPath';

/**
 * A syntax error at a character offset (0-based, in UTF-16 code units, as `String#slice`
 * counts). The message says what was expected there; `detail.position` carries the offset.
 */
export function syntaxError(scimType: ScimSyntaxType, message: string, position: number): TesseraError {
  const what = scimType === 'invalidPath' ? 'invalid path' : 'invalid filter';
  return new TesseraError('ERR_VALIDATION', `${what}: ${message}`, { scimType, detail: { position } });
}

/**
 * RFC 7644 §3.12 invalidFilter: "the specified attribute and filter comparison combination is
 * not supported" (e.g. `gt` on a boolean, `co` on a number).
 */
export function unsupportedComparison(message: string, detail: Record<string, unknown>): TesseraError {
  return new TesseraError('ERR_VALIDATION', `invalid filter: ${message}`, {
    scimType: 'invalidFilter',
    detail,
  });
}
