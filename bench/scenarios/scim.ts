// SCIM provisioning at scale. (a) Provision N users (default 100,000; TESSERA_BENCH_SCIM_USERS)
// through POST /scim/v2/Bulk, 1,000 operations per request, on SQLite and on PostgreSQL: users/s,
// against the ceiling of inserting the same rows (users and user_emails, copied from a user the
// server wrote) with one prepared statement per table in one transaction into scratch tables of
// the same shape (better-sqlite3 directly; pg). (b) With those users: list filters with count=100
// over HTTP, p50/p99. (c) A PATCH adding 10,000 members to a group: its time and the server's
// peak RSS while it ran (VmHWM, reset through /proc/<pid>/clear_refs first).

import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Sample, Scenario, Session, Subject } from '../lib/scenario.ts';
import { percentileOfSorted } from '../lib/stats.ts';
import { startTessera, type Tessera } from '../lib/tessera.ts';

const USERS = Number(process.env.TESSERA_BENCH_SCIM_USERS ?? 100_000);
const PER_REQUEST = 1000;
const QUERIES = 300;
const MEMBERS = 10_000;
const TEST_DATABASE_URL = process.env.TESSERA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SERVER_ENV = { TESSERA_WORKERS: '1' };

const pad = (i: number) => String(i).padStart(7, '0');
const userBody = (run: number, i: number) => ({
  schemas: [USER_SCHEMA],
  userName: `u${run}-${pad(i)}@bench.test`,
  externalId: `ext-${run}-${pad(i)}`,
  displayName: `User ${run} ${pad(i)}`,
  name: { givenName: 'Bench', familyName: `User${pad(i)}` },
  emails: [{ value: `u${run}-${pad(i)}@mail.bench.test`, type: 'work', primary: true }],
  active: true,
});

/** A client of one server's SCIM API with the bootstrap admin client's token, renewed every 5 minutes. */
function scimClient(server: Tessera) {
  let token = '';
  let fetchedAt = 0;
  const bearer = async () => {
    if (Date.now() - fetchedAt > 300_000) {
      const res = await fetch(`${server.url}/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${server.clientId}:${server.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
      token = ((await res.json()) as { access_token: string }).access_token;
      fetchedAt = Date.now();
    }
    return token;
  };
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/scim/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await bearer()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
}

/** Peak RSS (VmHWM) of a process and its children, in bytes. */
function peakRss(pid: number): number {
  const pids = [pid];
  try {
    pids.push(
      ...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    );
  } catch {}
  let peak = 0;
  for (const p of pids) {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
    if (m?.[1]) peak = Math.max(peak, Number(m[1]) * 1024);
  }
  return peak;
}
function resetPeakRss(pid: number): void {
  const pids = [pid];
  try {
    pids.push(
      ...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    );
  } catch {}
  for (const p of pids) writeFileSync(`/proc/${p}/clear_refs`, '5');
}

async function latencies(run: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentileOfSorted(samples, 50), p99: percentileOfSorted(samples, 99) };
}

/** Provision, query, patch: one run on a server with `run` as the prefix of its users. */
async function provisionSession(
  server: Tessera,
  stopAll: () => Promise<void>,
  label: string,
): Promise<Session> {
  const scim = scimClient(server);
  let runs = 0;
  return {
    notes: [`${label}: ${USERS} users per run through /Bulk, ${PER_REQUEST} operations per request`],
    async measure(): Promise<Sample> {
      const run = ++runs;
      const ids: string[] = [];
      // The request bodies are built before the clock starts: the client's JSON building is not
      // the server's provisioning time (the ceiling has no client at all).
      const bodies: string[] = [];
      for (let from = 0; from < USERS; from += PER_REQUEST) {
        const operations = [];
        for (let i = from; i < Math.min(USERS, from + PER_REQUEST); i++)
          operations.push({ method: 'POST', path: '/Users', bulkId: `b${i}`, data: userBody(run, i) });
        bodies.push(JSON.stringify({ schemas: [BULK], Operations: operations }));
      }
      const start = performance.now();
      for (const body of bodies) {
        const res = (await scim('POST', '/Bulk', body)) as {
          Operations: { status: string; location?: string }[];
        };
        for (const op of res.Operations) {
          if (op.status !== '201') throw new Error(`bulk operation answered ${op.status}`);
          ids.push(op.location?.slice(op.location.lastIndexOf('/') + 1) ?? '');
        }
      }
      const seconds = (performance.now() - start) / 1000;
      const pick = () => Math.floor(Math.random() * USERS);
      const q = (filter: string) => scim('GET', `/Users?filter=${encodeURIComponent(filter)}&count=100`);
      const userName = await latencies(() => q(`userName eq "u${run}-${pad(pick())}@bench.test"`));
      const externalId = await latencies(() => q(`externalId eq "ext-${run}-${pad(pick())}"`));
      const email = await latencies(() => q(`emails.value eq "u${run}-${pad(pick())}@mail.bench.test"`));
      const sw = await latencies(() => q(`displayName sw "User ${run} ${pad(pick()).slice(0, 4)}"`));

      const group = await scim('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: `bench group ${run}`,
      });
      const pid = server.service.child.pid ?? 0;
      resetPeakRss(pid);
      const patchStart = performance.now();
      await scim('PATCH', `/Groups/${group.id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'add', path: 'members', value: ids.slice(0, MEMBERS).map((value) => ({ value })) },
        ],
      });
      const patchMs = performance.now() - patchStart;
      return {
        usersPerSec: USERS / seconds,
        seconds,
        userNameP50: userName.p50,
        userNameP99: userName.p99,
        externalIdP50: externalId.p50,
        externalIdP99: externalId.p99,
        emailP50: email.p50,
        emailP99: email.p99,
        swP50: sw.p50,
        swP99: sw.p99,
        patchMs,
        patchPeakRss: peakRss(pid),
      };
    },
    stop: stopAll,
  };
}

