import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { hashSecret } from '../ids.js';
import type { Client } from '../model.js';
import { authenticateClient, readClientCredentials } from './client-auth.js';

const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as TesseraError).code;
  }
  return 'none';
};

describe('readClientCredentials', () => {
  it('reads client_secret_basic, form-decoding both parts after the split (RFC 6749 §2.3.1)', () => {
    expect(readClientCredentials({}, basic('my%3Aclient:s%2Bcr+t'))).toEqual({
      method: 'client_secret_basic',
      clientId: 'my:client',
      secret: 's+cr t',
    });
    expect(readClientCredentials({ client_id: 'a' }, basic('a:b')).clientId).toBe('a');
  });

  it('reads client_secret_post', () => {
    expect(readClientCredentials({ client_id: 'a', client_secret: 'b' }, undefined)).toEqual({
      method: 'client_secret_post',
      clientId: 'a',
      secret: 'b',
    });
  });

  it('refuses two methods, mismatched ids, repeats, malformed and missing credentials', () => {
    expect(code(() => readClientCredentials({ client_secret: 'b' }, basic('a:b')))).toBe(
      'ERR_INVALID_REQUEST',
    );
    expect(code(() => readClientCredentials({ client_id: 'x' }, basic('a:b')))).toBe('ERR_INVALID_REQUEST');
    expect(code(() => readClientCredentials({ client_id: ['a', 'a'], client_secret: 'b' }, undefined))).toBe(
      'ERR_INVALID_REQUEST',
    );
    expect(code(() => readClientCredentials({}, basic('no-colon')))).toBe('ERR_INVALID_CLIENT');
    expect(code(() => readClientCredentials({}, basic('a:%zz')))).toBe('ERR_INVALID_CLIENT');
    expect(code(() => readClientCredentials({}, basic(':secret')))).toBe('ERR_INVALID_CLIENT');
    expect(code(() => readClientCredentials({}, 'Bearer x'))).toBe('ERR_INVALID_CLIENT');
    expect(code(() => readClientCredentials({}, undefined))).toBe('ERR_INVALID_CLIENT');
    expect(code(() => readClientCredentials({}, basic(`${'a'.repeat(300)}:b`)))).toBe('ERR_INVALID_CLIENT');
  });

  it('reads a bare client_id as a public client identifying itself (method none)', () => {
    expect(readClientCredentials({ client_id: 'a' }, undefined)).toEqual({
      method: 'none',
      clientId: 'a',
      secret: '',
    });
  });
});

describe('authenticateClient', () => {
  const client = {
    clientId: 'a',
    secretHash: hashSecret('right'),
    enabled: true,
    tokenEndpointAuthMethod: 'client_secret_basic',
  } as Client;
  const creds = (secret: string) => ({ method: 'client_secret_post' as const, clientId: 'a', secret });

  it('accepts the right secret and refuses the rest alike', () => {
    expect(authenticateClient(client, creds('right'))).toBe(client);
    for (const attempt of [
      () => authenticateClient(client, creds('wrong')),
      () => authenticateClient(undefined, creds('right')),
    ]) {
      expect(attempt).toThrow(TesseraError);
      expect(attempt).toThrow('client authentication failed');
    }
  });

  it('tells a disabled client so only once it proved its secret', () => {
    const disabled = { ...client, enabled: false };
    expect(() => authenticateClient(disabled, creds('wrong'))).toThrow('client authentication failed');
    expect(() => authenticateClient(disabled, creds('right'))).toThrow('the client is disabled');
  });
});

describe('authenticateClient with method none', () => {
  const none = { method: 'none' as const, clientId: 'a', secret: '' };
  const publicClient = {
    clientId: 'a',
    secretHash: '',
    enabled: true,
    tokenEndpointAuthMethod: 'none',
  } as Client;

  it('admits a public client by its client_id alone', () => {
    expect(authenticateClient(publicClient, none)).toBe(publicClient);
  });

  it('refuses a confidential client that leaves out its secret, and an unknown client, alike', () => {
    const confidential = {
      ...publicClient,
      secretHash: hashSecret('s'),
      tokenEndpointAuthMethod: 'client_secret_post',
    } as Client;
    expect(() => authenticateClient(confidential, none)).toThrow('client authentication failed');
    expect(() => authenticateClient(undefined, none)).toThrow('client authentication failed');
  });

  it('refuses a secret presented for a public client (its empty hash matches nothing)', () => {
    expect(() =>
      authenticateClient(publicClient, { method: 'client_secret_post', clientId: 'a', secret: '' }),
    ).toThrow('client authentication failed');
  });
});
