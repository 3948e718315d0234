import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../core/errors.js';
import type { AttrPath, CompareOperator, CompValue, Filter } from './filter/ast.js';
import { COMPARE_OPERATORS, ORDERING_OPERATORS, SUBSTRING_OPERATORS } from './filter/ast.js';
import { evaluateFilter } from './filter/evaluate.js';
import { parseFilter } from './filter/parse.js';
import { stringifyFilter } from './filter/stringify.js';
import type { PatchPath } from './path/ast.js';
import { parsePath } from './path/parse.js';
import { stringifyPath } from './path/stringify.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROOMY = { maxLength: 1_000_000 };

// ---------------------------------------------------------------- generators

/** Names that collide with keywords and with each other up to case, so lookups are exercised. */
const attrName = fc.oneof(
  fc.constantFrom(
    'emails',
    'Emails',
    'value',
    'VALUE',
    'type',
    'a',
    'b',
    'not',
    'and',
    'or',
    'pr',
    'eq',
    'true',
    'null',
    '$ref',
  ),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,6}$/),
);
const uri = fc.constantFrom(CORE_USER, ENTERPRISE, ENTERPRISE.toUpperCase(), 'urn:example:x-1:v2.0:Thing');

const attrPath = (options: { uri: boolean; subAttr: boolean }): fc.Arbitrary<AttrPath> =>
  fc.record(
    {
      ...(options.uri ? { uri } : {}),
      name: attrName,
      ...(options.subAttr ? { subAttr: attrName } : {}),
    },
    { requiredKeys: ['name'] },
  );

const dateTimes = fc.constantFrom(
  '2011-05-13T04:42:34Z',
  '2011-05-13T06:42:34+02:00',
  '2011-05-13T04:42:34.5Z',
  '2011',
);
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  dateTimes,
  fc.constantFrom('work', 'WORK', ''),
);
const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
);
const anyValue: fc.Arbitrary<CompValue> = fc.oneof(text, number, fc.boolean(), fc.constant(null));

/** A value the operator accepts (the parser refuses the others), or any value. */
function compValue(op: CompareOperator, anyCombination: boolean): fc.Arbitrary<CompValue> {
  if (anyCombination || (!ORDERING_OPERATORS.has(op) && !SUBSTRING_OPERATORS.has(op))) return anyValue;
  return SUBSTRING_OPERATORS.has(op) ? text : fc.oneof(text, number);
}

function leaf(inBrackets: boolean, anyCombination: boolean): fc.Arbitrary<Filter> {
  const path = attrPath({ uri: !inBrackets, subAttr: true });
  return fc.oneof(
    path.map((p): Filter => ({ type: 'present', path: p })),
    fc
      .tuple(path, fc.constantFrom(...COMPARE_OPERATORS))
      .chain(([p, op]) =>
        compValue(op, anyCombination).map((value): Filter => ({ type: 'compare', path: p, op, value })),
      ),
  );
}

/** Filter ASTs as the parser builds them: and/or with 2+ operands, no brackets inside brackets. */
function filters(inBrackets: boolean, anyCombination: boolean): fc.Arbitrary<Filter> {
  const bracket = inBrackets ? undefined : filters(true, anyCombination);
  return fc.letrec<{ filter: Filter }>((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      leaf(inBrackets, anyCombination),
      fc
        .array(tie('filter'), { minLength: 2, maxLength: 3 })
        .map((fs): Filter => ({ type: 'and', filters: fs })),
      fc
        .array(tie('filter'), { minLength: 2, maxLength: 3 })
        .map((fs): Filter => ({ type: 'or', filters: fs })),
      tie('filter').map((f): Filter => ({ type: 'not', filter: f })),
      ...(bracket === undefined
        ? []
        : [
            fc
              .tuple(attrPath({ uri: true, subAttr: false }), bracket)
              .map(([p, f]): Filter => ({ type: 'valuePath', path: p, filter: f })),
          ]),
    ),
  })).filter;
}

const validFilters = filters(false, false);

const patchPaths: fc.Arbitrary<PatchPath> = fc.oneof(
  attrPath({ uri: true, subAttr: true }).map((path): PatchPath => ({ type: 'attribute', path })),
  fc
    .record(
      { path: attrPath({ uri: true, subAttr: false }), filter: filters(true, false), subAttr: attrName },
      { requiredKeys: ['path', 'filter'] },
    )
    .map((p): PatchPath => ({ type: 'valuePath', ...p })),
);

/** Fragments that drive the parser into every state when strung together or spliced in. */
const fragment = fc.constantFrom(
  '(',
  ')',
  '[',
  ']',
  ' ',
  '  ',
  'not',
  'not(',
  'and',
  'or',
  'eq',
  'ne',
  'co',
  'pr',
  'gt',
  'le',
  'xx',
  '"x"',
  '"',
  '\\',
  '\\u00',
  '\\n',
  '1',
  '-',
  '.',
  '0.5e-3',
  '1e',
  'a',
  'emails',
  'value',
  '.value',
  'urn:a:b:',
  ':',
  'true',
  'null',
  'False',
  '$ref',
  '\t',
  '\u0001',
  '😀',
  '\ud800',
);
const fragments = fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join(''));

const RFC_FILTERS = [
  'userName eq "bjensen"',
  `name.familyName co "O'Malley"`,
  `${CORE_USER}:userName sw "J"`,
  'meta.lastModified gt "2011-05-13T04:42:34Z"',
  'title pr or userType eq "Intern"',
  'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
  'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
];

