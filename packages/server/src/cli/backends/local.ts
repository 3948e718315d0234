/**
 * The Backend over the core services and the store named by the configuration: the same
 * `openRuntime` the server uses, so a local command runs exactly the code an admin API call
 * runs. Every change is recorded as done by the `cli` actor (the OS user).
 */
import { userInfo } from 'node:os';
import { accountSettings } from '../../account-settings.js';
import type { Config } from '../../config/defaults.js';
import { deliverLink } from '../../core/accounts/deliver.js';
import * as applications from '../../core/applications/service.js';
import { listAudit, verifyAudit } from '../../core/audit.js';
import { createAdminClient } from '../../core/bootstrap.js';
import * as clients from '../../core/clients/service.js';
import type { Actor } from '../../core/context.js';
import * as groups from '../../core/groups/service.js';
import { revokeToken, revokeUserTokens } from '../../core/revocations.js';
import { changeGrant } from '../../core/roles/grants.js';
import * as roles from '../../core/roles/service.js';
import { issueUserToken } from '../../core/tokens/user-token.js';
import * as users from '../../core/users/service.js';
import { openRuntime, type Runtime } from '../../runtime.js';
import {
  type Backend,
  type ClientCreated,
  clientView,
  type TokenRequest,
  type TokenResponse,
} from '../backend.js';
import { issueLocalToken } from './local-token.js';

/** `{ type: 'cli', id: <OS user> }`; containers without a passwd entry fall back to $USER. */
export function cliActor(env: Readonly<Record<string, string | undefined>>): Actor {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    name = env.USER ?? env.USERNAME;
  }
  return { type: 'cli', id: name || 'unknown' };
}

const created = ({ client, clientSecret }: clients.ClientWithSecret): ClientCreated => ({
  client: clientView(client),
  clientSecret,
});

/** Opens (and migrates) the configured store; `close()` the backend when done. */
export async function openLocalBackend(config: Config, actor: Actor): Promise<Backend> {
  return localBackend(await openRuntime(config), actor);
}

export function localBackend(runtime: Runtime, actor: Actor): Backend {
  const { ctx, keyRing, config } = runtime;
  return {
    target: config.databaseUrl ? 'local PostgreSQL store' : `local store ${config.dataDir}`,

    createUser: (input) => users.createUser(ctx, actor, input),
    listUsers: (options) => users.listUsers(ctx, options),
    getUser: (id) => users.getUser(ctx, id),
    updateUser: (id, changes) => users.updateUser(ctx, actor, id, changes),
    deleteUser: (id) => users.deleteUser(ctx, actor, id),
    userAccess: (id) => users.getUserAccess(ctx, id),

    createGroup: (input) => groups.createGroup(ctx, actor, input),
    listGroups: (options) => groups.listGroups(ctx, options),
    getGroup: (id) => groups.getGroup(ctx, id),
    updateGroup: (id, changes) => groups.updateGroup(ctx, actor, id, changes),
    deleteGroup: (id) => groups.deleteGroup(ctx, actor, id),
    listGroupMembers: (id, options) => groups.listGroupMembers(ctx, id, options),
    changeMembers: (id, operation, userIds) => groups.changeMembers(ctx, actor, id, operation, userIds),
    async listGroupRoles(id) {
      const group = await groups.getGroup(ctx, id);
      return ctx.store.listGroupRoles(group.id);
    },

    createRole: (input) => roles.createRole(ctx, actor, input),
    listRoles: (options) => roles.listRoles(ctx, options),
    getRole: (ref) => roles.getRole(ctx, ref),
    updateRole: (ref, changes) => roles.updateRole(ctx, actor, ref, changes),
    deleteRole: (ref) => roles.deleteRole(ctx, actor, ref),

    async changeGrant(operation, grantee, role) {
      // A client is named by its client_id as often as by its id; grants take the internal id.
      const id = grantee.type === 'client' ? (await clients.getClient(ctx, grantee.id)).id : grantee.id;
      const result = await changeGrant(ctx, actor, operation, { type: grantee.type, id }, role);
      return { changed: result.changed, role: result.role.name };
    },

    createApplication: (input) => applications.createApplication(ctx, actor, input),
    listApplications: (options) => applications.listApplications(ctx, options),
    getApplication: (id) => applications.getApplication(ctx, id),
    updateApplication: (id, changes) => applications.updateApplication(ctx, actor, id, changes),
    deleteApplication: (id) => applications.deleteApplication(ctx, actor, id),

    createClient: async (input) => created(await clients.createClient(ctx, actor, input)),
    createAdminClient: async (name) => created(await createAdminClient(ctx, actor, name)),
    async listClients(options) {
      const page = await clients.listClients(ctx, options);
      return { items: page.items.map(clientView), nextCursor: page.nextCursor };
    },
    getClient: async (ref) => clientView(await clients.getClient(ctx, ref)),
    async updateClient(ref, changes) {
      const client = await clients.getClient(ctx, ref);
      return clientView(await clients.updateClient(ctx, actor, client.id, changes));
    },
    async rotateClientSecret(ref) {
      const client = await clients.getClient(ctx, ref);
      return created(await clients.rotateClientSecret(ctx, actor, client.id));
    },
    async deleteClient(ref) {
      const client = await clients.getClient(ctx, ref);
      await clients.deleteClient(ctx, actor, client.id);
    },
    async listClientRoles(ref) {
      const client = await clients.getClient(ctx, ref);
      return ctx.store.listClientRoles(client.id);
    },

    listKeys: () => keyRing.list(),
    rotateKey: (options) => keyRing.rotate(actor, options),
    revokeKey: (kid) => keyRing.revoke(actor, kid),
    revokeUserTokens: (userId, before) => revokeUserTokens(ctx, actor, userId, before ? { before } : {}),
    revokeToken: (jti, exp) =>
      revokeToken(
        ctx,
        actor,
        exp === undefined ? { jti } : { jti, expiresAt: new Date(exp * 1000) },
        runtime.config.accessTokenLifetimeMs,
      ),
    jwks: async () => ({ keys: (await keyRing.jwks()).keys.map((k) => ({ ...k })) }),
    issueToken: (request: TokenRequest): Promise<TokenResponse> => issueLocalToken(runtime, request),
    async sendAccountLink(userId, purpose) {
      const settings = accountSettings(config);
      try {
        const done = await deliverLink(ctx, settings, { userId, purpose, actor });
        return {
          userId: done.userId,
          purpose: done.purpose,
          expiresAt: done.expiresAt,
          delivery: done.delivery,
          ...(done.mailedTo ? { mailedTo: done.mailedTo } : {}),
          ...(done.url ? { link: done.url } : {}),
        };
      } finally {
        settings.mailer?.close?.();
      }
    },
    async issueUserToken(userId, audience) {
      await keyRing.tick();
      const { config } = runtime;
      const issued = await issueUserToken(
        ctx,
        {
          keyRing,
          issuer: config.issuer,
          accessTokenLifetimeMs: config.accessTokenLifetimeMs,
          claimsBudget: config.tokenClaimsBudget,
        },
        actor,
        userId,
        audience,
      );
      return { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn };
    },

    listAudit: (options) => listAudit(ctx, options),
    verifyAudit: () => verifyAudit(ctx),

    close: () => runtime.close(),
  };
}
