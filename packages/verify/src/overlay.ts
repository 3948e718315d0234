import type { AccessTokenClaims } from './jwt/claims.js';

/**
 * What the live-update overlay knows about a token now, beyond its signature:
 *
 * - `undefined`: nothing new; the token stands as issued;
 * - `{ revoked: true }`: refuse it (`ERR_TOKEN_REVOKED`);
 * - `{ stale: true }`: the overlay cannot vouch for anything (its stream is behind); refused
 *   with `ERR_STALE` under `failMode: 'closed'` (the default), accepted as issued under `'open'`;
 * - `{ roles?, permissions? }`: the subject's current rights replace those in the token (a token
 *   with a `scope` is still narrowed to that scope).
 *
 * @example
 * ```ts
 * import type { OverlayVerdict } from '@tessera/verify';
 * const verdict: OverlayVerdict = { permissions: ['invoices:read'] };
 * ```
 */
export type OverlayVerdict =
  | undefined
  | { readonly revoked: true; readonly stale?: false; readonly reason?: string }
  | { readonly stale: true; readonly revoked?: false }
  | {
      readonly revoked?: false;
      readonly stale?: false;
      readonly roles?: readonly string[];
      readonly permissions?: readonly string[];
    };

/**
 * What the overlay is told about each token besides its claims.
 *
 * @example
 * ```ts
 * import type { Overlay } from '@tessera/verify';
 * const revokedKids = new Set<string>();
 * const overlay: Overlay = { check: (_claims, { kid }) => (kid && revokedKids.has(kid) ? { revoked: true } : undefined) };
 * ```
 */
export interface OverlayContext {
  /** The signing key's id, so a revoked key can be refused before its JWKS entry is gone. */
  readonly kid: string | undefined;
}

/**
 * The hook for live updates (revocations, changed rights). `check` runs on EVERY verification,
 * after the signature verified or the verified-token cache answered, so a revocation takes
 * effect at once even for cached tokens. It must be synchronous and cheap (a few map look-ups):
 * it sits on the hot path. A `check` that throws is treated as `{ stale: true }`.
 *
 * @example
 * ```ts
 * import type { Overlay } from '@tessera/verify';
 * const revokedJtis = new Set<string>();
 * const overlay: Overlay = {
 *   check: (claims) => (revokedJtis.has(claims.jti) ? { revoked: true } : undefined),
 * };
 * ```
 */
export interface Overlay {
  check(claims: AccessTokenClaims, context: OverlayContext): OverlayVerdict;
  /** Folded into `verifier.health().live`. */
  health?(): Readonly<Record<string, unknown>>;
  /** Called by `verifier.close()`. */
  close?(): void;
}

/**
 * The `live` option of createVerifier.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@tessera/verify';
 * const verifier = createVerifier({
 *   issuer, audience, jwksUri, clockTolerance: 30,
 *   live: { overlay: myOverlay, failMode: 'closed' },
 * });
 * ```
 */
export interface LiveOptions {
  readonly overlay: Overlay;
  /** What a `stale` verdict does: `closed` refuses (`ERR_STALE`, 503), `open` accepts the token as issued. */
  readonly failMode?: 'closed' | 'open';
}
