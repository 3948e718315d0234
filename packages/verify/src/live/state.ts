/**
 * What a verifier knows from Tessera's event stream, bounded in memory
 * (docs/design/live-access.md): the access catalog (applications' namespaces, roles'
 * permissions, groups' roles), per-user and per-client overlays, and revocations. Every entry is
 * dropped once no token it could affect can still be valid.
 */

/** The catalog frame that opens a fresh stream. */
export interface CatalogFrame {
  position: number;
  /** Seconds: the longest access-token lifetime; nothing needs remembering longer. */
  maxTokenLifetime: number;
  applications: { audience: string; namespace: string }[];
  roles: { id: string; name: string; version: number; permissions: string[] }[];
  groups: { id: string; version: number; roles: string[] }[];
}

/** One row of the event log, as the stream sends it. */
export interface StreamEvent {
  position: number;
  type: string;
  subjectType: string;
  subjectId: string;
  subjectVersion: number;
  data: Record<string, unknown>;
  at: string;
}

export interface UserEntry {
  aver: number;
  active: boolean;
  deleted: boolean;
  directRoles: readonly string[];
  groupIds: readonly string[];
  /** ms: forget after this (the change + the longest token lifetime). */
  until: number;
}

export interface ClientEntry {
  enabled: boolean;
  deleted: boolean;
  roles: readonly string[] | undefined;
  until: number;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

export class LiveState {
  /** Bumped on every change that can alter a verdict; memoized verdicts carry it. */
  version = 0;
  maxTokenLifetimeMs = 24 * 3_600_000;
  hasCatalog = false;
  readonly namespaces = new Map<string, string>();
  readonly roles = new Map<string, { version: number; permissions: readonly string[] }>();
  readonly roleNames = new Map<string, string>();
  readonly groups = new Map<string, { version: number; roles: readonly string[] }>();
  readonly users = new Map<string, UserEntry>();
  readonly clients = new Map<string, ClientEntry>();
  /** user id → tokens with iat (seconds) below this are revoked; and when to forget it. */
  readonly revokedBefore = new Map<string, { iat: number; until: number }>();
  /** jti → exp (seconds). */
  readonly revokedJtis = new Map<string, number>();
  readonly revokedKids = new Set<string>();

  applyCatalog(frame: CatalogFrame): void {
    this.maxTokenLifetimeMs = Math.max(1, frame.maxTokenLifetime) * 1000;
    this.namespaces.clear();
    for (const app of frame.applications) this.namespaces.set(app.audience, app.namespace);
    this.roles.clear();
    this.roleNames.clear();
    for (const role of frame.roles) {
      this.roles.set(role.name, { version: role.version, permissions: role.permissions });
      this.roleNames.set(role.id, role.name);
    }
    this.groups.clear();
    for (const group of frame.groups)
      this.groups.set(group.id, { version: group.version, roles: group.roles });
    this.hasCatalog = true;
    this.version++;
  }

  /** Applies one event; `now` in ms. Unknown types are ignored (newer servers may add some). */
  apply(event: StreamEvent, now: number): void {
    const data = event.data ?? {};
    const until = Date.parse(event.at) + this.maxTokenLifetimeMs;
    switch (event.type) {
      case 'role.created':
      case 'role.updated': {
        const name = typeof data.name === 'string' ? data.name : undefined;
        if (!name) return;
        const known = this.roles.get(name);
        if (known && known.version >= event.subjectVersion) return;
        this.roles.set(name, { version: event.subjectVersion, permissions: strings(data.permissions) });
        this.roleNames.set(event.subjectId, name);
        break;
      }
      case 'role.deleted': {
        const name = typeof data.name === 'string' ? data.name : this.roleNames.get(event.subjectId);
        if (!name) return;
        const known = this.roles.get(name);
        if (known && known.version >= event.subjectVersion) return;
        this.roles.delete(name);
        this.roleNames.delete(event.subjectId);
        break;
      }
      case 'group.roles_changed': {
        const known = this.groups.get(event.subjectId);
        if (known && known.version >= event.subjectVersion) return;
        this.groups.set(event.subjectId, { version: event.subjectVersion, roles: strings(data.roles) });
        break;
      }
      case 'group.deleted':
        this.groups.delete(event.subjectId);
        break;
      case 'application.created':
      case 'application.updated':
        if (typeof data.audience === 'string' && typeof data.namespace === 'string') {
          this.namespaces.set(data.audience, data.namespace);
        }
        break;
      case 'application.deleted':
        if (typeof data.audience === 'string') this.namespaces.delete(data.audience);
        break;
      case 'user.access_changed': {
        const known = this.users.get(event.subjectId);
        if (known && known.aver >= event.subjectVersion) return;
        this.users.set(event.subjectId, {
          aver: event.subjectVersion,
          active: data.active === true,
          deleted: false,
          directRoles: strings(data.directRoles),
          groupIds: strings(data.groupIds),
          until,
        });
        break;
      }
      case 'user.deleted':
        this.users.set(event.subjectId, {
          aver: event.subjectVersion,
          active: false,
          deleted: true,
          directRoles: [],
          groupIds: [],
          until,
        });
        break;
      case 'user.tokens_revoked': {
        const iat = typeof data.iatBefore === 'number' ? data.iatBefore : undefined;
        if (iat === undefined) return;
        const known = this.revokedBefore.get(event.subjectId);
        if (known && known.iat >= iat) return;
        this.revokedBefore.set(event.subjectId, { iat, until: iat * 1000 + this.maxTokenLifetimeMs });
        break;
      }
      case 'token.revoked': {
        const jti = typeof data.jti === 'string' ? data.jti : event.subjectId;
        const exp =
          typeof data.exp === 'number' ? data.exp : Math.ceil((now + this.maxTokenLifetimeMs) / 1000);
        this.revokedJtis.set(jti, exp);
        break;
      }
      case 'key.revoked':
        this.revokedKids.add(event.subjectId);
        break;
      case 'client.created':
      case 'client.updated':
      case 'client.deleted': {
        const clientId = typeof data.clientId === 'string' ? data.clientId : undefined;
        if (!clientId) return;
        const known = this.clients.get(clientId);
        this.clients.set(clientId, {
          enabled: event.type !== 'client.deleted' && data.enabled !== false,
          deleted: event.type === 'client.deleted',
          roles: Array.isArray(data.roles) ? strings(data.roles) : known?.roles,
          until,
        });
        break;
      }
      default:
        return;
    }
    this.version++;
  }

  /** Forgets entries that no valid token can be affected by any more. */
  sweep(now: number): void {
    let dropped = false;
    for (const [id, entry] of this.users) if (entry.until < now && this.users.delete(id)) dropped = true;
    for (const [id, entry] of this.clients) if (entry.until < now && this.clients.delete(id)) dropped = true;
    for (const [id, entry] of this.revokedBefore)
      if (entry.until < now && this.revokedBefore.delete(id)) dropped = true;
    const nowSec = now / 1000;
    for (const [jti, exp] of this.revokedJtis)
      if (exp < nowSec && this.revokedJtis.delete(jti)) dropped = true;
    if (dropped) this.version++;
  }

  /** Entries held, for health() and the memory benchmark. */
  size(): Record<string, number> {
    return {
      roles: this.roles.size,
      groups: this.groups.size,
      users: this.users.size,
      clients: this.clients.size,
      revokedUsers: this.revokedBefore.size,
      revokedJtis: this.revokedJtis.size,
      revokedKeys: this.revokedKids.size,
    };
  }
}
