import { describe, expect, it } from 'vitest';
import { can } from './can.js';

const p = (...permissions: string[]) => ({ permissions });

describe('can', () => {
  it('matches exactly or through resource:*', () => {
    expect(can(p('invoices:read'), 'invoices:read')).toBe(true);
    expect(can(p('invoices:*'), 'invoices:delete')).toBe(true);
    expect(can(p('invoices:*'), 'invoices:*')).toBe(true);
    expect(can(p('invoices:read'), 'invoices:*')).toBe(false);
    expect(can(p('invoices:*'), 'invoicesx:read')).toBe(false);
    expect(can(p('invoices:*'), 'invoices:')).toBe(false);
    expect(can(p(':*'), 'x:read')).toBe(false);
    expect(can(p(), 'invoices:read')).toBe(false);
    expect(can(undefined, 'invoices:read')).toBe(false);
  });

  it('is a TypeError to ask for something that is not resource:action', () => {
    expect(() => can(p('a:b'), 'invoices')).toThrow(TypeError);
    expect(() => can(p('a:b'), ':read')).toThrow(TypeError);
  });
});
