/** Queries of authorization codes, consents and used client assertions. */
import { type Compilable, CompiledQuery } from 'kysely';
import type {
  AuthorizationCode,
  AuthorizationQueries,
  CodeIssuance,
  Consent,
} from '../../core/oauth/authorize/ports.js';
import { SQLITE_BUSY, syncSqlite } from '../dialects/sqlite.js';
import type { StoreDialect } from '../schema.js';
import type { AuthorizationCodesTable, OAuthConsentsTable } from '../tables/authorization.js';
import { insertRefreshFamilySync, refreshQueries } from './refresh.js';
import {
  atomic,
  changed,
  type Db,
  fromMillis,
  fromMillisOrNull,
  toMillis,
  toMillisOrNull,
} from './shared.js';

/**
 * The two statements of every code redemption, compiled by Kysely once per dialect and then run
 * with new values (as refresh.ts does for rotations): building and compiling a query each time
 * cost a noticeable share of a redemption. `params` follow the order of the compiled statement,
 * which the store conformance test pins (every value is read back).
 */
function compiledOnce(build: (db: Db) => Compilable) {
  const compiled = new Map<StoreDialect, string>();
  const text = (db: Db, dialect: StoreDialect): string => {
    let sql = compiled.get(dialect);
    if (sql === undefined) {
      sql = build(db).compile().sql;
      compiled.set(dialect, sql);
    }
    return sql;
  };
  return Object.assign(
    (db: Db, dialect: StoreDialect, params: readonly unknown[]) =>
      db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text(db, dialect), [...params])),
    { text },
  );
}

/** [code_hash] */
const selectCode = compiledOnce((db) =>
  db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', ''),
);

/** [used_at, access_token_jti, access_token_expires_at, refresh_family_id, code_hash] */
const claimCode = compiledOnce((db) =>
  db
    .updateTable('authorization_codes')
    .set({ used_at: 0, access_token_jti: '', access_token_expires_at: 0, refresh_family_id: '' })
    .where('code_hash', '=', '')
    .where('used_at', 'is', null),
);

const claimParams = (codeHash: string, usedAt: Date, issued: CodeIssuance): unknown[] => [
  toMillis(usedAt),
  issued.accessTokenJti,
  toMillis(issued.accessTokenExpiresAt),
  issued.refreshFamilyId,
  codeHash,
];

