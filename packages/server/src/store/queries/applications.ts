import type { Application } from '../../core/model.js';
import type { Queries } from '../../core/ports.js';
import { mapErrors } from '../errors.js';
import { afterId, fetchSize, toPage } from '../pagination.js';
import type { ApplicationsTable } from '../schema.js';
import { changed, type Db, fromMillis, toMillis } from './shared.js';

type ApplicationQueries = Pick<
  Queries,
  | 'insertApplication'
  | 'updateApplication'
  | 'deleteApplication'
  | 'getApplication'
  | 'getApplicationByAudience'
  | 'listApplications'
>;

export function applicationQueries(db: Db): ApplicationQueries {
  return {
    insertApplication: (app) =>
      mapErrors(async () => {
        await db.insertInto('applications').values(toRow(app)).execute();
      }),

    updateApplication: (app, expectedVersion) =>
      mapErrors(async () => {
        const { id, ...row } = toRow(app);
        const result = await db
          .updateTable('applications')
          .set(row)
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        return changed(result.numUpdatedRows);
      }),

    async deleteApplication(id) {
      const result = await db.deleteFrom('applications').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },

    async getApplication(id) {
      const row = await db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    async getApplicationByAudience(audience) {
      const row = await db
        .selectFrom('applications')
        .selectAll()
        .where('audience', '=', audience)
        .executeTakeFirst();
      return row && fromRow(row);
    },

    async listApplications(options) {
      const after = afterId(options);
      let query = db.selectFrom('applications').selectAll().orderBy('id').limit(fetchSize(options));
      if (after !== undefined) query = query.where('id', '>', after);
      return toPage((await query.execute()).map(fromRow), options, (app) => app.id);
    },
  };
}

function toRow(app: Application): ApplicationsTable {
  return {
    id: app.id,
    name: app.name,
    audience: app.audience,
    namespace: app.namespace,
    version: app.version,
    created_at: toMillis(app.createdAt),
    updated_at: toMillis(app.updatedAt),
  };
}

function fromRow(row: ApplicationsTable): Application {
  return {
    id: row.id,
    name: row.name,
    audience: row.audience,
    namespace: row.namespace,
    version: row.version,
    createdAt: fromMillis(row.created_at),
    updatedAt: fromMillis(row.updated_at),
  };
}
