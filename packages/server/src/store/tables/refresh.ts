/** Tables of refresh tokens (families, rotation) (store/migrations/0005-refresh.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the tables are added
export interface RefreshTables {}
