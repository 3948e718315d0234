import { TesseraError } from './errors.js';

/** `resource:action`; lowercase letters, digits, `.`, `_`, `-`; the action may be `*`. */
const PERMISSION = /^[a-z0-9._-]{1,64}:(?:[a-z0-9._-]{1,64}|\*)$/;
/** Role names and application namespaces share the permission alphabet. */
const NAME = /^[a-z0-9._-]{1,64}$/;

export function assertPermission(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !PERMISSION.test(value)) {
    throw new TesseraError(
      'ERR_INVALID_PERMISSION',
      `invalid permission ${JSON.stringify(value)}: expected "resource:action" of lowercase letters, digits, ".", "_", "-" (action may be "*")`,
      { detail: { field: 'permissions', value } },
    );
  }
}

/** Validates, de-duplicates and sorts a permission list. */
export function normalizePermissions(values: readonly unknown[]): string[] {
  for (const value of values) assertPermission(value);
  return [...new Set(values as string[])].sort();
}

export function assertName(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new TesseraError(
      'ERR_VALIDATION',
      `invalid ${field} ${JSON.stringify(value)}: expected 1-64 lowercase letters, digits, ".", "_", "-"`,
      { detail: { field } },
    );
  }
}

/** The namespace (resource part) of a permission. */
export const namespaceOf = (permission: string): string => permission.slice(0, permission.indexOf(':'));

/** Whether `held` grants `wanted`: equal, or `held` is `resource:*` for the same resource. */
export function grants(held: string, wanted: string): boolean {
  if (held === wanted) return true;
  return held.endsWith(':*') && wanted.startsWith(held.slice(0, -1));
}

/** Whether any held permission grants `wanted`. */
export const anyGrants = (held: readonly string[], wanted: string): boolean =>
  held.some((h) => grants(h, wanted));
