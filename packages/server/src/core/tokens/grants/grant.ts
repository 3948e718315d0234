import type { CoreContext } from '../../context.js';
import type { KeyRing } from '../../keys/keyring.js';
import type { Client } from '../../model.js';
import type { RefreshFamilyCache } from '../../oauth/refresh/family-cache.js';
import type { RefreshTokenSettings } from '../../oauth/refresh/settings.js';
import type { Clock, Store } from '../../ports.js';
import type { ClientDirectory } from '../directory.js';
import type { Introspector } from '../introspect.js';
import type { IssuedAccessToken } from '../issue-access-token.js';
import type { TokenParams } from '../params.js';

/** What every grant runs on. */
export interface GrantContext {
  directory: ClientDirectory;
  store: Store;
  /** For grants that write (code redemption, refresh rotation): commit() through it. */
  core: CoreContext;
  keyRing: Pick<KeyRing, 'signer'>;
  clock: Clock;
  issuer: string;
  accessTokenLifetimeMs: number;
  /** See AccessTokenInput.claimsBudget. */
  claimsBudget?: number;
  /** Refresh-token lifetimes and reuse grace (default DEFAULT_REFRESH_TOKEN_SETTINGS). */
  refreshTokens?: RefreshTokenSettings;
  /** The families this process rotated last (oauth/refresh/family-cache.ts); none: always read. */
  refreshFamilies?: RefreshFamilyCache;
  /**
   * Reads a presented access token as introspection does (active now, current rights); token
   * exchange needs it. Attached by the introspection endpoint once it follows the event log.
   */
  introspector?: Pick<Introspector, 'activeAccessToken' | 'currentUser'>;
}

/** The RFC 6749 §5.1 success body. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** RFC 6749 §5.1: present when the request named a scope. */
  scope?: string;
  refresh_token?: string;
  /** OpenID Connect Core §3.1.3.3, when the grant included `openid`. */
  id_token?: string;
  /** RFC 8693 §2.2.1. */
  issued_token_type?: string;
}

export interface GrantResult {
  response: TokenResponse;
  issued: IssuedAccessToken;
}

/** One grant type: runs after the client is authenticated and allowed to use the grant. */
export type Grant = (ctx: GrantContext, client: Client, params: TokenParams) => Promise<GrantResult>;
