import { notFound } from '../../core/errors.js';
import type { KeyAlgorithm, SigningKey } from '../../core/model.js';
import type { Queries } from '../../core/ports.js';
import { mapErrors } from '../errors.js';
import type { SigningKeysTable } from '../schema.js';
import {
  changed,
  type Db,
  fromMillis,
  fromMillisOrNull,
  parseJson,
  toMillis,
  toMillisOrNull,
} from './shared.js';

type KeyQueries = Pick<Queries, 'insertKey' | 'updateKey' | 'listKeys' | 'deleteKey'>;

export function keyQueries(db: Db): KeyQueries {
  return {
    insertKey: (key) =>
      mapErrors(async () => {
        await db.insertInto('signing_keys').values(toRow(key)).execute();
      }),

    async updateKey(key) {
      const result = await db
        .updateTable('signing_keys')
        .set({
          activate_at: toMillis(key.activateAt),
          retired_at: toMillisOrNull(key.retiredAt),
          remove_at: toMillisOrNull(key.removeAt),
          revoked_at: toMillisOrNull(key.revokedAt),
        })
        .where('kid', '=', key.kid)
        .executeTakeFirst();
      if (!changed(result.numUpdatedRows)) throw notFound('signing key', key.kid);
    },

    async listKeys() {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .orderBy('created_at')
        .orderBy('kid')
        .execute();
      return rows.map(fromRow);
    },

    async deleteKey(kid) {
      const result = await db.deleteFrom('signing_keys').where('kid', '=', kid).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
  };
}

function toRow(key: SigningKey): SigningKeysTable {
  return {
    kid: key.kid,
    alg: key.alg,
    public_jwk: JSON.stringify(key.publicJwk),
    private_key_sealed: key.privateKeySealed,
    created_at: toMillis(key.createdAt),
    activate_at: toMillis(key.activateAt),
    retired_at: toMillisOrNull(key.retiredAt),
    remove_at: toMillisOrNull(key.removeAt),
    revoked_at: toMillisOrNull(key.revokedAt),
  };
}

function fromRow(row: SigningKeysTable): SigningKey {
  return {
    kid: row.kid,
    alg: row.alg as KeyAlgorithm,
    publicJwk: parseJson<Record<string, unknown>>(row.public_jwk),
    privateKeySealed: row.private_key_sealed,
    createdAt: fromMillis(row.created_at),
    activateAt: fromMillis(row.activate_at),
    retiredAt: fromMillisOrNull(row.retired_at),
    removeAt: fromMillisOrNull(row.remove_at),
    revokedAt: fromMillisOrNull(row.revoked_at),
  };
}
