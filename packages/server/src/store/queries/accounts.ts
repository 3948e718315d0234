/** Queries of accounts: passwords, one-time links, sessions, login throttling. */
import type { AccountLink, AccountQueries, AccountSession, LinkPurpose } from '../../core/accounts/ports.js';
import { mapErrors } from '../errors.js';
import type { StoreDialect } from '../schema.js';
import type { AccountLinksTable, AccountSessionsTable } from '../tables/accounts.js';
import { changed, type Db, fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from './shared.js';

export function accountsQueries(db: Db, _dialect: StoreDialect): AccountQueries {
  return {
    async getPasswordHash(userId) {
      const row = await db
        .selectFrom('account_passwords')
        .select('hash')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.hash;
    },

    setPasswordHash: (userId, hash, at) =>
      mapErrors(async () => {
        const updated_at = toMillis(at);
        await db
          .insertInto('account_passwords')
          .values({ user_id: userId, hash, updated_at })
          .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, updated_at }))
          .execute();
      }),

    insertAccountLink: (link) =>
      mapErrors(async () => {
        await db.insertInto('account_links').values(linkRow(link)).execute();
      }),

    async getAccountLinkByHash(codeHash) {
      const row = await db
        .selectFrom('account_links')
        .selectAll()
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
      return row && linkFromRow(row);
    },

    async useAccountLink(id, at) {
      const result = await db
        .updateTable('account_links')
        .set({ used_at: toMillis(at) })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return changed(result.numUpdatedRows);
    },

    async deleteAccountLinks(userId, purpose) {
      const result = await db
        .deleteFrom('account_links')
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numDeletedRows ?? 0n);
    },

    insertAccountSession: (session) =>
      mapErrors(async () => {
        await db.insertInto('account_sessions').values(sessionRow(session)).execute();
      }),

    async getActiveAccountSession(tokenHash) {
      const row = await db
        .selectFrom('account_sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .selectAll('s')
        .where('s.token_hash', '=', tokenHash)
        .where('u.active', '=', 1)
        .executeTakeFirst();
      return row && sessionFromRow(row);
    },

    async touchAccountSession(id, at) {
      await db
        .updateTable('account_sessions')
        .set({ last_seen_at: toMillis(at) })
        .where('id', '=', id)
        .execute();
    },

    async deleteAccountSession(id) {
      const result = await db.deleteFrom('account_sessions').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },

    async deleteUserAccountSessions(userId, exceptId) {
      let query = db.deleteFrom('account_sessions').where('user_id', '=', userId);
      if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows ?? 0n);
    },

    async pruneAccountSessions(now, idleBefore) {
      const result = await db
        .deleteFrom('account_sessions')
        .where((eb) =>
          eb.or([eb('expires_at', '<=', toMillis(now)), eb('last_seen_at', '<', toMillis(idleBefore))]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows ?? 0n);
    },

    async getLoginThrottle(key) {
      const row = await db
        .selectFrom('login_throttles')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      return (
        row && {
          key: row.key,
          failures: Number(row.failures),
          locks: Number(row.locks),
          lockedUntil: fromMillisOrNull(row.locked_until),
          updatedAt: fromMillis(row.updated_at),
        }
      );
    },

    async putLoginThrottle(t) {
      const values = {
        failures: t.failures,
        locks: t.locks,
        locked_until: toMillisOrNull(t.lockedUntil),
        updated_at: toMillis(t.updatedAt),
      };
      await db
        .insertInto('login_throttles')
        .values({ key: t.key, ...values })
        .onConflict((oc) => oc.column('key').doUpdateSet(values))
        .execute();
    },

    async deleteLoginThrottle(key) {
      await db.deleteFrom('login_throttles').where('key', '=', key).execute();
    },

    async accountSecret(name, candidate) {
      const key = `accounts.secret.${name}`;
      await db
        .insertInto('meta')
        .values({ key, value: candidate })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const row = await db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      return row.value;
    },
  };
}

function linkRow(link: AccountLink): AccountLinksTable {
  return {
    id: link.id,
    user_id: link.userId,
    purpose: link.purpose,
    code_hash: link.codeHash,
    created_at: toMillis(link.createdAt),
    expires_at: toMillis(link.expiresAt),
    used_at: toMillisOrNull(link.usedAt),
  };
}

function linkFromRow(row: AccountLinksTable): AccountLink {
  return {
    id: row.id,
    userId: row.user_id,
    purpose: row.purpose as LinkPurpose,
    codeHash: row.code_hash,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
    usedAt: fromMillisOrNull(row.used_at),
  };
}

function sessionRow(s: AccountSession): AccountSessionsTable {
  return {
    id: s.id,
    token_hash: s.tokenHash,
    user_id: s.userId,
    created_at: toMillis(s.createdAt),
    last_seen_at: toMillis(s.lastSeenAt),
    expires_at: toMillis(s.expiresAt),
  };
}

function sessionFromRow(row: AccountSessionsTable): AccountSession {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    userId: row.user_id,
    createdAt: fromMillis(row.created_at),
    lastSeenAt: fromMillis(row.last_seen_at),
    expiresAt: fromMillis(row.expires_at),
  };
}
