import { describe, expect, it } from 'vitest';
import { narrowToScope, permissionsInNamespace } from './scope.js';

describe('permissionsInNamespace', () => {
  it('keeps the namespace exactly, wildcards as they are', () => {
    expect(
      permissionsInNamespace(['billing:read', 'billing:*', 'billing2:read', 'crm:read'], 'billing'),
    ).toEqual(['billing:read', 'billing:*']);
  });
});

describe('narrowToScope', () => {
  const held = ['billing:read', 'crm:*'];
  it('returns the requested permissions, sorted and de-duplicated, when all are held', () => {
    expect(narrowToScope(held, 'crm:write billing:read crm:write')).toEqual({
      permissions: ['billing:read', 'crm:write'],
      scope: 'billing:read crm:write',
    });
    expect(narrowToScope(held, 'crm:*').permissions).toEqual(['crm:*']);
  });

  it('refuses more than is held, and malformed scope strings', () => {
    for (const scope of [
      'billing:write',
      'billing:*',
      ' billing:read',
      'billing:read  crm:x',
      'a"b',
      'billing:read\n',
    ]) {
      expect(() => narrowToScope(held, scope)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_SCOPE' }),
      );
    }
  });
});
