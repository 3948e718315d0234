/**
 * The ports the core runs on. The core holds no SQL, no HTTP and no process globals: it is
 * handed a Store, a Clock and a KeyVault. `store/` holds the one Store implementation (Kysely,
 * SQLite and PostgreSQL dialects).
 *
 * Store contract, for every implementation:
 * - Writes to one aggregate happen inside `transaction()`; the audit row and event-log rows a
 *   change causes are written in that same transaction, so they commit or vanish together.
 * - Unique violations surface as `TesseraError('ERR_CONFLICT')` with `detail.field`, never as a
 *   driver error, even when two writers race past the core's own pre-check.
 * - `lockJournal()` serializes journal appends: after it returns, no other transaction can
 *   append audit rows or events until this one ends. This makes event `position` increase in
 *   commit order (a reader that resumes after N never misses a change committed later with a
 *   smaller number) and makes the audit hash chain linear.
 * - Lists are ordered by id (UUIDv7, so creation order); the cursor is opaque to the core.
 */

// Types only: the SCIM filter AST is the query language of searchUsers/searchGroups.
import type { AttrPath, Filter } from '../scim/filter/ast.js';
import type { AccountQueries } from './accounts/ports.js';
import type {
  AccessCatalog,
  Application,
  AuditEntry,
  Client,
  EffectiveAccess,
  Group,
  ListOptions,
  LogEvent,
  NewAuditEntry,
  NewLogEvent,
  Page,
  Role,
  SigningKey,
  User,
  UserAccess,
} from './model.js';
import type { AuthorizationQueries } from './oauth/authorize/ports.js';
import type { DeviceQueries } from './oauth/device/ports.js';
import type { RefreshQueries } from './oauth/refresh/ports.js';

export interface UserFilter {
  /** Case-insensitive equality. */
  userName?: string;
  externalId?: string;
  active?: boolean;
  /** Case-insensitive equality on any email value. */
  email?: string;
}

export interface GroupFilter {
  /** Case-insensitive equality. */
  displayName?: string;
  externalId?: string;
}

/**
 * A SCIM search (RFC 7644 §3.4.2): filter, sort and an offset page. Attributes the store cannot
 * translate make it throw ERR_VALIDATION with scimType invalidFilter (or invalidValue for
 * `sortBy`), never a full scan in memory.
 */
export interface ResourceQuery {
  filter?: Filter;
  sortBy?: AttrPath;
  descending?: boolean;
  /** Rows to skip (SCIM startIndex - 1). */
  offset: number;
  /** Rows to return; 0 counts only. */
  limit: number;
}

export interface SearchResult<T> {
  /** How many match in all. */
  total: number;
  items: T[];
}

/** A group member as SCIM `members` shows it. */
export interface MemberRef {
  id: string;
  userName: string;
  displayName: string | null;
  /** The label a SCIM client gave the member when adding it, if any. */
  display: string | null;
}

/** A group a user belongs to, as SCIM `groups` shows it. */
export interface GroupRef {
  userId: string;
  groupId: string;
  displayName: string;
}

export interface AuditFilter {
  /** Only rows with seq greater than this. */
  afterSeq?: number;
  targetType?: string;
  targetId?: string;
  actorId?: string;
  action?: string;
}

/**
 * Everything readable and writable; `Tx` is the same surface inside a transaction. The login and
 * OAuth flows declare their queries beside their code (accounts/ports.ts and the ports.ts files under oauth/).
 */
