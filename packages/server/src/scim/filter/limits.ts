/** Bounds on what the parsers accept, so a hostile filter costs little and fails clearly. */
export interface ParseLimits {
  /** Longest accepted input in UTF-16 code units. Default 10,000. */
  maxLength?: number;
  /** Deepest accepted nesting of `(`, `not (` and `[`. Default 64. */
  maxDepth?: number;
}

export const DEFAULT_MAX_LENGTH = 10_000;
export const DEFAULT_MAX_DEPTH = 64;

export function resolveLimits(limits: ParseLimits = {}): Required<ParseLimits> {
  const maxLength = limits.maxLength ?? DEFAULT_MAX_LENGTH;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1)
    throw new TypeError(`maxLength must be a positive integer, got ${String(maxLength)}`);
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1)
    throw new TypeError(`maxDepth must be a positive integer, got ${String(maxDepth)}`);
  return { maxLength, maxDepth };
}
