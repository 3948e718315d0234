/** The store queries of refresh tokens (families, rotation); part of the Queries port (../ports.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the queries are added
export interface RefreshQueries {}