/** One user written by the server: the rows of users and user_emails to clone. */
const TEMPLATE = 'tmpl-0000000';

async function templateUser(server: Tessera): Promise<string> {
  const scim = scimClient(server);
  const user = await scim('POST', '/Users', {
    ...userBody(0, 0),
    userName: `${TEMPLATE}@bench.test`,
    externalId: `ext-${TEMPLATE}`,
    displayName: `User ${TEMPLATE}`,
    emails: [{ value: `${TEMPLATE}@mail.bench.test`, type: 'work', primary: true }],
  });
  return user.id as string;
}

/** The row for user i: the template's, with its id and every text naming the template renamed. */
function cloneRow(row: Record<string, unknown>, templateId: string, id: string, i: number): unknown[] {
  return Object.values(row).map((v) =>
    typeof v === 'string' ? (v === templateId ? id : v.replaceAll(TEMPLATE, `tmpl-${pad(i)}`)) : v,
  );
}

const sqliteCeiling: Subject = {
  name: 'sqlite ceiling',
  role: 'anchor',
  async start() {
    const server = await startTessera({ env: SERVER_ENV, keepDataDir: true });
    const templateId = await templateUser(server);
    await server.service.stop();
    const source = new Database(join(server.dataDir, 'tessera.db'), { readonly: true });
    const ddl = (table: string) =>
      (
        source.prepare('select sql from sqlite_master where tbl_name = ? and sql is not null').all(table) as {
          sql: string;
        }[]
      ).map((r) => r.sql);
    const tables = ['users', 'user_emails'] as const;
    const shapes = Object.fromEntries(tables.map((t) => [t, ddl(t)]));
    const rows = Object.fromEntries(
      tables.map((t) => [
        t,
        source
          .prepare(`select * from ${t} where ${t === 'users' ? 'id' : 'user_id'} = ?`)
          .get(templateId) as Record<string, unknown>,
      ]),
    );
    source.close();
    let runs = 0;
    return {
      async measure() {
        const db = new Database(join(server.dataDir, `scratch-${++runs}.db`));
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        for (const t of tables)
          for (const sql of shapes[t] ?? [])
            db.exec(
              sql
                .replace(/\b(users|user_emails)\b/g, 'scratch_$1')
                .replace(/\b(\w+_(?:uq|idx|pkey))\b/g, 'scratch_$1'),
            );
        const inserts = tables.map((t) => {
          const cols = Object.keys(rows[t] ?? {});
          return db.prepare(
            `insert into scratch_${t} (${cols.join(',')}) values (${cols.map(() => '?').join(',')})`,
          );
        });
        const start = performance.now();
        db.transaction(() => {
          for (let i = 1; i <= USERS; i++) {
            const id = randomUUID();
            for (const [k, t] of tables.entries())
              inserts[k]?.run(cloneRow(rows[t] ?? {}, templateId, id, i));
          }
        })();
        const seconds = (performance.now() - start) / 1000;
        db.close();
        return { usersPerSec: USERS / seconds, seconds };
      },
      stop: () => rm(server.dataDir, { recursive: true, force: true }),
    };
  },
};

