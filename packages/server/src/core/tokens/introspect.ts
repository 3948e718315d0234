/**
 * RFC 7662 token introspection with the user's current rights: the answer a live verifier
 * following the event stream gives (docs/design/live-access.md) — revoked jti, revoke-before-T,
 * disabled or deleted user, roles from the current direct roles and the groups' roles,
 * permissions from the role catalog in the audience's namespace, narrowed by the token's scope.
 *
 * Served from memory: verified tokens are cached until they expire; revocations, users, clients
 * and the catalog are held here and kept current by the event feed (every instance's commits)
 * and the bus (this instance's, at once). Users and clients are read from the store on first
 * sight and dropped on any event about them; the catalog is re-read after any event that
 * changes it. A read racing an event never installs what it read (generation counters).
 */
import type { EventBus } from '../events.js';
import { type EventFeed, replayEventsSince } from '../feed.js';
import type { KeyRing } from '../keys/keyring.js';
import type { LogEvent, User, UserAccess } from '../model.js';
import type { RefreshTokenSettings } from '../oauth/refresh/settings.js';
import { refreshTokenExpiry } from '../oauth/refresh/settings.js';
import { looksLikeRefreshToken, presentRefreshToken } from '../oauth/refresh/tokens.js';
import { anyGrants, grants, namespaceOf } from '../permissions.js';
import type { Clock, Store } from '../ports.js';
import { type AccessTokenClaims, readAccessToken } from './introspect-access-token.js';
import type { ActorClaim } from './issue-access-token.js';

/** Who may introspect: clients holding this permission (or tessera:admin) in Tessera's namespace. */
export const INTROSPECT_PERMISSION = 'tessera:introspect';

export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      token_type: 'Bearer' | 'refresh_token';
      iss: string;
      sub: string;
      client_id: string;
      aud: string | string[];
      exp: number;
      iat: number;
      jti?: string;
      scope?: string;
      /** RFC 8693 §4.1: who acts for the subject (exchanged tokens). */
      act?: ActorClaim;
      username?: string;
      roles?: string[];
      permissions?: string[];
    };

export interface IntrospectorOptions {
  store: Store;
  keyRing: Pick<KeyRing, 'verificationKey'>;
  clock: Clock;
  issuer: string;
  /** The longest access-token lifetime: how far back revocations are read at start. */
  maxTokenLifetimeMs: number;
  refreshTokens: RefreshTokenSettings;
  /** Bound on each cache (verified tokens, users, clients). Default 50,000. */
  maxEntries?: number;
}

interface UserEntry {
  active: boolean;
  userName: string;
  directRoles: readonly string[];
  groupIds: readonly string[];
  /** The whole record, for grants that issue tokens from this view (currentUser). */
  user: User;
  /** Display names of the user's groups (not in tokens; kept for UserAccess's shape). */
  groups: readonly string[];
}

interface ClientEntry {
  enabled: boolean;
  roles: readonly string[];
}

interface Catalog {
  namespaces: Map<string, string>;
  roles: Map<string, readonly string[]>;
  groups: Map<string, readonly string[]>;
}

const INACTIVE = Object.freeze({ active: false }) as { active: false };
const CATALOG_EVENTS = new Set([
  'role.created',
  'role.updated',
  'role.deleted',
  'group.roles_changed',
  'group.deleted',
  'application.created',
  'application.updated',
  'application.deleted',
]);

export class Introspector {
  readonly #o: IntrospectorOptions;
  readonly #max: number;
  readonly #verified = new Map<string, AccessTokenClaims>();
  readonly #revokedJtis = new Map<string, number>();
  readonly #revokedBefore = new Map<string, number>();
  readonly #users = new Map<string, UserEntry | null>();
  readonly #clients = new Map<string, ClientEntry | null>();
  /**
   * Reads in flight, per id: an event about the id marks them stale, so a read that raced a
   * change is returned but not installed. Bounded by the reads in flight.
   */
  readonly #userLoads = new Map<string, Set<{ stale: boolean }>>();
  readonly #clientLoads = new Map<string, Set<{ stale: boolean }>>();
  #catalog: Catalog | undefined;
  #catalogGen = 0;
  #catalogLoad: Promise<Catalog> | undefined;
  readonly #stops: (() => void)[] = [];

