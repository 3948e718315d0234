/** The store queries of accounts: passwords, invitations, sessions, login throttling; part of the Queries port (../ports.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the queries are added
export interface AccountQueries {}
