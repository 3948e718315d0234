/**
 * The OpenID Connect standard claims (Core §5.1) Tessera releases, by scope (Core §5.4). Shared
 * by the ID token and the UserInfo endpoint so both say the same thing about a user.
 */
import type { User } from '../../model.js';

/** Claims each protocol scope releases; discovery lists them as `claims_supported`. */
export const SCOPE_CLAIMS = {
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'updated_at'],
  email: ['email', 'email_verified'],
} as const;

export interface UserClaims {
  name?: string;
  given_name?: string;
  family_name?: string;
  preferred_username?: string;
  updated_at?: number;
  email?: string;
  email_verified?: boolean;
}

/**
 * The claims `scopes` grant about `user`. `email_verified` is false: addresses arrive from an
 * administrator or a provisioning system (SCIM), and Tessera itself never proves that the user
 * controls one (Core §5.1: "true if the End-User's e-mail address has been verified").
 */
export function userClaims(user: User, scopes: readonly string[]): UserClaims {
  const claims: UserClaims = {};
  if (scopes.includes('profile')) {
    const name = user.displayName ?? user.name.formatted ?? joinName(user);
    if (name) claims.name = name;
    if (user.name.givenName) claims.given_name = user.name.givenName;
    if (user.name.familyName) claims.family_name = user.name.familyName;
    claims.preferred_username = user.userName;
    claims.updated_at = Math.floor(user.updatedAt.getTime() / 1000);
  }
  if (scopes.includes('email')) {
    const email = user.emails.find((e) => e.primary) ?? user.emails[0];
    if (email) {
      claims.email = email.value;
      claims.email_verified = false;
    }
  }
  return claims;
}

function joinName(user: User): string | undefined {
  const parts = [user.name.givenName, user.name.familyName].filter((part) => part);
  return parts.length > 0 ? parts.join(' ') : undefined;
}