export function authorizationQueries(db: Db, dialect: StoreDialect): AuthorizationQueries {
  // SQLite's root database runs a redemption's statements synchronously when its connection is
  // idle (dialects/sqlite.ts syncSqlite), each write in one short transaction.
  const fast = dialect === 'sqlite' ? syncSqlite(db) : undefined;
  return {
    async insertAuthorizationCode(code) {
      await db.insertInto('authorization_codes').values(codeRow(code)).execute();
    },

    async getAuthorizationCode(codeHash) {
      if (fast?.idle) {
        const text = selectCode.text(db, dialect);
        const row = await fast.readSoon(
          () => fast.get(text, [codeHash]) as AuthorizationCodesTable | undefined,
        );
        if (row !== SQLITE_BUSY) return row && fromCodeRow(row);
      }
      const row = (await selectCode(db, dialect, [codeHash])).rows[0] as AuthorizationCodesTable | undefined;
      return row && fromCodeRow(row);
    },

    async redeemAuthorizationCode(codeHash, usedAt, issued) {
      const params = claimParams(codeHash, usedAt, issued);
      if (fast?.idle) {
        const claimed = await fast.writeSoon(() => fast.run(claimCode.text(db, dialect), params) > 0);
        if (claimed !== SQLITE_BUSY) return claimed;
      }
      const result = await claimCode(db, dialect, params);
      return changed(result.numAffectedRows);
    },

    async redeemAuthorizationCodeWithFamily(codeHash, usedAt, issued, family) {
      // The claim first: when it loses, nothing else is written (no rollback needed, so this
      // also runs inside a caller's transaction). refresh_family_id has no foreign key.
      const params = claimParams(codeHash, usedAt, { ...issued, refreshFamilyId: family.id });
      if (fast?.idle) {
        const claimed = await fast.writeSoon(() => {
          if (fast.run(claimCode.text(db, dialect), params) === 0) return false;
          insertRefreshFamilySync(db, fast, family);
          return true;
        });
        if (claimed !== SQLITE_BUSY) return claimed;
      }
      return atomic(db, async (tx) => {
        if (!changed((await claimCode(tx, dialect, params)).numAffectedRows)) return false;
        await refreshQueries(tx, dialect).insertRefreshFamily(family);
        return true;
      });
    },

    async pruneAuthorizationCodes(before) {
      const result = await db
        .deleteFrom('authorization_codes')
        .where('expires_at', '<', toMillis(before))
        .executeTakeFirst();
      return Number(result.numDeletedRows ?? 0n);
    },

    async getConsent(userId, clientId, audience) {
      const row = await db
        .selectFrom('oauth_consents')
        .selectAll()
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .where('audience', '=', audience)
        .executeTakeFirst();
      return row && fromConsentRow(row);
    },

    async listConsents(userId, clientId) {
      const rows = await db
        .selectFrom('oauth_consents')
        .selectAll()
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .orderBy('audience')
        .execute();
      return rows.map(fromConsentRow);
    },

    async putConsent(consent) {
      const row: OAuthConsentsTable = {
        user_id: consent.userId,
        client_id: consent.clientId,
        audience: consent.audience,
        scope: consent.scope,
        granted_at: toMillis(consent.grantedAt),
      };
      await db
        .insertInto('oauth_consents')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['user_id', 'client_id', 'audience']).doUpdateSet({
            scope: row.scope,
            granted_at: row.granted_at,
          }),
        )
        .execute();
    },

    async useClientAssertion(clientId, jti, expiresAt, now) {
      await db.deleteFrom('client_assertions').where('expires_at', '<', toMillis(now)).execute();
      const result = await db
        .insertInto('client_assertions')
        .values({ client_id: clientId, jti, expires_at: toMillis(expiresAt) })
        .onConflict((oc) => oc.columns(['client_id', 'jti']).doNothing())
        .executeTakeFirst();
      return changed(result.numInsertedOrUpdatedRows);
    },
  };
}

function codeRow(code: AuthorizationCode): AuthorizationCodesTable {
  return {
    code_hash: code.codeHash,
    client_id: code.clientId,
    redirect_uri: code.redirectUri,
    code_challenge: code.codeChallenge,
    user_id: code.userId,
    session_id: code.sessionId,
    auth_time: toMillis(code.authTime),
    nonce: code.nonce,
    scope: code.scope,
    audience: code.audience,
    created_at: toMillis(code.createdAt),
    expires_at: toMillis(code.expiresAt),
    used_at: toMillisOrNull(code.usedAt),
    access_token_jti: code.accessTokenJti,
    access_token_expires_at: toMillisOrNull(code.accessTokenExpiresAt),
    refresh_family_id: code.refreshFamilyId,
  };
}

function fromCodeRow(row: AuthorizationCodesTable): AuthorizationCode {
  return {
    codeHash: row.code_hash,
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    codeChallenge: row.code_challenge,
    userId: row.user_id,
    sessionId: row.session_id,
    authTime: fromMillis(row.auth_time),
    nonce: row.nonce,
    scope: row.scope,
    audience: row.audience,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
    usedAt: fromMillisOrNull(row.used_at),
    accessTokenJti: row.access_token_jti,
    accessTokenExpiresAt: fromMillisOrNull(row.access_token_expires_at),
    refreshFamilyId: row.refresh_family_id,
  };
}

function fromConsentRow(row: OAuthConsentsTable): Consent {
  return {
    userId: row.user_id,
    clientId: row.client_id,
    audience: row.audience,
    scope: row.scope,
    grantedAt: fromMillis(row.granted_at),
  };
}
