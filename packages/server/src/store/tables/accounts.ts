/** Tables of accounts: passwords, one-time links, sessions, login throttling (store/migrations/0003-accounts.ts). */

export interface AccountPasswordsTable {
  user_id: string;
  /** PHC-style scrypt string (core/accounts/passwords.ts). */
  hash: string;
  updated_at: number;
}

export interface AccountLinksTable {
  id: string;
  user_id: string;
  /** 'activate' | 'reset'. */
  purpose: string;
  code_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface AccountSessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface LoginThrottlesTable {
  key: string;
  failures: number;
  locks: number;
  locked_until: number | null;
  updated_at: number;
}

export interface AccountTables {
  account_passwords: AccountPasswordsTable;
  account_links: AccountLinksTable;
  account_sessions: AccountSessionsTable;
  login_throttles: LoginThrottlesTable;
}
