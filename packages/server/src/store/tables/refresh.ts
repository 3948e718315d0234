/** Tables of refresh tokens (families, rotation) (store/migrations/0005-refresh.ts, 0007). */

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
  /** SHA-256 base64url of the token the live one replaced; null before the first rotation. */
  previous_hash: string | null;
  rotated_at: number | null;
  revoked_at: number | null;
  revoked_reason: string | null;
}

export interface RefreshTables {
  refresh_families: RefreshFamiliesTable;
}
