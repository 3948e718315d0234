/**
 * `tessera-cli`: the first-party public client `tessera login` uses by default. It is created
 * once per store, on first start or on the first start after an upgrade (core/bootstrap.ts
 * calls ensureCliClient in both cases), and a meta marker remembers that: an administrator who
 * deletes or changes it is not overruled at the next start.
 *
 * It authenticates with `none` (a CLI keeps no secret), may use the device_code and
 * refresh_token grants only, and has no default audience: the administrator names the API the
 * CLI's tokens are for (`tessera client update tessera-cli --audience URI`), or each user passes
 * `tessera login --audience URI`.
 */
import type { Actor } from '../../context.js';
import { uuidv7 } from '../../ids.js';
import type { Change } from '../../journal.js';
import type { Client } from '../../model.js';
import type { Tx } from '../../ports.js';

export const CLI_CLIENT_ID = 'tessera-cli';
const CREATED = 'bootstrap.cli_client_at';

/** Creates `tessera-cli` unless it was created before (or a client of that id exists); returns the changes to journal. */
export async function ensureCliClient(tx: Tx, actor: Actor, now: Date): Promise<Change[]> {
  if (await tx.getMeta(CREATED)) return [];
  await tx.setMeta(CREATED, now.toISOString());
  if (await tx.getClientByClientId(CLI_CLIENT_ID)) return [];
  const client: Client = {
    id: uuidv7(now.getTime()),
    clientId: CLI_CLIENT_ID,
    name: 'Tessera CLI',
    secretHash: '',
    grantTypes: ['refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    defaultAudience: null,
    type: 'public',
    tokenEndpointAuthMethod: 'none',
    redirectUris: [],
    postLogoutRedirectUris: [],
    firstParty: true,
    jwks: null,
    enabled: true,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await tx.insertClient(client);
  return [
    {
      actor,
      action: 'client.created',
      targetType: 'client',
      targetId: client.id,
      summary: { clientId: client.clientId, name: client.name, grantTypes: client.grantTypes, roles: [] },
      events: [
        {
          type: 'client.created',
          subjectType: 'client',
          subjectId: client.id,
          subjectVersion: client.version,
          data: { clientId: client.clientId, enabled: client.enabled },
        },
      ],
    },
  ];
}
