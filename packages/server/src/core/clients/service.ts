import { type Actor, type CoreContext, checkVersion, commit, conflictLost } from '../context.js';
import { invalid, notFound } from '../errors.js';
import { hashSecret, isUuid, randomId, randomSecret, uuidv7 } from '../ids.js';
import type { Change } from '../journal.js';
import {
  type Client,
  GRANT_TYPES,
  type GrantType,
  type ListOptions,
  type NewLogEvent,
  type Page,
} from '../model.js';
import type { Tx } from '../ports.js';
import { resolveRole } from '../roles/service.js';
import { absoluteUri, text } from '../validate.js';
import {
  type ClientSettings,
  type ClientSettingsInput,
  resolveSettings,
  SETTING_FIELDS,
} from './settings.js';

export interface ClientInput extends ClientSettingsInput {
  name: string;
  grantTypes?: GrantType[];
  defaultAudience?: string | null;
  enabled?: boolean;
  /** Role names or ids to grant at creation. */
  roles?: string[];
}

/** A client together with its secret, which exists in clear only in this response (null: a public client). */
export interface ClientWithSecret {
  client: Client;
  clientSecret: string | null;
}

const clientEvent = (
  client: Client,
  type: NewLogEvent['type'],
  data: Record<string, unknown> = {},
): NewLogEvent => ({
  type,
  subjectType: 'client',
  subjectId: client.id,
  subjectVersion: client.version,
  data: { clientId: client.clientId, enabled: client.enabled, ...data },
});

function grantTypes(value: unknown): GrantType[] {
  const list = value ?? ['client_credentials'];
  if (!Array.isArray(list) || list.some((g) => !GRANT_TYPES.includes(g))) {
    throw invalid(`grantTypes must be a list of: ${GRANT_TYPES.join(', ')}`, 'grantTypes');
  }
  return [...new Set(list as GrantType[])].sort();
}

function audience(value: unknown): string | null {
  return value === undefined || value === null ? null : absoluteUri(value, 'defaultAudience');
}

export async function createClient(
  ctx: CoreContext,
  actor: Actor,
  input: ClientInput,
): Promise<ClientWithSecret> {
  const name = text(input.name, 'name', 128);
  const types = grantTypes(input.grantTypes);
  const defaultAudience = audience(input.defaultAudience);
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean')
    throw invalid('enabled must be a boolean', 'enabled');
  const settings = resolveSettings(input, types);
  return commit(ctx, (tx, now) =>
    insertClient(tx, actor, now, {
      name,
      grantTypes: types,
      defaultAudience,
      enabled: input.enabled ?? true,
      roles: input.roles ?? [],
      ...settings,
    }),
  );
}

/** Inserts a client and grants it roles, in the caller's transaction. */
export async function insertClient(
  tx: Tx,
  actor: Actor,
  now: Date,
  input: Required<Omit<ClientInput, 'defaultAudience' | keyof ClientSettingsInput>> & {
    defaultAudience: string | null;
  } & Partial<ClientSettings>,
): Promise<{ result: ClientWithSecret; changes: Change[] }> {
  const settings = resolveSettings(input, input.grantTypes);
  // Public clients cannot keep a secret; secret-less confidential clients (private_key_jwt) need none.
  const clientSecret =
    settings.type === 'public' || settings.tokenEndpointAuthMethod === 'private_key_jwt'
      ? null
      : randomSecret();
  const client: Client = {
    id: uuidv7(now.getTime()),
    clientId: `tsr_${randomId(12)}`,
    name: input.name,
    secretHash: clientSecret === null ? '' : hashSecret(clientSecret),
    grantTypes: input.grantTypes,
    defaultAudience: input.defaultAudience,
    enabled: input.enabled,
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...settings,
  };
  await tx.insertClient(client);
  const roles: string[] = [];
  for (const ref of input.roles) {
    const role = await resolveRole(tx, ref);
    await tx.grantClientRole(client.id, role.id);
    roles.push(role.name);
  }
  return {
    result: { client, clientSecret },
    changes: [
      {
        actor,
        action: 'client.created',
        targetType: 'client',
        targetId: client.id,
        summary: { clientId: client.clientId, name: client.name, grantTypes: client.grantTypes, roles },
        events: [clientEvent(client, 'client.created')],
      },
    ],
  };
}

