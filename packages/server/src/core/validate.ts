import { invalid } from './errors.js';

/** A trimmed, non-empty string of at most `max` characters without control characters. */
export function text(value: unknown, field: string, max = 256): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string`, field);
  const trimmed = value.trim();
  if (trimmed.length === 0) throw invalid(`${field} must not be empty`, field);
  if (trimmed.length > max) throw invalid(`${field} must be at most ${max} characters`, field);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(trimmed))
    throw invalid(`${field} must not contain control characters`, field);
  return trimmed;
}

export function optionalText(value: unknown, field: string, max = 256): string | null {
  return value === undefined || value === null || value === '' ? null : text(value, field, max);
}

/** An absolute URI, as RFC 8707 requires for resource indicators. */
export function absoluteUri(value: unknown, field: string): string {
  const s = text(value, field, 2048);
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw invalid(`${field} must be an absolute URI`, field);
  }
  if (url.hash) throw invalid(`${field} must not contain a fragment (RFC 8707 §2)`, field);
  return s;
}
