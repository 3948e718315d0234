import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { type ClientSettings, redirectUri, resolveSettings } from './settings.js';

const field = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TesseraError);
    return (err as TesseraError).detail?.field as string;
  }
  return undefined;
};

const EC_KEY = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};

describe('client settings', () => {
  it('defaults a new client to confidential with client_secret_basic, and a public one to none', () => {
    expect(resolveSettings({}, ['client_credentials'])).toEqual({
      type: 'confidential',
      tokenEndpointAuthMethod: 'client_secret_basic',
      redirectUris: [],
      postLogoutRedirectUris: [],
      firstParty: false,
      jwks: null,
    });
    expect(
      resolveSettings({ type: 'public', redirectUris: ['https://a.example/cb'] }, ['authorization_code']),
    ).toMatchObject({
      type: 'public',
      tokenEndpointAuthMethod: 'none',
    });
  });

  it('ties type and method together', () => {
    expect(
      field(() => resolveSettings({ type: 'public', tokenEndpointAuthMethod: 'client_secret_basic' }, [])),
    ).toBe('tokenEndpointAuthMethod');
    expect(field(() => resolveSettings({ tokenEndpointAuthMethod: 'none' }, []))).toBe(
      'tokenEndpointAuthMethod',
    );
    expect(field(() => resolveSettings({ type: 'public' }, ['client_credentials']))).toBe('grantTypes');
    expect(field(() => resolveSettings({ type: 'spa' as never }, []))).toBe('type');
    expect(field(() => resolveSettings({ tokenEndpointAuthMethod: 'tls_client_auth' as never }, []))).toBe(
      'tokenEndpointAuthMethod',
    );
  });

  it('requires keys for private_key_jwt, public members only', () => {
    expect(field(() => resolveSettings({ tokenEndpointAuthMethod: 'private_key_jwt' }, []))).toBe('jwks');
    expect(
      field(() => resolveSettings({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [] } }, [])),
    ).toBe('jwks');
    expect(
      field(() =>
        resolveSettings(
          { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ ...EC_KEY, d: 'secret' }] } },
          [],
        ),
      ),
    ).toBe('jwks');
    expect(field(() => resolveSettings({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, []))).toBe(
      'jwks',
    );
    expect(field(() => resolveSettings({ jwks: { keys: [{ crv: 'P-256' }] } }, []))).toBe('jwks');
    expect(
      resolveSettings({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [EC_KEY] } }, []).jwks,
    ).toEqual({ keys: [EC_KEY] });
  });

  it('requires a redirect URI for the authorization code grant', () => {
    expect(field(() => resolveSettings({}, ['authorization_code']))).toBe('redirectUris');
    const before: ClientSettings = resolveSettings({ redirectUris: ['https://a.example/cb'] }, [
      'authorization_code',
    ]);
    expect(field(() => resolveSettings({ redirectUris: [] }, ['authorization_code'], before))).toBe(
      'redirectUris',
    );
  });

  it('keeps what an update does not name, and re-derives the method when only the type changes', () => {
    const before = resolveSettings(
      {
        redirectUris: ['https://a.example/cb'],
        postLogoutRedirectUris: ['https://a.example/bye'],
        firstParty: true,
      },
      ['authorization_code'],
    );
    const after = resolveSettings({ type: 'public' }, ['authorization_code'], before);
    expect(after).toEqual({ ...before, type: 'public', tokenEndpointAuthMethod: 'none' });
    expect(resolveSettings({ firstParty: false }, ['authorization_code'], after).redirectUris).toEqual([
      'https://a.example/cb',
    ]);
  });

  it('accepts exact redirect URIs only: https, loopback http, private-use schemes; no fragments, wildcards, userinfo', () => {
    for (const ok of [
      'https://app.example/callback',
      'https://app.example/callback?x=1',
      'http://127.0.0.1:8080/cb',
      'http://localhost/cb',
      'http://[::1]:9000/cb',
      'com.example.app:/oauth2redirect',
    ]) {
      expect(redirectUri(ok)).toBe(ok);
    }
    for (const bad of [
      'http://app.example/callback',
      'https://app.example/cb#frag',
      'https://*.example/cb',
      'https://user:pw@app.example/cb',
      'javascript:alert(1)',
      'data:text/html,x',
      'myapp:/cb',
      '/relative',
      '',
      `https://a.example/${'x'.repeat(2100)}`,
    ]) {
      expect(
        field(() => redirectUri(bad, 'redirectUris')),
        bad,
      ).toBe('redirectUris');
    }
    expect(
      resolveSettings({ redirectUris: ['https://a.example/cb', 'https://a.example/cb'] }, []).redirectUris,
    ).toEqual(['https://a.example/cb']);
    expect(
      field(() =>
        resolveSettings({ redirectUris: Array.from({ length: 21 }, (_, i) => `https://a.example/${i}`) }, []),
      ),
    ).toBe('redirectUris');
  });
});