export interface Queries extends AccountQueries, AuthorizationQueries, RefreshQueries, DeviceQueries {
  // users
  insertUser(user: User): Promise<void>;
  /** insertUser for many users in a few multi-row statements; all or none. */
  insertUsers(users: readonly User[]): Promise<void>;
  /** Those of the userNames already taken, lower-cased (userNames compare case-insensitively). */
  takenUserNames(userNames: readonly string[]): Promise<Set<string>>;
  /** Writes every field but `aver` (only bumpAver changes it); false when the stored version is not `expectedVersion`. */
  updateUser(user: User, expectedVersion: number): Promise<boolean>;
  /** Also removes the user's memberships and direct role grants. Returns false if absent. */
  deleteUser(id: string): Promise<boolean>;
  getUser(id: string): Promise<User | undefined>;
  /** Case-insensitive. */
  getUserByUserName(userName: string): Promise<User | undefined>;
  listUsers(options: ListOptions & { filter?: UserFilter }): Promise<Page<User>>;
  /** Atomically increments `aver` and returns the new value; undefined if the user is absent. */
  bumpAver(userId: string): Promise<number | undefined>;
  /** bumpAver for many users in a few statements; absent users are left out of the result. */
  bumpAvers(userIds: readonly string[]): Promise<Map<string, { aver: number; active: boolean }>>;
  /** userAccess for many users in a few statements; every id gets an entry (empty if unknown). */
  usersAccess(userIds: readonly string[]): Promise<Map<string, UserAccess>>;

  // groups
  insertGroup(group: Group): Promise<void>;
  updateGroup(group: Group, expectedVersion: number): Promise<boolean>;
  /** Also removes memberships and role bindings. */
  deleteGroup(id: string): Promise<boolean>;
  getGroup(id: string): Promise<Group | undefined>;
  getGroupByDisplayName(displayName: string): Promise<Group | undefined>;
  listGroups(options: ListOptions & { filter?: GroupFilter }): Promise<Page<Group>>;
  /** Atomically increments the group's version; undefined if absent. */
  bumpGroupVersion(groupId: string): Promise<number | undefined>;
  /**
   * Adds the users not yet members; returns the ids actually added. Unknown user ids throw
   * ERR_NOT_FOUND. `displays` holds a label per member as a SCIM client named it.
   */
  addGroupMembers(
    groupId: string,
    userIds: readonly string[],
    displays?: ReadonlyMap<string, string>,
  ): Promise<string[]>;
  /** Returns the ids actually removed. */
  removeGroupMembers(groupId: string, userIds: readonly string[]): Promise<string[]>;
  /** Member user ids, ordered by id. */
  listGroupMembers(groupId: string, options: ListOptions): Promise<Page<string>>;
  listUserGroups(userId: string): Promise<Group[]>;

  // roles
  insertRole(role: Role): Promise<void>;
  /** Writes name, description, permissions, version, updatedAt. */
  updateRole(role: Role, expectedVersion: number): Promise<boolean>;
  /** Also removes every grant and binding of it. */
  deleteRole(id: string): Promise<boolean>;
  getRole(id: string): Promise<Role | undefined>;
  getRoleByName(name: string): Promise<Role | undefined>;
  listRoles(options: ListOptions): Promise<Page<Role>>;

  // role grants (each returns whether the row changed)
  grantUserRole(userId: string, roleId: string): Promise<boolean>;
  revokeUserRole(userId: string, roleId: string): Promise<boolean>;
  listUserRoles(userId: string): Promise<Role[]>;
  grantGroupRole(groupId: string, roleId: string): Promise<boolean>;
  revokeGroupRole(groupId: string, roleId: string): Promise<boolean>;
  listGroupRoles(groupId: string): Promise<Role[]>;
  grantClientRole(clientId: string, roleId: string): Promise<boolean>;
  revokeClientRole(clientId: string, roleId: string): Promise<boolean>;
  listClientRoles(clientId: string): Promise<Role[]>;
  /** Union over direct roles and roles of the user's groups, in one query. */
  userAccess(userId: string): Promise<UserAccess>;
  /** Roles held by a client (by internal id) and their permissions. */
  clientAccess(clientId: string): Promise<EffectiveAccess>;
  /** Every application's namespace, every role's permissions, every group's role bindings. */
  accessCatalog(): Promise<AccessCatalog>;

