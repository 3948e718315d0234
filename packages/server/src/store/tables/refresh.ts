/** Tables of refresh tokens (families, rotation) (store/migrations/0005-refresh.ts). */

export interface RefreshFamiliesTable {
  id: string;
  user_id: string;
  /** Public client_id. */
  client_id: string;
  audience: string;
  scope: string;
  session_id: string | null;
  auth_time: number;
  created_at: number;
  /** SHA-256 base64url of the family's live token. */
  current_hash: string;
  rotated_at: number | null;
  revoked_at: number | null;
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  /** SHA-256 base64url of the token: the token itself is never stored. */
  hash: string;
  family_id: string;
  parent_hash: string | null;
  issued_at: number;
}

export interface RefreshTables {
  refresh_families: RefreshFamiliesTable;
  refresh_tokens: RefreshTokensTable;
}
