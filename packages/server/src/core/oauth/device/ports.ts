/** The store queries of device authorization grant (RFC 8628); part of the Queries port (../ports.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the queries are added
export interface DeviceQueries {}
