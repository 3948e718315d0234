/**
 * Regression: "database migration failed: schema … does not exist" (a flaky CI run). Kysely's
 * PostgreSQL introspector scanned every schema of the database and failed when another schema
 * (another test's, another tenant's) was dropped mid-scan. Migrations now introspect only their
 * own schema: migrate stores while other schemas are created and dropped in a loop.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { describeDialects, openTestStore, TEST_DATABASE_URL } from '../support/stores.js';

describeDialects('migrations while other schemas come and go', () => {
  it('never trip over a schema dropped by someone else', async () => {
    let churning = true;
    const churn = async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        while (churning) {
          const name = `churn_${randomBytes(6).toString('hex')}`;
          await client.query(`create schema "${name}"`);
          await client.query(`create table "${name}".t (id int)`);
          await client.query(`drop schema "${name}" cascade`);
        }
      } finally {
        await client.end();
      }
    };
    const churners = [churn(), churn(), churn()];
    try {
      for (let round = 0; round < 4; round++) {
        const stores = await Promise.all(Array.from({ length: 4 }, () => openTestStore('postgres')));
        for (const s of stores) expect(await s.store.lastEventPosition()).toBe(0);
        await Promise.all(stores.map((s) => s.cleanup()));
      }
    } finally {
      churning = false;
      await Promise.all(churners);
    }
  }, 60_000);
}, ['postgres']);
