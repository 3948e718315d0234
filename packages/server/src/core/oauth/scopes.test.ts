import { describe, expect, it } from 'vitest';
import { joinScope, splitScope } from './scopes.js';

describe('splitScope', () => {
  it('takes the OpenID Connect scopes out and sorts the permissions', () => {
    expect(splitScope('billing:write openid email billing:read offline_access profile')).toEqual({
      protocol: ['openid', 'profile', 'email', 'offline_access'],
      permissions: 'billing:read billing:write',
    });
  });

  it('has no permissions when only protocol scopes are asked for, or no scope at all', () => {
    expect(splitScope('openid')).toEqual({ protocol: ['openid'], permissions: undefined });
    expect(splitScope(undefined)).toEqual({ protocol: [], permissions: undefined });
    expect(splitScope('')).toEqual({ protocol: [], permissions: undefined });
  });

  it('de-duplicates, and leaves look-alikes of protocol scopes among the permissions', () => {
    expect(splitScope('openid openid OpenID crm:read crm:read')).toEqual({
      protocol: ['openid'],
      permissions: 'OpenID crm:read',
    });
  });

  it('joins protocol scopes and permissions back into one granted scope string', () => {
    expect(joinScope(['openid', 'email'], 'billing:read')).toBe('openid email billing:read');
    expect(joinScope([], undefined)).toBe('');
  });
});
