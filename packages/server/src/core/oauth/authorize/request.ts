/**
 * Reading an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1) in two
 * steps. First the client and its redirect URI: until both are known and match, an error must
 * not be redirected anywhere (RFC 6749 §4.1.2.1; RFC 9700 §4.11: no open redirector), so these
 * errors are TesseraErrors the HTTP layer shows as a page. Then the rest: errors are
 * AuthorizeErrors (or TesseraErrors with an OAuth code) that go back to the redirect URI.
 */
import { TesseraError } from '../../errors.js';
import type { Application, Client } from '../../model.js';
import { single, type TokenParams } from '../../tokens/params.js';
import { splitScope } from '../scopes.js';
import { AuthorizeError, badClientRequest } from './errors.js';
import { isS256Challenge } from './pkce.js';

export interface AuthorizeLookup {
  client(clientId: string): Promise<Client | undefined>;
  application(audience: string): Promise<Application | undefined>;
}

/** The client and the redirect URI it registered, both checked. */
export interface AuthorizeTarget {
  client: Client;
  redirectUri: string;
  /** Echoed back on every response, errors included (RFC 6749 §4.1.2). */
  state: string | undefined;
}

export type Prompt = 'none' | 'login' | 'consent' | 'select_account';
const PROMPTS: readonly Prompt[] = ['none', 'login', 'consent', 'select_account'];

export interface AuthorizationRequest extends AuthorizeTarget {
  codeChallenge: string;
  /** OpenID Connect scopes requested (openid, profile, email, offline_access). */
  protocol: string[];
  /** Requested permissions, sorted, space-separated; undefined: all the user holds in the audience. */
  permissions: string | undefined;
  application: Application;
  nonce: string | undefined;
  prompt: Prompt[];
  /** OIDC Core §3.1.2.1 max_age in seconds. */
  maxAge: number | undefined;
}

const MAX_PARAM = 2048;

/** Step 1: client_id and redirect_uri. Failures are shown to the user, never redirected. */
export async function resolveTarget(lookup: AuthorizeLookup, params: TokenParams): Promise<AuthorizeTarget> {
  const clientId = single(params, 'client_id');
  if (clientId === undefined)
    throw badClientRequest('The request does not name the application (client_id).');
  const client = clientId.length > 256 ? undefined : await lookup.client(clientId);
  if (!client?.enabled) {
    throw badClientRequest('The application that sent you here is unknown or disabled.');
  }
  if (!client.grantTypes.includes('authorization_code')) {
    throw badClientRequest('The application that sent you here may not sign users in (authorization_code).');
  }
  const redirectUri = single(params, 'redirect_uri');
  if (redirectUri === undefined) {
    throw badClientRequest('The request does not say where to return (redirect_uri).');
  }
  // RFC 9700 §2.1 / §4.1.3: exact string comparison, no prefix, pattern or normalization.
  if (!client.redirectUris.includes(redirectUri)) {
    throw badClientRequest('The return address (redirect_uri) is not registered for this application.');
  }
  const state = single(params, 'state');
  if (state !== undefined && state.length > MAX_PARAM) {
    throw badClientRequest('The request state is too long.');
  }
  return { client, redirectUri, state };
}

