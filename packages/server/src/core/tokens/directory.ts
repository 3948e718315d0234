import type { EventBus } from '../events.js';
import type { Application, Client, EffectiveAccess, LogEvent } from '../model.js';
import type { Store } from '../ports.js';
import { permissionsInNamespace } from './scope.js';

/** What a client may put in a token for one application. */
export interface ClientGrant {
  roles: readonly string[];
  /** The client's permissions in the application's namespace, sorted. */
  permissions: readonly string[];
}

/** Bound on cached audience lookups; reaching it empties that cache (it refills from hits). */
const MAX_APPLICATIONS = 10_000;
/** Bound on cached clients and grants, for the same reason. */
const MAX_CLIENTS = 100_000;

/**
 * Read-through, in-memory view of what the token endpoint reads: clients by client_id, each
 * client's grant per application, applications by audience. The hot path therefore does no
 * store query once warm. Lookups are cached as promises, so a burst after an invalidation
 * makes one query per key, not one per request.
 *
 * Invalidation, in two ways:
 * - in-process: every committed client/role/application event on the EventBus drops the whole
 *   view at once, synchronously, before the next request is served. So a client disabled on
 *   this instance gets no further token. (Dropping everything is simple and cheap: such
 *   changes are rare next to token requests, and one query per client refills it.)
 * - across instances sharing a database: `sync()` compares store.lastEventPosition() with the
 *   last position seen and drops the view when it moved. The TokenService runs it once a
 *   second off the request path, which bounds how long another instance's change goes unseen.
 */
export class ClientDirectory {
  readonly #store: Store;
  #clients = new Map<string, Promise<Client | undefined>>();
  #grants = new Map<string, Promise<ClientGrant>>();
  #applications = new Map<string, Promise<Application | undefined>>();
  #position: number | undefined;

  constructor(store: Store, bus?: EventBus) {
    this.#store = store;
    bus?.subscribe((events) => this.#onEvents(events));
  }

  client(clientId: string): Promise<Client | undefined> {
    let found = this.#clients.get(clientId);
    if (!found) {
      const load = this.#store.getClientByClientId(clientId);
      found = load;
      if (this.#clients.size >= MAX_CLIENTS) this.#clients.clear();
      this.#clients.set(clientId, load);
      // Unknown ids are not remembered: anyone can send them, and memory is not theirs to fill.
      load.then(
        (client) => client === undefined && this.#forget(this.#clients, clientId, load),
        () => this.#forget(this.#clients, clientId, load),
      );
    }
    return found;
  }

  application(audience: string): Promise<Application | undefined> {
    let found = this.#applications.get(audience);
    if (!found) {
      const load = this.#store.getApplicationByAudience(audience);
      found = load;
      if (this.#applications.size >= MAX_APPLICATIONS) this.#applications.clear();
      this.#applications.set(audience, load);
      load.catch(() => this.#forget(this.#applications, audience, load));
    }
    return found;
  }

  /** The client's roles and its permissions in `application`'s namespace. */
  grant(client: Client, application: Application): Promise<ClientGrant> {
    const key = `${client.id} ${application.namespace}`;
    let found = this.#grants.get(key);
    if (!found) {
      const load = this.#store.clientAccess(client.id).then((access: EffectiveAccess) => ({
        roles: access.roles,
        permissions: permissionsInNamespace(access.permissions, application.namespace),
      }));
      found = load;
      if (this.#grants.size >= MAX_CLIENTS) this.#grants.clear();
      this.#grants.set(key, load);
      load.catch(() => this.#forget(this.#grants, key, load));
    }
    return found;
  }

  /** Drops every cached record. */
  invalidate(): void {
    this.#clients = new Map();
    this.#grants = new Map();
    this.#applications = new Map();
  }

  /** Drops the view if another writer moved the event log since the last call. */
  async sync(): Promise<void> {
    const position = await this.#store.lastEventPosition();
    if (this.#position !== undefined && position !== this.#position) this.invalidate();
    this.#position = position;
  }

  #onEvents(events: readonly LogEvent[]): void {
    if (
      events.some(
        (e) => e.subjectType === 'client' || e.subjectType === 'role' || e.subjectType === 'application',
      )
    ) {
      this.invalidate();
    }
    // Skip our own events in the next sync(), but only when they directly follow the last
    // position seen: a gap may hold another instance's change, which sync() must still see.
    if (this.#position === undefined) return;
    const positions = events.map((e) => e.position).sort((a, b) => a - b);
    if (positions.every((p, i) => p === (this.#position ?? 0) + i + 1)) {
      this.#position = positions.at(-1) ?? this.#position;
    }
  }

  #forget<T>(map: Map<string, Promise<T>>, key: string, load: Promise<T>): void {
    // Only if a newer load has not replaced it (maps are replaced, not cleared, on invalidation).
    if (map.get(key) === load) map.delete(key);
  }
}
