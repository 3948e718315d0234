import { TesseraError } from '../../core/errors.js';

/** RFC 7644 §3.12 scimTypes of a 400 that the resource layer raises. */
export type ScimType =
  | 'invalidSyntax'
  | 'invalidValue'
  | 'invalidPath'
  | 'noTarget'
  | 'mutability'
  | 'tooMany';

/** A 400 with the scimType of RFC 7644 §3.12; `detail` carries what is safe to show (attribute, operation). */
export const scimError = (
  scimType: ScimType,
  message: string,
  detail: Record<string, unknown> = {},
): TesseraError => new TesseraError('ERR_VALIDATION', message, { scimType, detail });
