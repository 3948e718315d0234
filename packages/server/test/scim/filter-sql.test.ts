/**
 * The store's SQL translation of SCIM filters agrees with the in-memory evaluator: for random
 * filters over a fixed population, `searchUsers` returns exactly the users `evaluateFilter`
 * accepts when run on their rendered SCIM resources. Values include non-ASCII letters whose
 * case folding SQLite's lower() would get wrong.
 *
 * Left out of the generator on purpose (documented in scim-filter.ts): string attributes
 * compared with dateTime-looking strings (the schema, not the value, decides there), ordering
 * across astral characters, and comparisons the evaluator refuses only for some resources
 * (ordering a boolean) — those are refused up front by SQL, tested below.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../../src/core/errors.js';
import { uuidv7 } from '../../src/core/ids.js';
import type { Group, User } from '../../src/core/model.js';
import type { GroupRef, Store } from '../../src/core/ports.js';
import type { AttrPath, CompareOperator, CompValue, Filter } from '../../src/scim/filter/ast.js';
import { evaluateFilter } from '../../src/scim/filter/evaluate.js';
import { parseFilter } from '../../src/scim/filter/parse.js';
import { stringifyFilter } from '../../src/scim/filter/stringify.js';
import { renderUser } from '../../src/scim/resources/user.js';
import { describeDialects, openTestStore, type TestStore } from '../support/stores.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const T0 = Date.parse('2025-03-04T05:06:07.089Z');

/** A deterministic PRNG (mulberry32), so the population is the same on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = ['a', 'A', 'b', 'B', 'é', 'É', 'ß', 'İ', 'i', 'z', '0', ' ', '-'];
const WORDS = [
  'a',
  'A',
  'ab',
  'aB',
  'Ab',
  'ba',
  'bA',
  'é',
  'Éa',
  'ß',
  'İ',
  'i',
  'z',
  'a-b',
  'a b',
  'work',
  'WORK',
  'home',
];
const TYPES = ['work', 'Work', 'home', 'HOME', 'other'];

function population(): { users: User[]; groups: Group[]; members: [string, string][] } {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const maybe = <T>(value: () => T, p = 0.7): T | undefined => (next() < p ? value() : undefined);
  const word = () =>
    next() < 0.5
      ? pick(WORDS)
      : Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(LETTERS))
          .join('')
          .trim() || 'x';
  const groups: Group[] = Array.from({ length: 3 }, (_, i) => ({
    id: uuidv7(T0 + i),
    displayName: `Group ${i}`,
    externalId: null,
    version: 1,
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
  }));
  const users: User[] = [];
  const members: [string, string][] = [];
  for (let i = 0; i < 40; i++) {
    const created = T0 + i * 250 + (i % 3);
    const emails = Array.from({ length: Math.floor(next() * 3) }, (_, k) => ({
      value: `${word()}${k}@${pick(['x.org', 'X.ORG', 'y.com'])}`,
      ...(next() < 0.8 ? { type: pick(TYPES) } : {}),
      ...(k === 0 && next() < 0.5 ? { primary: true } : {}),
    }));
    const phones = Array.from({ length: Math.floor(next() * 2) }, () => ({
      value: word(),
      ...(next() < 0.7 ? { type: pick(['work', 'mobile']) } : {}),
    }));
    const enterprise = {
      ...(next() < 0.6 ? { department: word() } : {}),
      ...(next() < 0.4 ? { manager: { value: word() } } : {}),
    };
    const title = maybe(word, 0.6);
    const scim = {
      ...(title === undefined ? {} : { title }),
      ...(phones.length > 0 ? { phoneNumbers: phones } : {}),
      ...(Object.keys(enterprise).length > 0 ? { [ENTERPRISE]: enterprise } : {}),
    };
    const givenName = maybe(word);
    const familyName = maybe(word);
    const user: User = {
      id: uuidv7(created),
      userName: `${word()}.${i}`,
      externalId: maybe(() => pick(['ext-A', 'ext-a', 'EXT-A', 'ext-b'])) ?? null,
      name: {
        ...(givenName === undefined ? {} : { givenName }),
        ...(familyName === undefined ? {} : { familyName }),
      },
      displayName: maybe(word) ?? null,
      emails,
      active: next() < 0.7,
      ...(Object.keys(scim).length > 0 ? { scim } : {}),
      aver: 1,
      version: 1,
      createdAt: new Date(created),
      updatedAt: new Date(created + Math.floor(next() * 2000)),
    };
    users.push(user);
    for (const group of groups) if (next() < 0.3) members.push([group.id, user.id]);
  }
  return { users, groups, members };
}

const { users, groups, members } = population();
const refsOf = (user: User): GroupRef[] =>
  members
    .filter(([, userId]) => userId === user.id)
    .map(([groupId]) => ({
      userId: user.id,
      groupId,
      displayName: groups.find((g) => g.id === groupId)?.displayName ?? '',
    }));
const resources = users.map((user) =>
  renderUser(user, refsOf(user), { baseUrl: 'https://t.example/scim/v2' }),
);

// ---------------------------------------------------------------- filter generator

type Kind = 'text' | 'exact' | 'boolean' | 'instant' | 'constant';
const STRING_OPS: CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const EQUALITY: CompareOperator[] = ['eq', 'ne'];

const someId = fc.constantFrom(...users.slice(0, 5).map((u) => u.id), ...groups.map((g) => g.id));
const instants = fc
  .constantFrom(...users.slice(0, 8).map((u) => u.createdAt.getTime()))
  .chain((ms) =>
    fc.constantFrom(
      new Date(ms).toISOString(),
      new Date(ms + 1).toISOString(),
      new Date(ms - 1).toISOString(),
      new Date(ms).toISOString().replace('Z', '0001Z'),
      new Date(ms).toISOString().replace(/\.(\d+)Z$/, '.$10000Z'),
      new Date(ms + 2 * 3_600_000).toISOString().replace('Z', '+02:00'),
      new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'),
    ),
  );
const text = fc.oneof(
  fc.constantFrom(
    ...WORDS,
    '',
    'x.org',
    'X.ORG',
    '@',
    '.',
    'ext-a',
    'EXT-A',
    'Group 1',
    'group 1',
    'User',
    'user',
  ),
  fc.string({ unit: fc.constantFrom(...LETTERS), maxLength: 3 }),
);

function leafFor(path: AttrPath, kind: Kind): fc.Arbitrary<Filter> {
  const present = fc.constant<Filter>({ type: 'present', path });
  const compare = (ops: CompareOperator[], value: fc.Arbitrary<CompValue>) =>
    fc
      .tuple(fc.constantFrom(...ops), value)
      .map(([op, v]): Filter => ({ type: 'compare', path, op, value: v }));
  const otherTypes = fc.constantFrom<CompValue>(null, true, false, 1, 0);
  switch (kind) {
    case 'text':
    case 'exact':
      return fc.oneof(
        { weight: 1, arbitrary: present },
        {
          weight: 6,
          arbitrary: compare(
            STRING_OPS,
            fc.oneof(text, path.name.toLowerCase() === 'id' || path.subAttr === 'value' ? someId : text),
          ),
        },
        { weight: 1, arbitrary: compare(EQUALITY, otherTypes) },
      );
    case 'boolean':
      return fc.oneof(present, compare(EQUALITY, fc.constantFrom<CompValue>(true, false, null, 'true', 1)));
    case 'instant':
      return fc.oneof(
        { weight: 1, arbitrary: present },
        { weight: 6, arbitrary: compare(['eq', 'ne', 'gt', 'ge', 'lt', 'le'], instants) },
        { weight: 1, arbitrary: compare(EQUALITY, fc.constantFrom<CompValue>(null, 1)) },
      );
    case 'constant':
      return fc.oneof(present, compare(STRING_OPS, fc.constantFrom('User', 'user', 'Us', 'Group')));
  }
}

const ATTRIBUTES: [AttrPath, Kind][] = [
  [{ name: 'userName' }, 'text'],
  [{ name: 'USERNAME' }, 'text'],
  [{ name: 'displayName' }, 'text'],
  [{ name: 'externalId' }, 'exact'],
  [{ name: 'id' }, 'exact'],
  [{ name: 'active' }, 'boolean'],
  [{ name: 'title' }, 'text'],
  [{ uri: 'urn:ietf:params:scim:schemas:core:2.0:User', name: 'title' }, 'text'],
  [{ name: 'name', subAttr: 'givenName' }, 'text'],
  [{ name: 'Name', subAttr: 'FAMILYNAME' }, 'text'],
  [{ name: 'emails' }, 'text'],
  [{ name: 'emails', subAttr: 'value' }, 'text'],
  [{ name: 'emails', subAttr: 'type' }, 'text'],
  [{ name: 'emails', subAttr: 'primary' }, 'boolean'],
  [{ name: 'phoneNumbers', subAttr: 'value' }, 'text'],
  [{ name: 'groups', subAttr: 'value' }, 'text'],
  [{ name: 'groups' }, 'text'],
  [{ uri: ENTERPRISE, name: 'department' }, 'text'],
  [{ uri: ENTERPRISE.toUpperCase(), name: 'manager', subAttr: 'value' }, 'text'],
  [{ uri: ENTERPRISE, name: 'manager' }, 'text'],
  [{ name: 'meta', subAttr: 'created' }, 'instant'],
  [{ name: 'meta', subAttr: 'lastModified' }, 'instant'],
  [{ name: 'meta', subAttr: 'resourceType' }, 'constant'],
];

const SUBS: Record<string, [string, Kind][]> = {
  emails: [
    ['value', 'text'],
    ['type', 'text'],
    ['primary', 'boolean'],
  ],
  phoneNumbers: [
    ['value', 'text'],
    ['type', 'text'],
  ],
  name: [
    ['givenName', 'text'],
    ['familyName', 'text'],
  ],
  groups: [['value', 'text']],
};

const logical = (leaf: fc.Arbitrary<Filter>, depth: number): fc.Arbitrary<Filter> =>
  depth === 0
    ? leaf
    : fc.oneof(
        { weight: 3, arbitrary: leaf },
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              fc.constantFrom('and' as const, 'or' as const),
              fc.array(logical(leaf, depth - 1), { minLength: 2, maxLength: 3 }),
            )
            .map(([type, filters]): Filter => ({ type, filters })),
        },
        { weight: 1, arbitrary: logical(leaf, depth - 1).map((filter): Filter => ({ type: 'not', filter })) },
      );

const innerLeaf = (attribute: string): fc.Arbitrary<Filter> =>
  fc.constantFrom(...(SUBS[attribute] ?? [])).chain(([name, kind]) => leafFor({ name }, kind));
const valuePath = fc
  .constantFrom(...Object.keys(SUBS))
  .chain((attribute) =>
    logical(innerLeaf(attribute), 1).map(
      (filter): Filter => ({ type: 'valuePath', path: { name: attribute }, filter }),
    ),
  );
const leaf = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ATTRIBUTES).chain(([path, kind]) => leafFor(path, kind)) },
  { weight: 1, arbitrary: valuePath },
);
const filters = logical(leaf, 3);

const expected = (filter: Filter): string[] =>
  users
    .filter((_, i) => evaluateFilter(filter, resources[i]))
    .map((u) => u.id)
    .sort();

// ---------------------------------------------------------------- tests

describeDialects('SCIM filters in SQL agree with evaluateFilter', (dialect) => {
  let test: TestStore;
  let store: Store;
  beforeAll(async () => {
    test = await openTestStore(dialect);
    store = test.store;
    for (const user of users) await store.insertUser(user);
    for (const group of groups) await store.insertGroup(group);
    for (const group of groups) {
      const ids = members.filter(([g]) => g === group.id).map(([, u]) => u);
      if (ids.length > 0) await store.addGroupMembers(group.id, ids);
    }
  });
  afterAll(async () => {
    await test?.cleanup();
  });

  const search = async (filter: Filter): Promise<string[]> =>
    (await store.searchUsers({ filter, offset: 0, limit: 1000 })).items.map((u) => u.id).sort();

  const stats: number[] = [];
  afterAll(() => {
    if (process.env.SCIM_FILTER_STATS && stats.length > 0) {
      const buckets = { none: 0, some: 0, all: 0 };
      for (const n of stats) buckets[n === 0 ? 'none' : n === users.length ? 'all' : 'some']++;
      console.log(dialect, JSON.stringify(buckets));
    }
  });
  it('on random filters', async () => {
    await fc.assert(
      fc.asyncProperty(filters, async (filter) => {
        const sql = await search(filter);
        const memory = expected(filter);
        if (process.env.SCIM_FILTER_STATS) stats.push(memory.length);
        if (JSON.stringify(sql) !== JSON.stringify(memory))
          throw new Error(`${stringifyFilter(filter)}: SQL ${sql.length} users, evaluator ${memory.length}`);
      }),
      {
        numRuns: Number(process.env.SCIM_FILTER_RUNS ?? 300),
        seed: Number(process.env.SCIM_FILTER_SEED ?? Date.now() % 1_000_000),
      },
    );
  });

  it.each([
    'userName sw "a" and not (emails[type eq "WORK" and value co "X.ORG"])',
    'emails ne "nobody@x.org" and title pr',
    'not (displayName eq "a") or externalId eq "ext-A"',
    'meta.created gt "2025-03-04T05:06:07.089Z" and meta.lastModified le "2025-03-04T07:06:17+02:00"',
    'name.givenName eq null or urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department ew "A"',
    'groups[value eq "x"] or groups pr',
    'title gt "İ" or title lt "é"',
  ])('%s', async (text) => {
    const filter = parseFilter(text);
    expect(await search(filter)).toEqual(expected(filter));
  });

  describe('refusals', () => {
    it.each([
      ['active gt 1', 'invalidFilter'],
      ['emails.primary co "t"', 'invalidFilter'],
      ['meta.created sw "2025"', 'invalidFilter'],
      ['meta.created eq "yesterday"', 'invalidFilter'],
      ['meta.location eq "x"', 'invalidFilter'],
      ['meta.version eq "W/\\"1\\""', 'invalidFilter'],
      ['schemas eq "x"', 'invalidFilter'],
      ['shoeSize eq 9', 'invalidFilter'],
      ['department eq "x"', 'invalidFilter'],
      ['urn:example:ext:1.0:Thing:x eq "x"', 'invalidFilter'],
      ['name eq "x"', 'invalidFilter'],
      ['userName.x eq "x"', 'invalidFilter'],
      ['groups.display eq "Group 1"', 'invalidFilter'],
      ['emails[type.x eq "x"]', 'invalidFilter'],
      ['title[value eq "x"]', 'invalidFilter'],
    ])('%s → %s', async (text, scimType) => {
      const error = await store
        .searchUsers({ filter: parseFilter(text), offset: 0, limit: 10 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TesseraError);
      expect((error as TesseraError).scimType).toBe(scimType);
    });

    it('refuses sorting by a multi-valued attribute with invalidValue', async () => {
      const error = await store
        .searchUsers({ sortBy: { name: 'emails', subAttr: 'value' }, offset: 0, limit: 10 })
        .catch((e: unknown) => e);
      expect((error as TesseraError).scimType).toBe('invalidValue');
    });
  });

  it('sorts case-insensitively by code point, unassigned values last, then by id; pages by offset', async () => {
    for (const [attribute, key] of [
      [{ name: 'title' }, (u: User) => (u.scim?.title as string | undefined)?.toLowerCase()],
      [{ name: 'displayName' }, (u: User) => u.displayName?.toLowerCase()],
      [{ name: 'name', subAttr: 'familyName' }, (u: User) => u.name.familyName?.toLowerCase()],
      [{ name: 'meta', subAttr: 'lastModified' }, (u: User) => u.updatedAt.toISOString()],
    ] as const) {
      for (const descending of [false, true]) {
        const order = [...users].sort((a, b) => {
          const x = key(a);
          const y = key(b);
          if (x === undefined || y === undefined)
            return x === y ? (a.id < b.id ? -1 : 1) : x === undefined ? 1 : -1;
          const points = (s: string) => [...s].map((c) => c.codePointAt(0) as number);
          const [p, q] = [points(x), points(y)];
          let cmp = 0;
          for (let i = 0; cmp === 0 && i < Math.max(p.length, q.length); i++)
            cmp = (p[i] ?? -1) - (q[i] ?? -1);
          if (cmp === 0) return a.id < b.id ? -1 : 1;
          return descending ? -cmp : cmp;
        });
        const page = await store.searchUsers({ sortBy: attribute, descending, offset: 5, limit: 20 });
        expect(page.total).toBe(users.length);
        expect(
          page.items.map((u) => u.id),
          `${JSON.stringify(attribute)} ${descending}`,
        ).toEqual(order.slice(5, 25).map((u) => u.id));
      }
    }
  });
});