  // applications
  insertApplication(app: Application): Promise<void>;
  updateApplication(app: Application, expectedVersion: number): Promise<boolean>;
  deleteApplication(id: string): Promise<boolean>;
  getApplication(id: string): Promise<Application | undefined>;
  getApplicationByAudience(audience: string): Promise<Application | undefined>;
  listApplications(options: ListOptions): Promise<Page<Application>>;

  // clients
  insertClient(client: Client): Promise<void>;
  updateClient(client: Client, expectedVersion: number): Promise<boolean>;
  /** Also removes its role grants. */
  deleteClient(id: string): Promise<boolean>;
  getClient(id: string): Promise<Client | undefined>;
  getClientByClientId(clientId: string): Promise<Client | undefined>;
  listClients(options: ListOptions): Promise<Page<Client>>;

  // signing keys
  insertKey(key: SigningKey): Promise<void>;
  /** Writes activateAt, retiredAt, removeAt, revokedAt. */
  updateKey(key: SigningKey): Promise<void>;
  /** Every key not yet removed, oldest first. */
  listKeys(): Promise<SigningKey[]>;
  deleteKey(kid: string): Promise<boolean>;

  // journal: audit log and event log
  /** See the contract above. Must be called before lastAudit/insertAudit/insertEvent. */
  lockJournal(): Promise<void>;
  lastAudit(): Promise<AuditEntry | undefined>;
  insertAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** insertAudit for a run of chained entries in a few statements, seq in the order given. */
  insertAudits(entries: readonly NewAuditEntry[]): Promise<void>;
  /** Oldest first. */
  listAudit(options: { limit: number; filter?: AuditFilter }): Promise<AuditEntry[]>;
  insertEvent(event: NewLogEvent, at: Date): Promise<LogEvent>;
  /** insertEvent for many events in a few statements, positions in the order given. */
  insertEvents(events: readonly NewLogEvent[], at: Date): Promise<LogEvent[]>;
  /** Events with position > after, oldest first. */
  readEvents(after: number, limit: number): Promise<LogEvent[]>;
  /** Highest committed position, 0 when the log is empty. */
  lastEventPosition(): Promise<number>;
  /**
   * The position to read after to get every retained event at or after `at` (the highest
   * position of an older event, or just before the oldest retained one).
   */
  eventPositionBefore(at: Date): Promise<number>;
  /** Deletes events older than `before`; returns how many. */
  pruneEvents(before: Date): Promise<number>;

  // SCIM search (store/queries/scim-search.ts)
  searchUsers(query: ResourceQuery): Promise<SearchResult<User>>;
  searchGroups(query: ResourceQuery): Promise<SearchResult<Group>>;
  /** Members with the names SCIM shows, ordered by id. */
  listMemberRefs(groupId: string, options: ListOptions): Promise<Page<MemberRef>>;
  /** Every group of each of the users, ordered by user id then group id. */
  listGroupRefs(userIds: readonly string[]): Promise<GroupRef[]>;
  /** Those of `ids` that name existing users, in the order given. */
  existingUserIds(ids: readonly string[]): Promise<string[]>;

  // small settings kept with the data (bootstrap marker, …)
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
}

export type Tx = Queries;

export interface Store extends Queries {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs fn in one transaction (SQLite: BEGIN IMMEDIATE). Rolls back if fn throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Applies pending migrations; idempotent; safe with several instances starting at once. */
  migrate(): Promise<void>;
  /**
   * Calls `onCommit` soon after any connection (this process or another) commits events, where
   * the database can say so (PostgreSQL LISTEN/NOTIFY). Absent where it cannot (SQLite): the
   * event feed then polls. Returns a function that stops watching.
   */
  watchEvents?(onCommit: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Seals and opens private key material with the master key (AES-256-GCM). */
export interface KeyVault {
  seal(plaintext: Uint8Array, associatedData: string): string;
  open(sealed: string, associatedData: string): Uint8Array;
}