/** Step 2: the rest of the request, against a trusted target. Failures are redirected. */
export async function readAuthorizationRequest(
  lookup: AuthorizeLookup,
  target: AuthorizeTarget,
  params: TokenParams,
): Promise<AuthorizationRequest> {
  const get = (name: string): string | undefined => {
    try {
      const value = single(params, name);
      if (value !== undefined && value.length > MAX_PARAM) {
        throw new AuthorizeError('invalid_request', `the parameter ${name} is too long`);
      }
      return value;
    } catch (err) {
      if (err instanceof TesseraError) throw new AuthorizeError('invalid_request', err.message);
      throw err;
    }
  };
  if (get('request') !== undefined) {
    throw new AuthorizeError('request_not_supported', 'request objects are not supported');
  }
  if (get('request_uri') !== undefined) {
    throw new AuthorizeError('request_uri_not_supported', 'request_uri is not supported');
  }
  const responseType = get('response_type');
  if (responseType === undefined) {
    throw new AuthorizeError('invalid_request', 'the request is missing a required parameter: response_type');
  }
  if (responseType !== 'code') {
    throw new AuthorizeError(
      'unsupported_response_type',
      'only response_type=code is supported (authorization code with PKCE)',
    );
  }
  const responseMode = get('response_mode');
  if (responseMode !== undefined && responseMode !== 'query') {
    throw new AuthorizeError('invalid_request', 'only response_mode=query is supported');
  }

  // RFC 7636 §4.3 and RFC 9700 §2.1.1: PKCE for every client, S256 only. A missing method
  // means `plain` (§4.3), which is refused like an explicit one.
  const codeChallenge = get('code_challenge');
  const method = get('code_challenge_method');
  if (codeChallenge === undefined) {
    throw new AuthorizeError('invalid_request', 'code_challenge is required (PKCE, RFC 7636)');
  }
  if (method !== 'S256') {
    throw new AuthorizeError('invalid_request', 'code_challenge_method must be S256; plain is not allowed');
  }
  if (!isS256Challenge(codeChallenge)) {
    throw new AuthorizeError('invalid_request', 'code_challenge must be 43 base64url characters (S256)');
  }

  const scope = get('scope');
  if (scope !== undefined && !/^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scope)) {
    throw new AuthorizeError('invalid_scope', 'the requested scope is malformed');
  }
  const { protocol, permissions } = splitScope(scope);

  const application = await resolveApplication(lookup, target.client, params);

  const promptValue = get('prompt');
  const prompt = promptValue === undefined ? [] : [...new Set(promptValue.split(' '))];
  for (const value of prompt) {
    if (!PROMPTS.includes(value as Prompt)) {
      throw new AuthorizeError('invalid_request', `unsupported prompt value ${JSON.stringify(value)}`);
    }
  }
  if (prompt.includes('none') && prompt.length > 1) {
    throw new AuthorizeError('invalid_request', 'prompt=none cannot be combined with other values');
  }
  const maxAgeValue = get('max_age');
  let maxAge: number | undefined;
  if (maxAgeValue !== undefined) {
    if (!/^\d{1,10}$/.test(maxAgeValue)) {
      throw new AuthorizeError('invalid_request', 'max_age must be a non-negative integer of seconds');
    }
    maxAge = Number(maxAgeValue);
  }

  return {
    ...target,
    codeChallenge,
    protocol,
    permissions,
    application,
    nonce: get('nonce'),
    prompt: prompt as Prompt[],
    maxAge,
  };
}

/** RFC 8707: one `resource`, an absolute URI without fragment, or the client's default audience. */
async function resolveApplication(
  lookup: AuthorizeLookup,
  client: Client,
  params: TokenParams,
): Promise<Application> {
  const raw = params.resource;
  const resources = (raw === undefined ? [] : typeof raw === 'string' ? [raw] : [...raw]).filter(
    (r) => r !== '',
  );
  if (resources.length > 1) {
    throw new AuthorizeError('invalid_target', 'only one resource per authorization request is supported');
  }
  const audience = resources[0] ?? client.defaultAudience;
  if (audience === undefined || audience === null) {
    throw new AuthorizeError(
      'invalid_target',
      'the request names no resource and the client has no default audience',
    );
  }
  if (
    resources[0] !== undefined &&
    (!URL.canParse(audience) || audience.includes('#') || audience.length > MAX_PARAM)
  ) {
    throw new AuthorizeError('invalid_target', 'the resource must be an absolute URI without a fragment');
  }
  const application = await lookup.application(audience);
  if (!application) throw new AuthorizeError('invalid_target', 'the requested resource is unknown');
  return application;
}
