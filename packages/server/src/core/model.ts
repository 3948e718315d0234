/**
 * The domain's records, exactly as the core reads and writes them through the Store port.
 * Shapes follow SCIM core schemas (RFC 7643 §4) where one exists, so SCIM maps one-to-one.
 * Times are `Date`; ids are UUIDv7 strings (time-ordered, so `id` order is creation order).
 */

export interface Email {
  value: string;
  type?: string;
  primary?: boolean;
}

export interface PersonName {
  givenName?: string;
  familyName?: string;
  formatted?: string;
  middleName?: string;
  honorificPrefix?: string;
  honorificSuffix?: string;
}

/**
 * SCIM attributes beyond the ones the model maps (RFC 7643 §4.1 `nickName`, `title`,
 * `phoneNumbers`, `addresses`, …, and extension schemas such as the enterprise User under their
 * schema URN), kept for the identity provider that sends them and returned as given. Tessera
 * reads none of them: no token, grant or policy depends on them. A JSON object.
 */
export type ScimAttributes = Record<string, unknown>;

export interface User {
  id: string;
  /** Unique, compared case-insensitively (RFC 7643 §4.1.1 `userName` has caseExact false). */
  userName: string;
  externalId: string | null;
  name: PersonName;
  displayName: string | null;
  emails: Email[];
  active: boolean;
  /** Further SCIM attributes; absent when there are none. */
  scim?: ScimAttributes;
  /** Authorization version: bumped with every change to this user's own grants or status. */
  aver: number;
  /** Resource version for ETags; bumped with every change to the user's attributes. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface Group {
  id: string;
  /** Unique, compared case-insensitively. */
  displayName: string;
  externalId: string | null;
  /** Bumped with every change to the group's attributes, members or role bindings. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface Role {
  id: string;
  /** Unique, case-sensitive: lowercase letters, digits, `.`, `_`, `-`. */
  name: string;
  description: string;
  /** Sorted, de-duplicated `resource:action` strings. */
  permissions: string[];
  /** Bumped with every change to the role, including its permission set. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A protected API (an RFC 8707 resource server) and the permission namespace it owns. */
export interface Application {
  id: string;
  name: string;
  /** Absolute URI used as `aud` and as the RFC 8707 `resource` value. */
  audience: string;
  /** The `resource` part of the permissions it owns: namespace `billing` owns `billing:*`. */
  namespace: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type GrantType =
  | 'client_credentials'
  | 'authorization_code'
  | 'refresh_token'
  | 'urn:ietf:params:oauth:grant-type:device_code'
  | 'urn:ietf:params:oauth:grant-type:token-exchange';
export const GRANT_TYPES: readonly GrantType[] = [
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
];

/**
 * RFC 6749 §2.1: a confidential client can keep a credential (a secret or a private key); a
 * public one (a SPA, a CLI, a mobile app) cannot, authenticates with `none` and must use PKCE.
 */
export type ClientType = 'confidential' | 'public';
export const CLIENT_TYPES: readonly ClientType[] = ['confidential', 'public'];

/** RFC 7591 §2 `token_endpoint_auth_method` values Tessera supports. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
];

/** A JSON Web Key Set of public keys (RFC 7517 §5), as a client registers it for private_key_jwt. */
export interface PublicJwks {
  keys: Record<string, unknown>[];
}

export interface Client {
  /** Internal id (UUIDv7). */
  id: string;
  /** Public OAuth `client_id`. */
  clientId: string;
  name: string;
  /** base64url SHA-256 of the secret; the secret itself is never stored. '' when it has none. */
  secretHash: string;
  grantTypes: GrantType[];
  /** Audience used when the token request names no `resource`. */
  defaultAudience: string | null;
  type: ClientType;
  /**
   * How it authenticates at the token, revocation and introspection endpoints. The two secret
   * methods are interchangeable (a client registered with one may use the other); `none` is the
   * method of public clients and only theirs.
   */
  tokenEndpointAuthMethod: ClientAuthMethod;
  /** Exact-match redirect URIs for the authorization code flow (RFC 9700 §2.1). */
  redirectUris: string[];
  /** Where `end_session` may send the browser afterwards (OpenID RP-Initiated Logout). */
  postLogoutRedirectUris: string[];
  /** First-party clients skip the consent screen. */
  firstParty: boolean;
  /** Public keys for private_key_jwt (RFC 7523); null for other methods. */
  jwks: PublicJwks | null;
  enabled: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type KeyAlgorithm = 'ES256' | 'EdDSA' | 'RS256';
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];

/**
 * A signing key's life: published (in JWKS, not signing) → active (signing) → retired
 * (in JWKS, not signing) → removed (gone from JWKS). `revokedAt` withdraws it at once.
 */
export interface SigningKey {
  kid: string;
  alg: KeyAlgorithm;
  /** Public JWK with `kid`, `alg` and `use: "sig"`. */
  publicJwk: Record<string, unknown>;
  /** AES-256-GCM sealed PKCS#8 DER private key: base64url(iv ‖ tag ‖ ciphertext). */
  privateKeySealed: string;
  createdAt: Date;
  /** When it starts signing (published since createdAt). */
  activateAt: Date;
  /** Set when a successor became active; it signs no more from then. */
  retiredAt: Date | null;
  /** When it leaves the JWKS: retiredAt + longest token lifetime + grace. */
  removeAt: Date | null;
  revokedAt: Date | null;
}

export type EventType =
  | 'user.created'
  | 'user.updated'
  | 'user.deleted'
  | 'user.access_changed'
  | 'group.created'
  | 'group.updated'
  | 'group.deleted'
  | 'group.roles_changed'
  | 'role.created'
  | 'role.updated'
  | 'role.deleted'
  | 'application.created'
  | 'application.updated'
  | 'application.deleted'
  | 'client.created'
  | 'client.updated'
  | 'client.deleted'
  | 'key.created'
  | 'key.activated'
  | 'key.retired'
  | 'key.revoked'
  | 'user.tokens_revoked'
  | 'token.revoked';

/** One row of the event log. Readers resume after `position` and never miss a change. */
export interface LogEvent {
  position: number;
  type: EventType;
  subjectType: 'user' | 'group' | 'role' | 'application' | 'client' | 'key' | 'token';
  subjectId: string;
  /** The subject's version after the change: a user's `aver`, a role's or group's `version`. */
  subjectVersion: number;
  /** Event-specific content needed by verifiers (never secrets). */
  data: Record<string, unknown>;
  at: Date;
}

export type NewLogEvent = Omit<LogEvent, 'position' | 'at'>;

export type ActorType = 'client' | 'user' | 'cli' | 'system';

export interface Actor {
  type: ActorType;
  /** client_id, user id, OS user for the CLI, or `tessera` for the system. */
  id: string;
  sourceIp?: string | null;
}

/** One append-only, hash-chained audit row. */
export interface AuditEntry {
  seq: number;
  id: string;
  at: Date;
  actorType: ActorType;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string | null;
  sourceIp: string | null;
  /** What changed; never a secret. */
  summary: Record<string, unknown>;
  /** hex SHA-256 of the previous row's `hash` ('' for the first row). */
  prevHash: string;
  /** hex SHA-256 over this row's canonical content and prevHash. */
  hash: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'seq'>;

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; null at the end. */
  nextCursor: string | null;
}

export interface ListOptions {
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** A principal's effective rights: names of roles held and the union of their permissions. */
export interface EffectiveAccess {
  /** Role names, sorted. */
  roles: string[];
  /** Sorted, de-duplicated permissions over every role held. */
  permissions: string[];
}

/**
 * What verifiers resolve tokens against: every role's permissions and every group's role
 * bindings (groups without roles are left out), each with its version so that later events
 * apply only when newer.
 */
export interface AccessCatalog {
  /** Which permission namespace each audience owns: a token carries only its audience's. */
  applications: { audience: string; namespace: string }[];
  roles: { id: string; name: string; version: number; permissions: string[] }[];
  groups: { id: string; version: number; roles: string[] }[];
}

export interface UserAccess extends EffectiveAccess {
  /** Role names granted directly, sorted. */
  directRoles: string[];
  /** Display names of the groups the user belongs to, sorted. */
  groups: string[];
  /** Ids of the same groups, sorted (names may change; verifiers key groups by id). */
  groupIds: string[];
}
