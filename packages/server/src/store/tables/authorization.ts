/** Tables of authorization codes, consents and used client assertions (store/migrations/0004-authorization.ts). */

export interface AuthorizationCodesTable {
  code_hash: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  user_id: string;
  session_id: string | null;
  auth_time: number;
  nonce: string | null;
  scope: string;
  audience: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  access_token_jti: string | null;
  access_token_expires_at: number | null;
  refresh_family_id: string | null;
}

export interface OAuthConsentsTable {
  user_id: string;
  client_id: string;
  audience: string;
  scope: string;
  granted_at: number;
}

export interface ClientAssertionsTable {
  client_id: string;
  jti: string;
  expires_at: number;
}

export interface AuthorizationTables {
  authorization_codes: AuthorizationCodesTable;
  oauth_consents: OAuthConsentsTable;
  client_assertions: ClientAssertionsTable;
}
