import { randomFillSync } from 'node:crypto';
import type { Signer } from '../keys/signer.js';

/** RFC 9068 §2.1: the `typ` header that tells an access token apart from an ID token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';
export const DEFAULT_ACCESS_TOKEN_LIFETIME_MS = 10 * 60_000;

export interface AccessTokenInput {
  issuer: string;
  /** A user id, or for client_credentials the client's client_id (RFC 9068 §2.2). */
  subject: string;
  /** The one resource (RFC 8707) the token is for. */
  audience: string;
  clientId: string;
  /** Present only when the request named a scope; the granted, space-separated permissions. */
  scope?: string;
  roles: readonly string[];
  /** Already limited to the audience's namespace (see scope.ts). */
  permissions: readonly string[];
  /** The user's authorization version; only user tokens carry it. */
  aver?: number;
  /** User tokens: ids of the user's groups (docs/design/live-access.md). */
  groups?: readonly string[];
  /** User tokens: roles granted directly, when they differ from `roles`. */
  directRoles?: readonly string[];
  /** RFC 8693 §4.1: the party acting for the subject (token exchange), e.g. `{ sub: client_id }`. */
  act?: ActorClaim;
  now: Date;
  lifetimeMs?: number;
  /**
   * Largest claims JSON, in bytes, that keeps `permissions`; beyond it the permission list is
   * left out (tiny tokens) and verifiers following the event stream resolve it from the role
   * catalog. Default DEFAULT_CLAIMS_BUDGET.
   */
  claimsBudget?: number;
}

/** RFC 8693 §4.1 `act`: who acts; a nested `act` names the party that acted before it. */
export interface ActorClaim {
  sub: string;
  act?: ActorClaim;
}

/** 1 KiB of claims: a token stays near 1.5 KB, under common header limits with room to spare. */
export const DEFAULT_CLAIMS_BUDGET = 1024;

/** The claims, in the order they are serialized (RFC 9068 §2.2 first, then Tessera's). */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope?: string;
  roles: readonly string[];
  /** Absent in a tiny token (over the claims budget). */
  permissions?: readonly string[];
  aver?: number;
  grp?: readonly string[];
  drl?: readonly string[];
  act?: ActorClaim;
}

export interface IssuedAccessToken {
  token: string;
  claims: AccessTokenClaims;
  kid: string;
  /** Seconds, for the RFC 6749 §5.1 `expires_in`. */
  expiresIn: number;
}

/**
 * Builds and signs an RFC 9068 access token: header `{ alg, typ: "at+jwt", kid }` from the
 * signing key, claims iss, sub, aud, exp, iat, jti, client_id, then scope (when requested),
 * roles, permissions and, for user tokens, aver.
 */
export async function issueAccessToken(signer: Signer, input: AccessTokenInput): Promise<IssuedAccessToken> {
  const iat = Math.floor(input.now.getTime() / 1000);
  const expiresIn = Math.max(1, Math.floor((input.lifetimeMs ?? DEFAULT_ACCESS_TOKEN_LIFETIME_MS) / 1000));
  const claims: AccessTokenClaims = {
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience,
    exp: iat + expiresIn,
    iat,
    jti: newJti(),
    client_id: input.clientId,
    // JSON.stringify leaves out members whose value is undefined.
    scope: input.scope,
    roles: input.roles,
    permissions: input.permissions,
    aver: input.aver,
    grp: input.groups?.length ? input.groups : undefined,
    drl: input.directRoles,
    act: input.act,
  };
  let json = JSON.stringify(claims);
  if (
    input.permissions.length > 0 &&
    Buffer.byteLength(json) > (input.claimsBudget ?? DEFAULT_CLAIMS_BUDGET)
  ) {
    // Tiny token: roles stay, the permission list goes (docs/tokens.md).
    claims.permissions = undefined;
    json = JSON.stringify(claims);
  }
  const token = await signer.signJson(ACCESS_TOKEN_TYP, json);
  return { token, claims, kid: signer.kid, expiresIn };
}

/**
 * 96-bit random token ids (16 base64url characters): RFC 7519 §4.1.7 asks for a "negligible
 * probability" of reuse, and a trillion tokens collide with probability about 10^-5, while
 * every byte counts in a header sent with each API call. Drawn from a pool refilled 256 ids at
 * a time: one CSPRNG call per 256 tokens instead of one per token. ID tokens draw theirs here too.
 */
const JTI_BYTES = 12;
const pool = Buffer.alloc(JTI_BYTES * 256);
let offset = pool.length;

export function newJti(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + JTI_BYTES);
  offset += JTI_BYTES;
  return id;
}