  constructor(options: IntrospectorOptions) {
    this.#o = options;
    this.#max = options.maxEntries ?? 50_000;
  }

  /** Follows the feed (and the bus), then reads the revocations still relevant from the log. */
  async start(feed: EventFeed, bus?: EventBus): Promise<void> {
    this.#stops.push(feed.subscribe((events) => this.#apply(events)));
    if (bus) this.#stops.push(bus.subscribe((events) => this.#apply(events)));
    const { store, clock, maxTokenLifetimeMs } = this.#o;
    await replayEventsSince(store, new Date(clock.now().getTime() - maxTokenLifetimeMs), (events) =>
      this.#apply(events),
    );
    const sweep = setInterval(() => this.#sweep(), 60_000);
    sweep.unref();
    this.#stops.push(() => clearInterval(sweep));
  }

  close(): void {
    for (const stop of this.#stops.splice(0)) stop();
  }

  /** Whether `clientId` may call the introspection endpoint (its current roles, in memory). */
  async mayIntrospect(clientId: string): Promise<boolean> {
    const client = await this.#client(clientId);
    if (!client?.enabled) return false;
    const catalog = await this.#catalogNow();
    const held = permissionsOf(catalog, client.roles, 'tessera');
    return anyGrants(held, INTROSPECT_PERMISSION) || anyGrants(held, 'tessera:admin');
  }

  async introspect(token: string): Promise<IntrospectionResponse> {
    if (looksLikeRefreshToken(token)) return this.#refreshToken(token);
    return (await this.activeAccessToken(token))?.answer ?? INACTIVE;
  }

  /**
   * An access token of ours that is active now, with its verified claims and the answer
   * introspection gives (current roles and permissions); undefined when it is not. Token
   * exchange reads its subject token through this.
   */
  async activeAccessToken(
    token: string,
  ): Promise<{ claims: AccessTokenClaims; answer: IntrospectionResponse & { active: true } } | undefined> {
    const now = this.#o.clock.now().getTime();
    let claims = this.#verified.get(token);
    if (claims === undefined) {
      const read = await readAccessToken(this.#o.keyRing, this.#o, token);
      if (read?.kind !== 'access_token') return undefined;
      claims = read.claims;
      remember(this.#verified, token, claims, this.#max);
    }
    if (claims.exp * 1000 <= now) {
      this.#verified.delete(token);
      return undefined;
    }
    if (this.#revokedJtis.has(claims.jti)) return undefined;

    const client = await this.#client(claims.client_id);
    // A client's own token needs its client; a user token is refused when its client is
    // disabled, and outlives a deleted one as it does at the live verifiers (admin-minted user
    // tokens name `tessera-system` or `tessera-cli`, which need not exist as clients).
    const userToken = typeof claims.aver === 'number';
    if (userToken ? client?.enabled === false : !client?.enabled) return undefined;
    let roles: readonly string[];
    let username: string | undefined;
    const catalog = await this.#catalogNow();
    if (userToken) {
      const before = this.#revokedBefore.get(claims.sub);
      if (before !== undefined && claims.iat < before) return undefined;
      const user = await this.#user(claims.sub);
      if (!user?.active) return undefined;
      roles = withGroupRoles(catalog, user.directRoles, user.groupIds);
      username = user.userName;
    } else {
      roles = client?.roles ?? [];
    }
    const auds = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
    const namespaces = auds.map((a) => catalog.namespaces.get(a)).filter((n) => n !== undefined);
    let permissions = namespaces.flatMap((ns) => permissionsOf(catalog, roles, ns));
    if (claims.scope) permissions = withinScope(permissions, claims.scope);
    const answer = {
      active: true as const,
      token_type: 'Bearer' as const,
      iss: claims.iss,
      sub: claims.sub,
      client_id: claims.client_id,
      aud: claims.aud,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      ...(claims.scope ? { scope: claims.scope } : {}),
      ...(username === undefined ? {} : { username }),
      ...(claims.act ? { act: claims.act } : {}),
      roles: [...roles],
      permissions: [...new Set(permissions)].sort(),
    };
    return { claims, answer };
  }

  /**
   * A user and their access as they are now, from memory: what userAccess would read from the
   * store (roles from direct grants and groups, permissions from the role catalog), kept
   * current by the same events. The refresh grant issues from it instead of querying per
   * rotation. Null when the user does not exist.
   */
  async currentUser(id: string): Promise<{ user: User; access: UserAccess } | null> {
    const entry = await this.#user(id);
    if (!entry) return null;
    const catalog = await this.#catalogNow();
    const roles = withGroupRoles(catalog, entry.directRoles, entry.groupIds);
    const permissions = new Set<string>();
    for (const role of roles) for (const p of catalog.roles.get(role) ?? []) permissions.add(p);
    return {
      user: entry.user,
      access: {
        roles,
        permissions: [...permissions].sort(),
        directRoles: [...entry.directRoles],
        groups: [...entry.groups],
        groupIds: [...entry.groupIds],
      },
    };
  }

  async #refreshToken(token: string): Promise<IntrospectionResponse> {
    const presented = await presentRefreshToken(this.#o.store, token);
    if (!presented) return INACTIVE;
    const { family } = presented;
    const now = this.#o.clock.now();
    const expiry = refreshTokenExpiry(this.#o.refreshTokens, family);
    if (family.revokedAt !== null || presented.standing !== 'current' || expiry <= now) return INACTIVE;
    const [user, client] = await Promise.all([this.#user(family.userId), this.#client(family.clientId)]);
    if (!user?.active || !client?.enabled) return INACTIVE;
    return {
      active: true,
      token_type: 'refresh_token',
      iss: this.#o.issuer,
      sub: family.userId,
      client_id: family.clientId,
      aud: family.audience,
      exp: Math.floor(expiry.getTime() / 1000),
      iat: Math.floor((family.rotatedAt ?? family.createdAt).getTime() / 1000),
      ...(family.scope ? { scope: family.scope } : {}),
      username: user.userName,
    };
  }

  async #user(id: string): Promise<UserEntry | null> {
    const known = this.#users.get(id);
    if (known !== undefined) return known;
    const { store } = this.#o;
    return tracked(
      this.#userLoads,
      id,
      async (): Promise<UserEntry | null> => {
        const user = await store.getUser(id);
        if (!user) return null;
        const access = await store.userAccess(id);
        return {
          active: user.active,
          userName: user.userName,
          directRoles: access.directRoles,
          groupIds: access.groupIds,
          user,
          groups: access.groups,
        };
      },
      (entry) => remember(this.#users, id, entry, this.#max),
    );
  }

  async #client(clientId: string): Promise<ClientEntry | null> {
    const known = this.#clients.get(clientId);
    if (known !== undefined) return known;
    const { store } = this.#o;
    return tracked(
      this.#clientLoads,
      clientId,
      async (): Promise<ClientEntry | null> => {
        const client = await store.getClientByClientId(clientId);
        return client
          ? { enabled: client.enabled, roles: (await store.clientAccess(client.id)).roles }
          : null;
      },
      (entry) => remember(this.#clients, clientId, entry, this.#max),
    );
  }

  #catalogNow(): Promise<Catalog> | Catalog {
    if (this.#catalog) return this.#catalog;
    if (this.#catalogLoad) return this.#catalogLoad;
    const gen = this.#catalogGen;
    const load = (async () => {
      const raw = await this.#o.store.accessCatalog();
      const catalog: Catalog = {
        namespaces: new Map(raw.applications.map((a) => [a.audience, a.namespace])),
        roles: new Map(raw.roles.map((r) => [r.name, r.permissions])),
        groups: new Map(raw.groups.map((g) => [g.id, g.roles])),
      };
      // Installed only if no catalog event arrived meanwhile (that event dropped this load too).
      if (this.#catalogGen === gen) this.#catalog = catalog;
      return catalog;
    })().finally(() => {
      if (this.#catalogLoad === load) this.#catalogLoad = undefined;
    });
    this.#catalogLoad = load;
    return load;
  }

  #apply(events: readonly LogEvent[]): void {
    for (const event of events) {
      const data = event.data;
      if (event.type === 'token.revoked') {
        const jti = typeof data.jti === 'string' ? data.jti : event.subjectId;
        const exp =
          typeof data.exp === 'number'
            ? data.exp
            : Math.ceil((this.#o.clock.now().getTime() + this.#o.maxTokenLifetimeMs) / 1000);
        this.#revokedJtis.set(jti, exp);
      } else if (event.type === 'user.tokens_revoked') {
        const iat = typeof data.iatBefore === 'number' ? data.iatBefore : undefined;
        const known = this.#revokedBefore.get(event.subjectId);
        if (iat !== undefined && (known === undefined || iat > known))
          this.#revokedBefore.set(event.subjectId, iat);
        // It bumped the user's aver: the cached record goes, as on any change to the user.
        this.#users.delete(event.subjectId);
        markStale(this.#userLoads, event.subjectId);
      } else if (event.subjectType === 'user') {
        this.#users.delete(event.subjectId);
        markStale(this.#userLoads, event.subjectId);
      } else if (event.subjectType === 'client') {
        const clientId = typeof data.clientId === 'string' ? data.clientId : undefined;
        if (clientId) {
          this.#clients.delete(clientId);
          markStale(this.#clientLoads, clientId);
        } else {
          this.#clients.clear();
          for (const id of this.#clientLoads.keys()) markStale(this.#clientLoads, id);
        }
      } else if (CATALOG_EVENTS.has(event.type)) {
        this.#catalog = undefined;
        // A read in flight may predate the change: later callers start a new one.
        this.#catalogLoad = undefined;
        this.#catalogGen++;
      } else if (event.type === 'key.revoked') {
        this.#verified.clear();
      }
    }
  }

  #sweep(): void {
    const now = this.#o.clock.now().getTime() / 1000;
    for (const [jti, exp] of this.#revokedJtis) if (exp < now) this.#revokedJtis.delete(jti);
    const oldest = now - this.#o.maxTokenLifetimeMs / 1000;
    for (const [id, iat] of this.#revokedBefore) if (iat < oldest) this.#revokedBefore.delete(id);
    for (const [token, claims] of this.#verified) if (claims.exp < now) this.#verified.delete(token);
  }
}

/**
 * Runs a read, registered as in flight under `id` until it settles, and installs its result in
 * the same synchronous step unless an event about `id` arrived meanwhile (no other callback can
 * run between the check and the install).
 */
async function tracked<T>(
  loads: Map<string, Set<{ stale: boolean }>>,
  id: string,
  read: () => Promise<T>,
  install: (value: T) => void,
): Promise<T> {
  const load = { stale: false };
  let set = loads.get(id);
  if (!set) {
    set = new Set();
    loads.set(id, set);
  }
  set.add(load);
  try {
    const value = await read();
    if (!load.stale) install(value);
    return value;
  } finally {
    set.delete(load);
    if (set.size === 0 && loads.get(id) === set) loads.delete(id);
  }
}

function markStale(loads: Map<string, Set<{ stale: boolean }>>, id: string): void {
  for (const load of loads.get(id) ?? []) load.stale = true;
}

/** Inserts, dropping the oldest entries past the bound (a Map iterates in insertion order). */
function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (map.size >= max) {
    const drop = Math.max(1, Math.floor(max / 10));
    let n = 0;
    for (const k of map.keys()) {
      map.delete(k);
      if (++n >= drop) break;
    }
  }
  map.set(key, value);
}

function withGroupRoles(catalog: Catalog, direct: readonly string[], groups: readonly string[]): string[] {
  const all = new Set(direct);
  for (const id of groups) for (const role of catalog.groups.get(id) ?? []) all.add(role);
  return [...all].sort();
}

function permissionsOf(catalog: Catalog, roles: readonly string[], namespace: string): string[] {
  const out: string[] = [];
  for (const role of roles)
    for (const p of catalog.roles.get(role) ?? []) if (namespaceOf(p) === namespace) out.push(p);
  return out;
}

/** The same narrowing as the live verifiers (packages/verify/src/live/evaluate.ts). */
function withinScope(permissions: readonly string[], scope: string): string[] {
  const entries = scope.split(' ').filter((s) => s.length > 0);
  if (entries.length === 0) return [...permissions];
  const out = new Set<string>();
  for (const p of permissions) if (entries.some((s) => grants(s, p))) out.add(p);
  for (const s of entries) if (permissions.some((p) => grants(p, s))) out.add(s);
  return [...out];
}