type Mutation = { kind: 'delete' | 'insert' | 'replace'; at: number; text: string };
const mutations = fc.array(
  fc.record({
    kind: fc.constantFrom('delete', 'insert', 'replace'),
    at: fc.nat(),
    text: fragment,
  }) as fc.Arbitrary<Mutation>,
  { minLength: 1, maxLength: 4 },
);

function mutate(input: string, edits: readonly Mutation[]): string {
  let s = input;
  for (const { kind, at, text } of edits) {
    const i = at % (s.length + 1);
    if (kind === 'delete') s = s.slice(0, i) + s.slice(i + 1 + (at % 3));
    else if (kind === 'insert') s = s.slice(0, i) + text + s.slice(i);
    else s = s.slice(0, i) + text + s.slice(i + text.length);
  }
  return s;
}

/** JSON resources whose keys overlap the generated attribute names. */
const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null));
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(attrName, tie('value'), { maxKeys: 3 }),
  ),
})).value;
const resources = fc
  .record(
    {
      schemas: fc.array(fc.constantFrom(CORE_USER, ENTERPRISE, 'urn:example:x-1:v2.0:Thing'), {
        maxLength: 2,
      }),
      [ENTERPRISE]: fc.dictionary(attrName, json, { maxKeys: 3 }),
      rest: fc.dictionary(attrName, json, { maxKeys: 6 }),
    },
    { requiredKeys: [] },
  )
  .map(({ rest, ...top }) => ({ ...rest, ...top }) as Record<string, unknown>);

// ---------------------------------------------------------------- properties

/** Either an AST that survives a round trip, or an ERR_VALIDATION of the expected scimTypes. */
function parsesOrRejects(
  input: string,
  parse: (s: string) => unknown,
  stringify: (ast: never) => string,
  scimTypes: string[],
) {
  let ast: unknown;
  try {
    ast = parse(input);
  } catch (err) {
    if (!(err instanceof TesseraError)) throw err;
    expect(err.code).toBe('ERR_VALIDATION');
    expect(scimTypes).toContain(err.scimType);
    const position = err.detail?.position;
    expect(Number.isInteger(position)).toBe(true);
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThanOrEqual(input.length);
    return;
  }
  // parse(stringify(parse(x))) equals parse(x)
  expect(parse(stringify(ast as never))).toEqual(ast);
}

const checkFilter = (input: string) =>
  parsesOrRejects(input, (s) => parseFilter(s, ROOMY), stringifyFilter, ['invalidFilter']);
const checkPath = (input: string) =>
  parsesOrRejects(input, (s) => parsePath(s, ROOMY), stringifyPath, ['invalidPath', 'invalidFilter']);

describe('parsers never fail with anything but their TesseraError', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), checkFilter), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), checkPath), { numRuns: 300 });
  });

  it('on strings of filter fragments', () => {
    fc.assert(fc.property(fragments, checkFilter), { numRuns: 500 });
    fc.assert(fc.property(fragments, checkPath), { numRuns: 300 });
  });

  it('on mutated valid filters and paths', () => {
    const seeds = fc.oneof(fc.constantFrom(...RFC_FILTERS), validFilters.map(stringifyFilter));
    fc.assert(
      fc.property(seeds, mutations, (seed, edits) => checkFilter(mutate(seed, edits))),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(patchPaths.map(stringifyPath), mutations, (seed, edits) => checkPath(mutate(seed, edits))),
      { numRuns: 300 },
    );
  });
});

describe('stringify round-trips generated ASTs', () => {
  it('filters: parseFilter(stringifyFilter(ast)) equals ast', () => {
    fc.assert(
      fc.property(validFilters, (ast) => {
        expect(parseFilter(stringifyFilter(ast), ROOMY)).toEqual(ast);
      }),
      { numRuns: 300 },
    );
  });

  it('paths: parsePath(stringifyPath(ast)) equals ast', () => {
    fc.assert(
      fc.property(patchPaths, (ast) => {
        expect(parsePath(stringifyPath(ast), ROOMY)).toEqual(ast);
      }),
      { numRuns: 200 },
    );
  });
});

describe('evaluateFilter on generated ASTs and resources', () => {
  const anyFilters = filters(false, true);

  it('returns a boolean or throws an invalidFilter TesseraError, nothing else', () => {
    fc.assert(
      fc.property(anyFilters, resources, fc.boolean(), (filter, resource, exact) => {
        try {
          expect(typeof evaluateFilter(filter, resource, { caseExact: () => exact })).toBe('boolean');
        } catch (err) {
          if (!(err instanceof TesseraError)) throw err;
          expect(err.code).toBe('ERR_VALIDATION');
          expect(err.scimType).toBe('invalidFilter');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with itself through stringify, and "not" negates', () => {
    fc.assert(
      fc.property(validFilters, resources, (filter, resource) => {
        let result: boolean;
        try {
          result = evaluateFilter(filter, resource);
        } catch (err) {
          if (err instanceof TesseraError) return;
          throw err;
        }
        expect(evaluateFilter(parseFilter(stringifyFilter(filter), ROOMY), resource)).toBe(result);
        expect(evaluateFilter({ type: 'not', filter }, resource)).toBe(!result);
      }),
      { numRuns: 300 },
    );
  });
});
