/**
 * Row shapes of the tables, as Kysely sees them. Shared by both dialects: times are epoch
 * milliseconds (`bigint` in PostgreSQL, read back as number), booleans are 0/1 integers and
 * structured values are JSON text, so one row mapper serves SQLite and PostgreSQL alike.
 */
import type { Generated } from 'kysely';
import type { AccountTables } from './tables/accounts.js';
import type { AuthorizationTables } from './tables/authorization.js';
import type { DeviceTables } from './tables/device.js';
import type { RefreshTables } from './tables/refresh.js';

export interface UsersTable {
  id: string;
  user_name: string;
  /** `user_name` lower-cased; unique, so userName is unique case-insensitively. */
  user_name_lower: string;
  external_id: string | null;
  /** JSON PersonName. */
  name: string;
  display_name: string | null;
  /** JSON Email[]. */
  emails: string;
  active: number;
  aver: number;
  version: number;
  created_at: number;
  updated_at: number;
  /** JSON ScimAttributes ('{}' when none). Since 0002. */
  scim: string;
  /**
   * JSON: the user's filterable SCIM attributes with keys and case-insensitive string values
   * lower-cased by JavaScript (see filter-document.ts), for SCIM filters. Since 0002.
   */
  filter_doc: string;
  /** `display_name` lower-cased by JavaScript, for case-insensitive filters and sorting. Since 0002. */
  display_name_lower: string | null;
}

/** One row per distinct lower-cased email of a user, for case-insensitive email lookup. */
export interface UserEmailsTable {
  user_id: string;
  value_lower: string;
}

export interface GroupsTable {
  id: string;
  display_name: string;
  display_name_lower: string;
  external_id: string | null;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  /** The label a SCIM client gave the member (members[].display). Since 0002. */
  display: string | null;
}

export interface RolesTable {
  id: string;
  name: string;
  description: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface RolePermissionsTable {
  role_id: string;
  permission: string;
}

export interface UserRolesTable {
  user_id: string;
  role_id: string;
}

export interface GroupRolesTable {
  group_id: string;
  role_id: string;
}

export interface ClientRolesTable {
  /** The client's internal id (`clients.id`), not its public OAuth client_id. */
  client_id: string;
  role_id: string;
}

export interface ApplicationsTable {
  id: string;
  name: string;
  audience: string;
  namespace: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface ClientsTable {
  id: string;
  client_id: string;
  name: string;
  secret_hash: string;
  /** JSON GrantType[]. */
  grant_types: string;
  default_audience: string | null;
  enabled: number;
  version: number;
  created_at: number;
  updated_at: number;
  // 0004_authorization
  type: string;
  token_endpoint_auth_method: string;
  /** JSON string[]. */
  redirect_uris: string;
  /** JSON string[]. */
  post_logout_redirect_uris: string;
  first_party: number;
  /** JSON PublicJwks or null. */
  jwks: string | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  /** JSON public JWK. */
  public_jwk: string;
  private_key_sealed: string;
  created_at: number;
  activate_at: number;
  retired_at: number | null;
  remove_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  id: string;
  at: number;
  actor_type: string;
  actor_id: string;
  action: string;
  target_type: string;
  target_id: string | null;
  source_ip: string | null;
  /** JSON object. */
  summary: string;
  prev_hash: string;
  hash: string;
}

export interface EventsTable {
  position: Generated<number>;
  type: string;
  subject_type: string;
  subject_id: string;
  subject_version: number;
  /** JSON object. */
  data: string;
  at: number;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database extends AccountTables, AuthorizationTables, RefreshTables, DeviceTables {
  users: UsersTable;
  user_emails: UserEmailsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  user_roles: UserRolesTable;
  group_roles: GroupRolesTable;
  client_roles: ClientRolesTable;
  applications: ApplicationsTable;
  clients: ClientsTable;
  signing_keys: SigningKeysTable;
  audit_log: AuditLogTable;
  events: EventsTable;
  meta: MetaTable;
}

export type StoreDialect = 'sqlite' | 'postgres';
