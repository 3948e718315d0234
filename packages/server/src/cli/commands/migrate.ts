import { join } from 'node:path';
import type { Config } from '../../config/defaults.js';
import { openRuntime } from '../../runtime.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';

/** Where the store lives, with any password in a PostgreSQL URL masked. */
export function storeLocation(config: Config): string {
  if (!config.databaseUrl) return `SQLite ${join(config.dataDir, 'tessera.db')}`;
  try {
    const url = new URL(config.databaseUrl);
    if (url.password) url.password = '***';
    return `PostgreSQL ${url.toString()}`;
  } catch {
    return 'PostgreSQL (unparseable TESSERA_DATABASE_URL)';
  }
}

export const migrate: Command = {
  name: 'migrate',
  summary: 'create or upgrade the database schema',
  details:
    'Applies every pending migration to the store the configuration names (TESSERA_DATA_DIR or\n' +
    'TESSERA_DATABASE_URL). Safe to repeat and to run while other instances start.',
  async run({ out, url, config }) {
    if (url !== undefined) {
      throw new UsageError('migrate works on the local store; --url and TESSERA_URL do not apply');
    }
    const cfg = config();
    const location = storeLocation(cfg);
    const runtime = await openRuntime(cfg, { migrate: false });
    try {
      // The Store's migrate() reports nothing today; if it ever returns the names it applied, show them.
      const applied: unknown = await runtime.store.migrate();
      const names = Array.isArray(applied) ? applied.map(String) : undefined;
      const text =
        names === undefined
          ? `migrated ${location}: every migration is applied`
          : names.length === 0
            ? `${location} was already up to date`
            : `migrated ${location}: applied ${names.join(', ')}`;
      out.message(text, {
        store: location,
        ...(names === undefined ? { upToDate: true } : { applied: names }),
      });
      return 0;
    } finally {
      await runtime.close();
    }
  },
};
