/**
 * Everything the commands need from Tessera, in one interface with two implementations:
 * `LocalBackend` calls the core services on the store directly (as the HTTP layer does), and
 * `RemoteBackend` calls a running server's admin API. Commands see only this interface, so a
 * command behaves the same in both modes, errors included (both throw TesseraError).
 */
import type { ApplicationInput } from '../core/applications/service.js';
import type { AuditVerification } from '../core/audit.js';
import type { ClientInput } from '../core/clients/service.js';
import type { ClientSettingsInput } from '../core/clients/settings.js';
import type { GroupInput } from '../core/groups/service.js';
import type { KeyInfo, RotateOptions } from '../core/keys/keyring.js';
import type {
  Application,
  AuditEntry,
  Client,
  GrantType,
  Group,
  ListOptions,
  Page,
  Role,
  User,
  UserAccess,
} from '../core/model.js';
import type { AuditFilter, GroupFilter, UserFilter } from '../core/ports.js';
import type { Grantee, GrantOperation } from '../core/roles/grants.js';
import type { RoleInput } from '../core/roles/service.js';
import type { UserInput } from '../core/users/user.js';

/** A client as the admin API shows it: the secret's hash stays in the store. */
export type ClientView = Omit<Client, 'secretHash'>;

/** A client together with its secret, which exists in clear only in this result. */
export interface ClientCreated {
  client: ClientView;
  /** null for clients that authenticate without a secret (public, private_key_jwt). */
  clientSecret: string | null;
}

export interface ClientChanges extends ClientSettingsInput {
  name?: string;
  grantTypes?: GrantType[];
  defaultAudience?: string | null;
  enabled?: boolean;
}

/** A client_credentials request, as sent to the token endpoint (RFC 6749 §4.4.2, RFC 8707 §2). */
export interface TokenRequest {
  clientId: string;
  clientSecret: string;
  resource?: string;
  scope?: string;
}

/** The token endpoint's success response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

export interface JwkSet {
  keys: Record<string, unknown>[];
}

export type { AuditVerification, Grantee, GrantOperation, KeyInfo };

/** How an invitation or reset link went out (POST /admin/v1/users/{id}/invitations, …/password-resets). */
export interface AccountLinkDelivery {
  userId: string;
  purpose: 'activate' | 'reset';
  expiresAt: Date;
  delivery: 'mail' | 'link';
  mailedTo?: string;
  /** Only when not mailed. */
  link?: string;
}

export interface Backend {
  /** Where commands act (`local store ./data`, `server https://…`), for messages. */
  readonly target: string;

  createUser(input: UserInput): Promise<User>;
  listUsers(options: ListOptions & { filter?: UserFilter }): Promise<Page<User>>;
  getUser(id: string): Promise<User>;
  updateUser(id: string, changes: Partial<UserInput>): Promise<User>;
  deleteUser(id: string): Promise<void>;
  userAccess(id: string): Promise<UserAccess & { aver: number }>;

  createGroup(input: GroupInput): Promise<Group>;
  listGroups(options: ListOptions & { filter?: GroupFilter }): Promise<Page<Group>>;
  getGroup(id: string): Promise<Group>;
  updateGroup(id: string, changes: Partial<GroupInput>): Promise<Group>;
  deleteGroup(id: string): Promise<void>;
  listGroupMembers(id: string, options: ListOptions): Promise<Page<string>>;
  /** Returns the user ids actually added or removed. */
  changeMembers(id: string, operation: 'add' | 'remove', userIds: readonly string[]): Promise<string[]>;
  listGroupRoles(id: string): Promise<Role[]>;

  createRole(input: RoleInput): Promise<Role>;
  listRoles(options: ListOptions): Promise<Page<Role>>;
  /** By id or name. */
  getRole(ref: string): Promise<Role>;
  updateRole(ref: string, changes: { description?: string | null; permissions?: string[] }): Promise<Role>;
  deleteRole(ref: string): Promise<void>;

  /** Grants or revokes a role (by id or name); `changed` is false when nothing had to change. */
  changeGrant(
    operation: GrantOperation,
    grantee: Grantee,
    role: string,
  ): Promise<{ changed: boolean; role: string }>;

  createApplication(input: ApplicationInput): Promise<Application>;
  listApplications(options: ListOptions): Promise<Page<Application>>;
  getApplication(id: string): Promise<Application>;
  updateApplication(id: string, changes: { name?: string }): Promise<Application>;
  deleteApplication(id: string): Promise<void>;

  createClient(input: ClientInput): Promise<ClientCreated>;
  /** A client holding the tessera-admin role, for the admin API (the recovery path). */
  createAdminClient(name: string): Promise<ClientCreated>;
  listClients(options: ListOptions): Promise<Page<ClientView>>;
  /** By internal id or public client_id. */
  getClient(ref: string): Promise<ClientView>;
  updateClient(ref: string, changes: ClientChanges): Promise<ClientView>;
  rotateClientSecret(ref: string): Promise<ClientCreated>;
  deleteClient(ref: string): Promise<void>;
  listClientRoles(ref: string): Promise<Role[]>;

  listKeys(): Promise<KeyInfo[]>;
  rotateKey(options: RotateOptions): Promise<KeyInfo>;
  /** Withdraws a key at once; every verifier refuses the tokens it signed. */
  revokeKey(kid: string): Promise<void>;
  /** Revokes every token of the user issued before `before` (default now). */
  revokeUserTokens(userId: string, before?: Date): Promise<{ userId: string; before: Date }>;
  /** Revokes one token by jti; `exp` (seconds) if known. */
  revokeToken(jti: string, exp?: number): Promise<{ jti: string; expiresAt: Date }>;
  /** The published JWK Set tokens are verified against. */
  jwks(): Promise<JwkSet>;
  issueToken(request: TokenRequest): Promise<TokenResponse>;
  /** An administrator mints a token for a user and one application audience (audited). */
  issueUserToken(userId: string, audience: string): Promise<TokenResponse>;

  /**
   * A one-time activation (`activate`) or password-reset (`reset`) link for the user: mailed when
   * SMTP is configured and the user has an address, otherwise returned (docs/accounts.md).
   */
  sendAccountLink(userId: string, purpose: 'activate' | 'reset'): Promise<AccountLinkDelivery>;

  listAudit(options: { limit: number; filter?: AuditFilter }): Promise<AuditEntry[]>;
  verifyAudit(): Promise<AuditVerification>;

  close(): Promise<void>;
}

/** Drops the secret's hash, so a client prints the same in both modes. */
export function clientView(client: Client): ClientView {
  const { secretHash: _hash, ...view } = client;
  return view;
}
