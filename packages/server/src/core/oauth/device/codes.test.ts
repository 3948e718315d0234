import { describe, expect, it } from 'vitest';
import {
  formatUserCode,
  mintDeviceCode,
  mintUserCode,
  normalizeUserCode,
  USER_CODE_ALPHABET,
} from './codes.js';

describe('device flow codes', () => {
  it('mints user codes of 8 characters from the unambiguous alphabet only', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i += 1) {
      const code = mintUserCode();
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      for (const c of code) seen.add(c);
    }
    // Every letter of the alphabet turns up (a biased generator that skipped one would not).
    expect([...seen].sort().join('')).toBe(USER_CODE_ALPHABET);
  });

  it('compares user codes without regard to case, dashes or spaces', () => {
    expect(formatUserCode('BCDFGHJK')).toBe('BCDF-GHJK');
    expect(normalizeUserCode('bcdf-ghjk')).toBe('BCDFGHJK');
    expect(normalizeUserCode(' BCDF GHJK ')).toBe('BCDFGHJK');
    expect(normalizeUserCode('BCDF--GHJK')).toBe('BCDFGHJK');
  });

  it('refuses what cannot be a user code', () => {
    for (const bad of ['', 'BCDF-GHJ', 'BCDF-GHJKL', 'ABCD-EFGH', '0000-0000', 'BCDF_GHJK', 42, undefined]) {
      expect(normalizeUserCode(bad)).toBeUndefined();
    }
    expect(normalizeUserCode('B'.repeat(100))).toBeUndefined();
  });

  it('mints 256-bit device codes and stores only their hash', () => {
    const { code, hash } = mintDeviceCode();
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toBe(code);
    expect(mintDeviceCode().code).not.toBe(code);
  });
});
