import type { Client, ClientAuthMethod, ClientType, GrantType, PublicJwks } from '../../core/model.js';
import type { Queries } from '../../core/ports.js';
import { mapErrors } from '../errors.js';
import { afterId, fetchSize, toPage } from '../pagination.js';
import type { ClientsTable } from '../schema.js';
import { changed, type Db, fromFlag, fromMillis, parseJson, toFlag, toMillis } from './shared.js';

type ClientQueries = Pick<
  Queries,
  'insertClient' | 'updateClient' | 'deleteClient' | 'getClient' | 'getClientByClientId' | 'listClients'
>;

export function clientQueries(db: Db): ClientQueries {
  return {
    insertClient: (client) =>
      mapErrors(async () => {
        await db.insertInto('clients').values(toRow(client)).execute();
      }),

    updateClient: (client, expectedVersion) =>
      mapErrors(async () => {
        const { id, ...row } = toRow(client);
        const result = await db
          .updateTable('clients')
          .set(row)
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        return changed(result.numUpdatedRows);
      }),

    async deleteClient(id) {
      const result = await db.deleteFrom('clients').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },

    async getClient(id) {
      const row = await db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    async getClientByClientId(clientId) {
      const row = await db
        .selectFrom('clients')
        .selectAll()
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return row && fromRow(row);
    },

    async listClients(options) {
      const after = afterId(options);
      let query = db.selectFrom('clients').selectAll().orderBy('id').limit(fetchSize(options));
      if (after !== undefined) query = query.where('id', '>', after);
      return toPage((await query.execute()).map(fromRow), options, (client) => client.id);
    },
  };
}

function toRow(client: Client): ClientsTable {
  return {
    id: client.id,
    client_id: client.clientId,
    name: client.name,
    secret_hash: client.secretHash,
    grant_types: JSON.stringify(client.grantTypes),
    default_audience: client.defaultAudience,
    enabled: toFlag(client.enabled),
    version: client.version,
    created_at: toMillis(client.createdAt),
    updated_at: toMillis(client.updatedAt),
    type: client.type,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    redirect_uris: JSON.stringify(client.redirectUris),
    post_logout_redirect_uris: JSON.stringify(client.postLogoutRedirectUris),
    first_party: toFlag(client.firstParty),
    jwks: client.jwks === null ? null : JSON.stringify(client.jwks),
  };
}

function fromRow(row: ClientsTable): Client {
  return {
    id: row.id,
    clientId: row.client_id,
    name: row.name,
    secretHash: row.secret_hash,
    grantTypes: parseJson<GrantType[]>(row.grant_types),
    defaultAudience: row.default_audience,
    enabled: fromFlag(row.enabled),
    version: row.version,
    createdAt: fromMillis(row.created_at),
    updatedAt: fromMillis(row.updated_at),
    type: row.type as ClientType,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as ClientAuthMethod,
    redirectUris: parseJson<string[]>(row.redirect_uris),
    postLogoutRedirectUris: parseJson<string[]>(row.post_logout_redirect_uris),
    firstParty: fromFlag(row.first_party),
    jwks: row.jwks === null ? null : parseJson<PublicJwks>(row.jwks),
  };
}
