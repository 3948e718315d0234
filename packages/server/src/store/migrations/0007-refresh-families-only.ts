/**
 * Refresh tokens name their family (core/oauth/refresh/tokens.ts): a presented token is found by
 * its family's primary key, and the family row keeps the hashes of its live token and of the
 * token that one replaced — so the one-row-per-token table of 0005 goes, and a rotation
 * writes one row instead of a row and two index entries (the token endpoint's hottest write;
 * docs/benchmarks.md).
 *
 * Two indexes of 0005 go too, each one more B-tree written by every sign-in and read by no
 * query: `client_id` (nothing looks families up by client) and `created_at` (pruning asks for
 * `created_at < x OR revoked_at < y`, which neither dialect answers from it; it scans).
 *
 * Tokens issued before this migration have the old shape (no family id) and can no longer be
 * presented: their families are revoked here, with the reason `token_format`, so that nothing
 * looks live that cannot be used. Their clients sign the user in again.
 * Frozen once released, like 0001.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export function refreshFamiliesOnly(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('refresh_families').addColumn('previous_hash', 'text').execute();
      await sql`update refresh_families set revoked_at = ${Date.now()}, revoked_reason = 'token_format' where revoked_at is null`.execute(
        db,
      );
      await db.schema.dropTable('refresh_tokens').execute();
      await db.schema.dropIndex('refresh_families_client_idx').execute();
      await db.schema.dropIndex('refresh_families_created_idx').execute();
    },
  };
}