export async function updateClient(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  changes: {
    name?: string;
    grantTypes?: GrantType[];
    defaultAudience?: string | null;
    enabled?: boolean;
  } & ClientSettingsInput,
  options: { ifVersion?: number } = {},
): Promise<Client> {
  if (changes.enabled !== undefined && typeof changes.enabled !== 'boolean') {
    throw invalid('enabled must be a boolean', 'enabled');
  }
  return commit(ctx, async (tx, now) => {
    const before = await loadClient(tx, id);
    checkVersion('client', before.version, options.ifVersion);
    const after: Client = {
      ...before,
      name: changes.name === undefined ? before.name : text(changes.name, 'name', 128),
      grantTypes: changes.grantTypes === undefined ? before.grantTypes : grantTypes(changes.grantTypes),
      defaultAudience:
        'defaultAudience' in changes ? audience(changes.defaultAudience) : before.defaultAudience,
      enabled: changes.enabled ?? before.enabled,
    };
    Object.assign(after, resolveSettings(changes, after.grantTypes, before));
    const changed = (['name', 'grantTypes', 'defaultAudience', 'enabled', ...SETTING_FIELDS] as const).filter(
      (k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]),
    );
    if (changed.length === 0) return { result: before, changes: [] };
    after.version = before.version + 1;
    after.updatedAt = now;
    if (!(await tx.updateClient(after, before.version))) throw conflictLost('client');
    const action = changed.includes('enabled')
      ? after.enabled
        ? 'client.enabled'
        : 'client.disabled'
      : 'client.updated';
    return {
      result: after,
      changes: [
        {
          actor,
          action,
          targetType: 'client',
          targetId: id,
          summary: { clientId: after.clientId, changed },
          events: [clientEvent(after, 'client.updated', { changed })],
        },
      ],
    };
  });
}

/** Replaces the secret; the old one stops working at once. */
export async function rotateClientSecret(
  ctx: CoreContext,
  actor: Actor,
  id: string,
): Promise<ClientWithSecret> {
  return commit(ctx, async (tx, now) => {
    const before = await loadClient(tx, id);
    if (before.type === 'public' || before.tokenEndpointAuthMethod === 'private_key_jwt') {
      throw invalid(`client ${before.clientId} authenticates without a secret`, 'tokenEndpointAuthMethod');
    }
    const clientSecret = randomSecret();
    const after: Client = {
      ...before,
      secretHash: hashSecret(clientSecret),
      version: before.version + 1,
      updatedAt: now,
    };
    if (!(await tx.updateClient(after, before.version))) throw conflictLost('client');
    return {
      result: { client: after, clientSecret },
      changes: [
        {
          actor,
          action: 'client.secret_rotated',
          targetType: 'client',
          targetId: id,
          summary: { clientId: after.clientId },
          events: [clientEvent(after, 'client.updated', { changed: ['secret'] })],
        },
      ],
    };
  });
}

export async function deleteClient(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  options: { ifVersion?: number } = {},
) {
  await commit(ctx, async (tx) => {
    const client = await loadClient(tx, id);
    checkVersion('client', client.version, options.ifVersion);
    await tx.deleteClient(id);
    return {
      result: undefined,
      changes: [
        {
          actor,
          action: 'client.deleted',
          targetType: 'client',
          targetId: id,
          summary: { clientId: client.clientId, name: client.name },
          events: [clientEvent({ ...client, version: client.version + 1, enabled: false }, 'client.deleted')],
        },
      ],
    };
  });
}

/** A client by internal id or by public client_id. */
export async function getClient(ctx: CoreContext, ref: string): Promise<Client> {
  return loadClient(ctx.store, ref);
}

export const listClients = (ctx: CoreContext, options: ListOptions): Promise<Page<Client>> =>
  ctx.store.listClients(options);

export async function loadClient(
  tx: Pick<Tx, 'getClient' | 'getClientByClientId'>,
  ref: string,
): Promise<Client> {
  const client = (await tx.getClientByClientId(ref)) ?? (isUuid(ref) ? await tx.getClient(ref) : undefined);
  if (!client) throw notFound('client', ref);
  return client;
}
