/** Tables of device authorization grant (RFC 8628) (store/migrations/0006-device.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the tables are added
export interface DeviceTables {}
