/**
 * Whether `principal` holds `permission` (`resource:action`): the permission itself, or the
 * wildcard `resource:*` for the same resource (Tessera's grammar: the action may be `*`, the
 * resource may not). `undefined` (no principal) holds nothing.
 *
 * @example
 * ```ts
 * import { can } from '@tessera/verify';
 * const principal = await verifier.verify(token);
 * if (!can(principal, 'invoices:read')) throw new Error('forbidden');
 * ```
 */
export function can(
  principal: { readonly permissions: readonly string[] } | undefined,
  permission: string,
): boolean {
  if (typeof permission !== 'string' || permission.indexOf(':') <= 0)
    throw new TypeError(`can(): ${JSON.stringify(permission)} is not a "resource:action" permission`);
  if (principal === undefined) return false;
  for (const held of principal.permissions) if (grants(held, permission)) return true;
  return false;
}

/** Whether one held permission grants `wanted`: equal, or `resource:*` over the same resource. */
export function grants(held: string, wanted: string): boolean {
  if (held === wanted) return true;
  return (
    held.length > 2 &&
    held.endsWith(':*') &&
    wanted.length > held.length - 1 &&
    wanted.startsWith(held.slice(0, -1))
  );
}
