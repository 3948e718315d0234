/** Tables of the device authorization grant (RFC 8628) (store/migrations/0006-device.ts). */

export interface DeviceAuthorizationsTable {
  id: string;
  device_code_hash: string;
  user_code_hash: string;
  /** clients.id (internal), cascade on delete. */
  client_id: string;
  audience: string;
  scope: string;
  /** 'pending' | 'approved' | 'denied' | 'redeemed'. */
  status: string;
  /** users.id, cascade on delete; null while pending. */
  user_id: string | null;
  auth_time: number | null;
  interval_ms: number;
  last_polled_at: number | null;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
}

export interface DeviceTables {
  device_authorizations: DeviceAuthorizationsTable;
}
