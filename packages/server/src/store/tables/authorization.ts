/** Tables of authorization codes, consents and the OAuth client settings (store/migrations/0004-authorization.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the tables are added
export interface AuthorizationTables {}