async function postgresServer(): Promise<{ server: Tessera; schema: string; stopAll: () => Promise<void> }> {
  const schema = `bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`create schema "${schema}"`);
  await client.end();
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const dropSchema = async () => {
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  };
  try {
    const server = await startTessera({
      env: {
        ...SERVER_ENV,
        TESSERA_DATABASE_URL: url.toString(),
        TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
      },
    });
    return {
      server,
      schema,
      stopAll: async () => {
        await server.stop();
        await dropSchema();
      },
    };
  } catch (err) {
    await dropSchema();
    throw err;
  }
}

const postgresCeiling: Subject = {
  name: 'postgres ceiling',
  role: 'anchor',
  async start() {
    const { server, schema, stopAll } = await postgresServer();
    const templateId = await templateUser(server);
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    await db.query(`set search_path to "${schema}"`);
    const tables = ['users', 'user_emails'] as const;
    const rows: Record<string, Record<string, unknown>> = {};
    for (const t of tables)
      rows[t] = (
        await db.query(`select * from ${t} where ${t === 'users' ? 'id' : 'user_id'} = $1`, [templateId])
      ).rows[0] as Record<string, unknown>;
    let runs = 0;
    return {
      async measure() {
        const run = ++runs;
        for (const t of tables) await db.query(`create table scratch_${t}_${run} (like ${t} including all)`);
        const start = performance.now();
        await db.query('begin');
        for (let i = 1; i <= USERS; i++) {
          const id = randomUUID();
          for (const t of tables) {
            const cols = Object.keys(rows[t] ?? {});
            await db.query({
              name: `scratch_${t}_${run}`,
              text: `insert into scratch_${t}_${run} (${cols.join(',')}) values (${cols.map((_, k) => `$${k + 1}`).join(',')})`,
              values: cloneRow(rows[t] ?? {}, templateId, id, i),
            });
          }
        }
        await db.query('commit');
        const seconds = (performance.now() - start) / 1000;
        return { usersPerSec: USERS / seconds, seconds };
      },
      async stop() {
        await db.end();
        await stopAll();
      },
    };
  },
};

const sqliteBulk: Subject = {
  name: 'sqlite /Bulk',
  role: 'subject',
  async start() {
    const server = await startTessera({ env: SERVER_ENV });
    return provisionSession(server, () => server.stop(), 'SQLite');
  },
};

const postgresBulk: Subject = {
  name: 'postgres /Bulk',
  role: 'subject',
  async start() {
    const { server, stopAll } = await postgresServer();
    return provisionSession(server, stopAll, 'PostgreSQL');
  },
};

const ms = (key: string, label: string) => ({ key, label, unit: 'ms', better: 'lower' }) as const;

export const scim: Scenario = {
  name: 'scim',
  description: `provision ${USERS} users through SCIM /Bulk (1,000 operations per request) vs one prepared INSERT per row in one transaction; then list filters over HTTP (count=100) and a PATCH adding ${MEMBERS} members; SQLite and PostgreSQL.`,
  metrics: [
    { key: 'usersPerSec', label: 'users/s', unit: 'ops/s', better: 'higher' },
    { key: 'seconds', label: 'total (s)', unit: 's', better: 'lower' },
    ms('userNameP50', 'userName eq p50 (ms)'),
    ms('userNameP99', 'userName eq p99 (ms)'),
    ms('externalIdP50', 'externalId eq p50 (ms)'),
    ms('externalIdP99', 'externalId eq p99 (ms)'),
    ms('emailP50', 'emails.value eq p50 (ms)'),
    ms('emailP99', 'emails.value eq p99 (ms)'),
    ms('swP50', 'displayName sw p50 (ms)'),
    ms('swP99', 'displayName sw p99 (ms)'),
    ms('patchMs', `PATCH +${MEMBERS} members (ms)`),
    { key: 'patchPeakRss', label: 'peak RSS during PATCH', unit: 'bytes', better: 'lower' },
  ],
  headline: 'usersPerSec',
  subjects: [sqliteCeiling, sqliteBulk, postgresCeiling, postgresBulk],
  comparisons: [
    { subject: 'sqlite /Bulk', anchor: 'sqlite ceiling', target: 0.25 },
    { subject: 'postgres /Bulk', anchor: 'postgres ceiling', target: 0.25 },
  ],
};
