/** Tables of accounts: passwords, invitations, sessions, login throttling (store/migrations/0003-accounts.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the tables are added
export interface AccountTables {}
