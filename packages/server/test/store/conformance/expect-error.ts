import { expect } from 'vitest';
import { type ErrorCode, TesseraError } from '../../../src/core/errors.js';

/** Asserts that `promise` rejects with a TesseraError of `code` (and detail containing `detail`). */
export async function expectTesseraError(
  promise: Promise<unknown>,
  code: ErrorCode,
  detail?: Record<string, unknown>,
): Promise<TesseraError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TesseraError);
  const error = err as TesseraError;
  expect(error.code).toBe(code);
  if (detail !== undefined) expect(error.detail).toMatchObject(detail);
  return error;
}
