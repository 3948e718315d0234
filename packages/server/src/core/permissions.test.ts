import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TesseraError } from './errors.js';
import { anyGrants, assertPermission, grants, namespaceOf, normalizePermissions } from './permissions.js';

describe('permissions', () => {
  it('accepts resource:action over the allowed alphabet, and resource:*', () => {
    for (const ok of ['invoices:read', 'billing:*', 'a.b-c_d:e.f-g_h', 'x1:y2'])
      expect(() => assertPermission(ok)).not.toThrow();
  });

  it('rejects everything else with ERR_INVALID_PERMISSION', () => {
    for (const bad of [
      '',
      'read',
      'Invoices:read',
      'a:B',
      'a:b:c',
      ':b',
      'a:',
      '*:read',
      'a:*b',
      'a :b',
      'a:b ',
      'é:b',
      42,
      null,
    ]) {
      expect(() => assertPermission(bad), String(bad)).toThrow(TesseraError);
      try {
        assertPermission(bad);
      } catch (err) {
        expect((err as TesseraError).code).toBe('ERR_INVALID_PERMISSION');
      }
    }
  });

  it('normalizes to a sorted, de-duplicated list', () => {
    expect(normalizePermissions(['b:x', 'a:y', 'b:x'])).toEqual(['a:y', 'b:x']);
  });

  it('matches wildcards only within the same resource', () => {
    expect(grants('billing:*', 'billing:read')).toBe(true);
    expect(grants('billing:*', 'billingx:read')).toBe(false);
    expect(grants('billing:read', 'billing:*')).toBe(false);
    expect(anyGrants(['a:read', 'tessera:*'], 'tessera:admin')).toBe(true);
    expect(namespaceOf('billing:read')).toBe('billing');
  });

  it('a wildcard grants exactly the permissions of its resource (property)', () => {
    const part = fc.stringMatching(/^[a-z0-9._-]{1,12}$/);
    fc.assert(
      fc.property(part, part, part, (r1, r2, action) => {
        expect(grants(`${r1}:*`, `${r2}:${action}`)).toBe(r1 === r2);
      }),
    );
  });
});
