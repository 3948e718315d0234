/** JSON Schemas shared by the admin routes; they also feed the OpenAPI document. */

export const str = (maxLength = 256) => ({ type: 'string', maxLength }) as const;
export const nullableStr = (maxLength = 256) => ({ type: ['string', 'null'], maxLength }) as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: str(128) },
} as const;

export const idRoleParams = {
  type: 'object',
  required: ['id', 'role'],
  additionalProperties: false,
  properties: { id: str(128), role: str(128) },
} as const;

/** Cursor pagination: `?limit=50&cursor=…` (query values are strings; no coercion anywhere). */
export const pageQuery = (extra: Record<string, unknown> = {}) =>
  ({
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: {
        type: 'string',
        pattern: '^(?:[1-9]|[1-9][0-9]|[1-4][0-9][0-9]|500)$',
        description: '1-500, default 50',
      },
      cursor: str(512),
      ...extra,
    },
  }) as const;

export const pageOf = (item: object) =>
  ({
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items: item }, nextCursor: nullableStr(512) },
  }) as const;

export const emailSchema = {
  type: 'object',
  required: ['value'],
  additionalProperties: false,
  properties: { value: str(254), type: str(64), primary: { type: 'boolean' } },
} as const;

export const nameSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { givenName: nullableStr(), familyName: nullableStr(), formatted: nullableStr() },
} as const;

export const userInputProperties = {
  userName: str(),
  externalId: nullableStr(),
  name: nameSchema,
  displayName: nullableStr(),
  emails: { type: ['array', 'null'], maxItems: 20, items: emailSchema },
  active: { type: 'boolean' },
} as const;

export const userSchema = {
  type: 'object',
  properties: {
    id: str(),
    userName: str(),
    externalId: nullableStr(),
    name: { type: 'object', additionalProperties: true },
    displayName: nullableStr(),
    emails: { type: 'array', items: { type: 'object', additionalProperties: true } },
    active: { type: 'boolean' },
    aver: { type: 'integer' },
    version: { type: 'integer' },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

export const groupSchema = {
  type: 'object',
  properties: {
    id: str(),
    displayName: str(),
    externalId: nullableStr(),
    version: { type: 'integer' },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

export const roleSchema = {
  type: 'object',
  properties: {
    id: str(),
    name: str(),
    description: str(1024),
    permissions: { type: 'array', items: str(130) },
    version: { type: 'integer' },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

export const applicationSchema = {
  type: 'object',
  properties: {
    id: str(),
    name: str(),
    audience: str(2048),
    namespace: str(64),
    version: { type: 'integer' },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

export const clientSchema = {
  type: 'object',
  properties: {
    id: str(),
    clientId: str(),
    name: str(),
    grantTypes: { type: 'array', items: str(64) },
    defaultAudience: nullableStr(2048),
    enabled: { type: 'boolean' },
    version: { type: 'integer' },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

export const accessSchema = {
  type: 'object',
  properties: {
    aver: { type: 'integer' },
    roles: { type: 'array', items: str() },
    directRoles: { type: 'array', items: str() },
    groups: { type: 'array', items: str() },
    groupIds: { type: 'array', items: str() },
    permissions: { type: 'array', items: str() },
  },
} as const;

export const grantResult = {
  type: 'object',
  properties: { changed: { type: 'boolean' }, role: str() },
} as const;
