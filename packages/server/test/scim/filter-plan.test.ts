/**
 * The plans PostgreSQL picks for the indexed SCIM filters right after a bulk load, before
 * autovacuum has gathered statistics: `emails.value eq` must look the address up in
 * user_emails_value_idx and fetch users by primary key, not scan users (12 ms at 20,000 users)
 * or walk an index of every email for users.id order (30 ms at 100,000; the benchmark's p99
 * missed 10 ms through such plans). And with statistics, a filter matching the newest users
 * must not make the planner walk the primary key in id order through every older user.
 *
 * The plans are PostgreSQL's; on SQLite only the dialect-neutral case runs (no test is skipped).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EventBus } from '../../src/core/events.js';
import { systemClock } from '../../src/core/ports.js';
import { createUsers } from '../../src/core/users/create-many.js';
import { parseFilter } from '../../src/scim/filter/parse.js';
import { openPostgres } from '../../src/store/dialects/postgres.js';
import { FilterTranslator } from '../../src/store/queries/scim-filter.js';
import { USER_MAPPING } from '../../src/store/queries/scim-mappings.js';
import { idOrder } from '../../src/store/queries/scim-search.js';
import { describeDialects, openTestStore, TEST_DATABASE_URL, type TestStore } from '../support/stores.js';

describeDialects('SCIM filter plans', (dialect) => {
  let opened: TestStore;
  beforeAll(async () => {
    opened = await openTestStore(dialect);
    if (opened.location.dialect === 'postgres') {
      // As right after a bulk load: no statistics yet (autovacuum would gather them at some point).
      const db = await openPostgres(TEST_DATABASE_URL, opened.location.postgresSchema);
      for (const table of ['users', 'user_emails'])
        await sql.raw(`alter table ${table} set (autovacuum_enabled = false)`).execute(db);
      await db.destroy();
    }
    const ctx = { store: opened.store, clock: systemClock, bus: new EventBus() };
    for (let from = 0; from < 20_000; from += 1000)
      await createUsers(
        ctx,
        { type: 'system', id: 'test' },
        Array.from({ length: 1000 }, (_, k) => ({
          userName: `u${from + k}`,
          displayName: `${from + k < 10_000 ? 'Alpha' : 'Beta'} ${from + k}`,
          emails: [{ value: `u${from + k}@mail.example` }],
        })),
      );
  }, 60_000);
  afterAll(async () => {
    await opened?.cleanup();
  });

  if (dialect === 'postgres')
    it('emails.value eq: an index lookup, then users by primary key', async () => {
      if (opened.location.dialect !== 'postgres') return;
      const db = await openPostgres(TEST_DATABASE_URL, opened.location.postgresSchema);
      try {
        const where = new FilterTranslator('postgres', USER_MAPPING).where(
          parseFilter('emails.value eq "u12345@MAIL.example"'),
        );
        const query = db
          .selectFrom('users')
          .select('id')
          .where(where)
          .orderBy('users.id')
          .limit(100)
          .compile();
        const explain = await sql
          .raw(
            `explain (analyze, format json) ${query.sql.replace(/\$(\d+)/g, (_, n) => `'${query.parameters[Number(n) - 1]}'`)}`,
          )
          .execute(db);
        const plan = JSON.stringify(explain.rows);
        expect(plan).toContain('"Index Name":"user_emails_value_idx"');
        expect(plan).toContain('"Index Name":"users_pkey"');
        expect(plan).not.toContain('Seq Scan');
        expect(plan).not.toContain('user_emails_pk');
        expect(plan).toContain('"Actual Rows":1');
      } finally {
        await db.destroy();
      }
    });

  if (dialect === 'postgres')
    it('a filter matching the newest users: matches first, then sorted, not a walk of every older id', async () => {
      if (opened.location.dialect !== 'postgres') return;
      const db = await openPostgres(TEST_DATABASE_URL, opened.location.postgresSchema);
      try {
        // With statistics, "displayName sw beta" matches half the users: the planner would walk
        // users_pkey in id order to stop at 100, reading all 10,000 older "Alpha" users first.
        await sql`analyze users`.execute(db);
        const where = new FilterTranslator('postgres', USER_MAPPING).where(
          parseFilter('displayName sw "beta"'),
        );
        const query = db
          .selectFrom('users')
          .select('id')
          .where(where)
          .orderBy(idOrder('postgres', 'users', where))
          .limit(100)
          .compile();
        const explain = await sql
          .raw(
            `explain (analyze, format json) ${query.sql.replace(/\$(\d+)/g, (_, n) => `'${query.parameters[Number(n) - 1]}'`)}`,
          )
          .execute(db);
        const plan = JSON.stringify(explain.rows);
        expect(plan).not.toContain('users_pkey');
        expect(plan).toContain('"Actual Rows":100');
      } finally {
        await db.destroy();
      }
    });

  it('emails.value eq finds the user, whatever the case of the address', async () => {
    const found = await opened.store.searchUsers({
      filter: parseFilter('emails.value eq "U12345@mail.EXAMPLE"'),
      offset: 0,
      limit: 100,
    });
    expect(found.total).toBe(1);
    expect(found.items[0]?.userName).toBe('u12345');
  });
});
