/** The store queries of authorization codes, consents and the OAuth client settings; part of the Queries port (../ports.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the queries are added
export interface AuthorizationQueries {}
