/**
 * The OAuth settings of a client (type, authentication method, redirect URIs, first-party flag,
 * registered keys): validation and the rules that tie them together. Pure; service.ts applies
 * them on create and update.
 */
import { invalid } from '../errors.js';
import {
  CLIENT_AUTH_METHODS,
  CLIENT_TYPES,
  type Client,
  type ClientAuthMethod,
  type ClientType,
  type GrantType,
  type PublicJwks,
} from '../model.js';

export interface ClientSettingsInput {
  type?: ClientType;
  tokenEndpointAuthMethod?: ClientAuthMethod;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  firstParty?: boolean;
  jwks?: PublicJwks | null;
}

export type ClientSettings = Pick<
  Client,
  'type' | 'tokenEndpointAuthMethod' | 'redirectUris' | 'postLogoutRedirectUris' | 'firstParty' | 'jwks'
>;

export const SETTING_FIELDS = [
  'type',
  'tokenEndpointAuthMethod',
  'redirectUris',
  'postLogoutRedirectUris',
  'firstParty',
  'jwks',
] as const satisfies readonly (keyof ClientSettings)[];

const MAX_URIS = 20;
const MAX_KEYS = 10;
/** JWK members that only a private key has (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * The settings after applying `input` over `before` (or over the defaults of a new client), and
 * checked as a whole: a public client authenticates with `none` and may not use
 * client_credentials; private_key_jwt needs keys; a client using the authorization code grant
 * needs a redirect URI.
 */
export function resolveSettings(
  input: ClientSettingsInput,
  grantTypes: readonly GrantType[],
  before?: ClientSettings,
): ClientSettings {
  const type = input.type === undefined ? (before?.type ?? 'confidential') : clientType(input.type);
  const typeChanged = before !== undefined && type !== before.type;
  const method =
    input.tokenEndpointAuthMethod !== undefined
      ? authMethod(input.tokenEndpointAuthMethod)
      : before !== undefined && !typeChanged
        ? before.tokenEndpointAuthMethod
        : type === 'public'
          ? 'none'
          : 'client_secret_basic';
  const settings: ClientSettings = {
    type,
    tokenEndpointAuthMethod: method,
    redirectUris:
      input.redirectUris === undefined
        ? (before?.redirectUris ?? [])
        : uriList(input.redirectUris, 'redirectUris'),
    postLogoutRedirectUris:
      input.postLogoutRedirectUris === undefined
        ? (before?.postLogoutRedirectUris ?? [])
        : uriList(input.postLogoutRedirectUris, 'postLogoutRedirectUris'),
    firstParty: input.firstParty === undefined ? (before?.firstParty ?? false) : flag(input.firstParty),
    jwks: input.jwks === undefined ? (before?.jwks ?? null) : input.jwks === null ? null : jwks(input.jwks),
  };

  if (type === 'public' && method !== 'none') {
    throw invalid(
      'a public client authenticates with tokenEndpointAuthMethod "none"',
      'tokenEndpointAuthMethod',
    );
  }
  if (type === 'confidential' && method === 'none') {
    throw invalid('tokenEndpointAuthMethod "none" is for public clients', 'tokenEndpointAuthMethod');
  }
  if (type === 'public' && grantTypes.includes('client_credentials')) {
    throw invalid('a public client cannot use client_credentials (RFC 6749 §4.4)', 'grantTypes');
  }
  if (method === 'private_key_jwt' && (settings.jwks === null || settings.jwks.keys.length === 0)) {
    throw invalid('private_key_jwt needs the client\'s public keys in "jwks"', 'jwks');
  }
  if (grantTypes.includes('authorization_code') && settings.redirectUris.length === 0) {
    throw invalid('the authorization_code grant needs at least one redirect URI', 'redirectUris');
  }
  return settings;
}

function clientType(value: unknown): ClientType {
  if (!CLIENT_TYPES.includes(value as ClientType)) {
    throw invalid(`type must be one of: ${CLIENT_TYPES.join(', ')}`, 'type');
  }
  return value as ClientType;
}

function authMethod(value: unknown): ClientAuthMethod {
  if (!CLIENT_AUTH_METHODS.includes(value as ClientAuthMethod)) {
    throw invalid(
      `tokenEndpointAuthMethod must be one of: ${CLIENT_AUTH_METHODS.join(', ')}`,
      'tokenEndpointAuthMethod',
    );
  }
  return value as ClientAuthMethod;
}

function flag(value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid('firstParty must be a boolean', 'firstParty');
  return value;
}

function uriList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length > MAX_URIS) {
    throw invalid(`${field} must be a list of at most ${MAX_URIS} URIs`, field);
  }
  return [...new Set(value.map((uri) => redirectUri(uri, field)))];
}

/**
 * A redirect URI as RFC 9700 §2.1 and RFC 8252 allow it: absolute, no fragment, no user info;
 * https, or http only on a loopback host (native apps), or a private-use scheme with a dot
 * (`com.example.app:/callback`, RFC 8252 §7.1). Wildcards are refused: matching is exact.
 */
export function redirectUri(value: unknown, field = 'redirectUri'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) {
    throw invalid(`${field}: each URI must be a string of 1 to 2048 characters`, field);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${field}: ${JSON.stringify(value)} is not an absolute URI`, field);
  }
  if (value.includes('#')) throw invalid(`${field}: a redirect URI must not have a fragment`, field);
  if (value.includes('*')) throw invalid(`${field}: wildcards are not allowed; URIs match exactly`, field);
  if (url.username !== '' || url.password !== '') {
    throw invalid(`${field}: a redirect URI must not carry user information`, field);
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') return value;
  if (scheme === 'http') {
    if (['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return value;
    throw invalid(`${field}: http is allowed only for loopback addresses (use https)`, field);
  }
  if (['javascript', 'data', 'file', 'vbscript', 'blob'].includes(scheme) || !scheme.includes('.')) {
    throw invalid(`${field}: use https, loopback http or a reverse-domain private-use scheme`, field);
  }
  return value;
}

function jwks(value: unknown): PublicJwks {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== 'object' || value === null || !Array.isArray(keys) || keys.length > MAX_KEYS) {
    throw invalid(`jwks must be a JWK Set ({"keys": [...]}) of at most ${MAX_KEYS} keys`, 'jwks');
  }
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || Array.isArray(key) || typeof key.kty !== 'string') {
      throw invalid('jwks: every key must be a JWK object with "kty"', 'jwks');
    }
    if (PRIVATE_MEMBERS.some((member) => member in key)) {
      throw invalid('jwks must hold public keys only (a private or symmetric member was sent)', 'jwks');
    }
  }
  return { keys: keys as Record<string, unknown>[] };
}
