/**
 * How long refresh tokens live and how much slack rotation allows. Lifetimes are checked when a
 * token is used, against the settings in force then: shortening them takes effect at once for
 * every token already issued (nothing about them is frozen into the rows but issue times).
 */
export interface RefreshTokenSettings {
  /** Absolute lifetime of a family, from the login that started it. */
  lifetimeMs: number;
  /** A token not used for this long expires (each rotation starts the count again). */
  idleLifetimeMs: number;
  /**
   * After a token is rotated, how long it may still be presented once more by a client that
   * lost the response (see rotate.ts). 0: never; any reuse revokes the family.
   */
  reuseGraceMs: number;
}

export const DEFAULT_REFRESH_TOKEN_SETTINGS: Readonly<RefreshTokenSettings> = {
  lifetimeMs: 30 * 86_400_000,
  idleLifetimeMs: 14 * 86_400_000,
  reuseGraceMs: 10_000,
};

/**
 * When a family's live token expires: its idle deadline (from its issue: the last rotation, or
 * the login), capped by the family's absolute one.
 */
export function refreshTokenExpiry(
  settings: RefreshTokenSettings,
  family: { createdAt: Date; rotatedAt: Date | null },
): Date {
  return new Date(
    Math.min(
      family.createdAt.getTime() + settings.lifetimeMs,
      (family.rotatedAt ?? family.createdAt).getTime() + settings.idleLifetimeMs,
    ),
  );
}
