import { describe, expect, it } from 'vitest';
import {
  CURRENT_PARAMS,
  checkPasswordPolicy,
  hashPassword,
  needsRehash,
  parsePasswordHash,
  verifyPassword,
} from './passwords.js';

const user = { userName: 'ada', emails: [{ value: 'Ada@Example.com' }] };

describe('passwords', () => {
  it('hashes to a self-describing PHC-style string that verifies only the same password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(hash); // salted
  });

  it('compares after NFC normalization (composed and decomposed accents are one password)', async () => {
    const hash = await hashPassword('caf\u00e9 au lait ok', { ln: 10, r: 8, p: 1 });
    expect(await verifyPassword('cafe\u0301 au lait ok', hash)).toBe(true);
  });

  it('verifies hashes made with older parameters and says they need a rehash', async () => {
    const old = await hashPassword('correct horse battery', { ln: 12, r: 8, p: 1 });
    expect(await verifyPassword('correct horse battery', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword('x'.repeat(12)))).toBe(false);
    expect(parsePasswordHash(old)?.params).toEqual({ ln: 12, r: 8, p: 1 });
    expect(CURRENT_PARAMS).toEqual({ ln: 15, r: 8, p: 1 });
  });

  it('refuses malformed hashes and parameters beyond the limits instead of running them', async () => {
    for (const bad of [
      '',
      'plain',
      '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '$argon2id$v=19$m=65536,t=3,p=4$xx$yy',
    ]) {
      expect(parsePasswordHash(bad)).toBeUndefined();
      expect(await verifyPassword('anything at all', bad)).toBe(false);
    }
  });

  it('policy: 12 to 256 characters, not the user name or an email address', () => {
    expect(() => checkPasswordPolicy('elevenchars', user)).toThrow(/at least 12/);
    expect(() => checkPasswordPolicy('\u{1F600}'.repeat(11), user)).toThrow(/at least 12/); // code points, not UTF-16 units
    expect(() => checkPasswordPolicy('x'.repeat(257), user)).toThrow(/at most 256/);
    expect(() => checkPasswordPolicy(' ada@example.COM ', user)).toThrow(/user name or email/);
    expect(() => checkPasswordPolicy('ADA', { userName: 'adaadaadaadaada', emails: [] })).toThrow(
      /at least 12/,
    );
    expect(() => checkPasswordPolicy('adaadaadaadaada', { userName: 'AdaAdaAdaAdaAda', emails: [] })).toThrow(
      /user name/,
    );
    expect(() => checkPasswordPolicy('twelve chars', user)).not.toThrow();
  });
});
