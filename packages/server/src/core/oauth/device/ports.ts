/**
 * The store queries of the device authorization grant (RFC 8628); part of the Queries port
 * (../../ports.ts). The reference adapter is store/queries/device.ts.
 */

/**
 * Where a device authorization stands. `pending` until the user decides on the verification
 * page; `approved` or `denied` then; `redeemed` once the device got its tokens (single use).
 */
export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

/** One device authorization request (RFC 8628 §3.1–3.2), as stored. */
export interface DeviceAuthorization {
  /** Internal id (UUIDv7). */
  id: string;
  /** base64url SHA-256 of the device_code; the code itself is never stored. */
  deviceCodeHash: string;
  /** base64url SHA-256 of the normalized user code (8 letters, no dash, upper case). */
  userCodeHash: string;
  /** The client's internal id (clients.id); the row goes when the client does. */
  clientId: string;
  /** The audience (an application's `aud`) the tokens are for. */
  audience: string;
  /** The requested scope as validated (protocol scopes, then permissions); '' when none. */
  scope: string;
  status: DeviceAuthorizationStatus;
  /** Who approved or denied it; null while pending. */
  userId: string | null;
  /** When that user signed in (the `auth_time` of an id_token); null while pending. */
  authTime: Date | null;
  /** Minimum polling interval in ms (RFC 8628 §3.2 `interval`, raised by 5 s at each slow_down). */
  intervalMs: number;
  /** The last token request for it, for slow_down (§3.5); null before the first. */
  lastPolledAt: Date | null;
  createdAt: Date;
  expiresAt: Date;
  /** When the user approved or denied it, or when it was redeemed. */
  decidedAt: Date | null;
}

export interface DeviceQueries {
  /** Throws ERR_CONFLICT when the device or user code hash already exists. */
  insertDeviceAuthorization(authorization: DeviceAuthorization): Promise<void>;
  getDeviceAuthorizationByDeviceCode(deviceCodeHash: string): Promise<DeviceAuthorization | undefined>;
  getDeviceAuthorizationByUserCode(userCodeHash: string): Promise<DeviceAuthorization | undefined>;
  /**
   * Records a poll: sets lastPolledAt and intervalMs, but only if lastPolledAt is still
   * `previous` (compare-and-set, so two concurrent polls cannot both pass). False when it was not.
   */
  recordDevicePoll(id: string, previous: Date | null, at: Date, intervalMs: number): Promise<boolean>;
  /** pending → approved/denied, by `userId`; false when it was no longer pending. */
  decideDeviceAuthorization(
    id: string,
    decision: { status: 'approved' | 'denied'; userId: string; authTime: Date; at: Date },
  ): Promise<boolean>;
  /** approved → redeemed; false when it was not approved (already redeemed, or never). */
  redeemDeviceAuthorization(id: string, at: Date): Promise<boolean>;
  /** Deletes the authorizations that expired before `before`; returns how many. */
  deleteExpiredDeviceAuthorizations(before: Date): Promise<number>;
}
