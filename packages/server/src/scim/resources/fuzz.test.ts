/**
 * Whatever a client sends, reading a resource or applying a PATCH either succeeds or fails with
 * a 400 TesseraError carrying an RFC 7644 scimType — never a TypeError or another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/errors.js';
import { planGroupPatch } from './group-patch.js';
import { applyPatch } from './patch.js';
import { readPatchRequest } from './patch-request.js';
import { readUser, USER_SCHEMAS } from './user.js';

const SCIM_TYPES = [
  'invalidSyntax',
  'invalidValue',
  'invalidPath',
  'invalidFilter',
  'noTarget',
  'mutability',
  'tooMany',
];
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const keys = fc.constantFrom(
  'userName',
  'USERNAME',
  'name',
  'emails',
  'Emails',
  'active',
  'title',
  'value',
  'type',
  'primary',
  'display',
  'members',
  'groups',
  'id',
  'meta',
  'schemas',
  'phoneNumbers',
  'addresses',
  'manager',
  'department',
  ENTERPRISE,
  'givenName',
  'x509Certificates',
  '$ref',
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 'True', 'false', '', 'a', 'work', 0, 1.5),
    fc.string({ maxLength: 6 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(keys, tie('value'), { maxKeys: 4 }),
  ),
})).value;
const paths = fc.oneof(
  fc.constantFrom(
    'userName',
    'name',
    'name.givenName',
    'emails',
    'emails[type eq "work"]',
    'emails[type eq "work"].value',
    'emails[value co "x"].primary',
    'emails.value',
    'id',
    'meta.created',
    'groups',
    'members',
    'members[value eq "x"]',
    'members[display eq "x"]',
    `${ENTERPRISE}:manager`,
    `${ENTERPRISE}:manager.value`,
    ENTERPRISE,
    'urn:x:y:z',
    'addresses[type eq "work"].country',
    'x509Certificates',
    'displayName',
    'active',
  ),
  fc.string({ maxLength: 12 }),
);
const operation = fc.record(
  { op: fc.constantFrom('add', 'Add', 'remove', 'replace', 'REPLACE', 'copy'), path: paths, value: json },
  { requiredKeys: [] },
);
const body = fc.record({
  schemas: fc.constantFrom(['urn:ietf:params:scim:api:messages:2.0:PatchOp'], undefined),
  Operations: fc.array(operation, { maxLength: 4 }),
});

function onlyScimErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof TesseraError)) throw err;
    expect(err.status).toBe(400);
    expect(SCIM_TYPES).toContain(err.scimType);
  }
}

describe('SCIM input never fails but with SCIM errors', () => {
  it('reading a User', () => {
    fc.assert(
      fc.property(fc.dictionary(keys, json, { maxKeys: 8 }), (input) =>
        onlyScimErrors(() => readUser(input)),
      ),
    );
  });

  it('patching a User', () => {
    const user = {
      userName: 'ada',
      name: { givenName: 'Ada' },
      emails: [{ value: 'ada@x.org', type: 'work', primary: true }],
      active: true,
      [ENTERPRISE]: { department: 'R&D' },
    };
    fc.assert(
      fc.property(body, (request) =>
        onlyScimErrors(() => applyPatch(user, readPatchRequest(request), USER_SCHEMAS)),
      ),
    );
  });

  it('patching a Group', () => {
    fc.assert(
      fc.property(body, (request) =>
        onlyScimErrors(() => planGroupPatch({ displayName: 'Team' }, readPatchRequest(request))),
      ),
    );
  });
});
