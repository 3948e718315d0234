import type { Queries } from '../../core/ports.js';
import type { Db } from './shared.js';

type MetaQueries = Pick<Queries, 'getMeta' | 'setMeta'>;

export function metaQueries(db: Db): MetaQueries {
  return {
    async getMeta(key) {
      const row = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },

    async setMeta(key, value) {
      await db
        .insertInto('meta')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
  };
}
