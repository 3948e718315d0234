/**
 * Migration 0002 on a store that already has users: their filter documents and lower-cased
 * display names are backfilled, so SCIM filters find users created before SCIM existed.
 */
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { uuidv7 } from '../../src/core/ids.js';
import type { Store } from '../../src/core/ports.js';
import { parseFilter } from '../../src/scim/filter/parse.js';
import { openStore } from '../../src/store/open.js';
import { migratedTo } from '../support/migrated-to.js';
import { describeDialects } from '../support/stores.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describeDialects('migration 0002 backfills SCIM filter columns', (dialect) => {
  it('lets filters find users written before it', async () => {
    const before = await migratedTo(dialect, '0001_initial');
    cleanups.push(before.cleanup);
    const { db, options } = before;
    const id = uuidv7();
    const now = Date.now();
    await sql`insert into users (id, user_name, user_name_lower, external_id, name, display_name, emails, active, aver, version, created_at, updated_at)
      values (${id}, ${'Émile'}, ${'émile'}, ${null}, ${JSON.stringify({ givenName: 'ÉMILE', familyName: 'Zola' })}, ${'Émile Z'},
        ${JSON.stringify([{ value: 'E@Zola.example', type: 'WORK', primary: true }])}, ${1}, ${1}, ${1}, ${now}, ${now})`.execute(
      db,
    );
    await db.destroy();

    const store: Store = await openStore(options);
    cleanups.push(() => store.close());
    await store.migrate();
    const find = async (filter: string) =>
      (await store.searchUsers({ filter: parseFilter(filter), offset: 0, limit: 10 })).items.map((u) => u.id);
    expect(await find('name.givenName eq "émile"')).toEqual([id]);
    expect(await find('displayName sw "ÉMILE"')).toEqual([id]);
    expect(await find('emails[type eq "work" and value ew "zola.EXAMPLE"]')).toEqual([id]);
    expect(await find('name.middleName pr or title pr')).toEqual([]);
    expect((await store.getUser(id))?.scim).toBeUndefined();
  });
});
