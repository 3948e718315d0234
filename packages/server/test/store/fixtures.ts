/** Complete records with every field set, for store tests; override what a test cares about. */
import { uuidv7 } from '../../src/core/ids.js';
import type {
  Application,
  Client,
  Group,
  NewAuditEntry,
  NewLogEvent,
  Role,
  SigningKey,
  User,
} from '../../src/core/model.js';

let counter = 0;
const next = () => ++counter;
/** A time with milliseconds, as stored values must keep them. */
export const T0 = new Date('2025-03-04T05:06:07.089Z');
export const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

export const makeUser = (overrides: Partial<User> = {}): User => {
  const n = next();
  return {
    id: uuidv7(),
    userName: `User.${n}@Example.com`,
    externalId: `ext-${n}`,
    name: { givenName: 'Ada', familyName: `Lovelace ${n}`, formatted: `Ada Lovelace ${n}` },
    displayName: `Ada ${n}`,
    emails: [
      { value: `Ada.${n}@Example.com`, type: 'work', primary: true },
      { value: `ada.${n}@home.example`, type: 'home' },
    ],
    active: true,
    aver: 1,
    version: 1,
    createdAt: at(n),
    updatedAt: at(n + 1),
    ...overrides,
  };
};

export const makeGroup = (overrides: Partial<Group> = {}): Group => {
  const n = next();
  return {
    id: uuidv7(),
    displayName: `Team ${n}`,
    externalId: `grp-${n}`,
    version: 1,
    createdAt: at(n),
    updatedAt: at(n + 1),
    ...overrides,
  };
};

export const makeRole = (overrides: Partial<Role> = {}): Role => {
  const n = next();
  return {
    id: uuidv7(),
    name: `role-${n}`,
    description: `Role number ${n}`,
    permissions: [`billing:read`, `billing:write-${n}`],
    version: 1,
    createdAt: at(n),
    updatedAt: at(n + 1),
    ...overrides,
  };
};

export const makeApplication = (overrides: Partial<Application> = {}): Application => {
  const n = next();
  return {
    id: uuidv7(),
    name: `App ${n}`,
    audience: `https://api${n}.example.com`,
    namespace: `app${n}`,
    version: 1,
    createdAt: at(n),
    updatedAt: at(n + 1),
    ...overrides,
  };
};

export const makeClient = (overrides: Partial<Client> = {}): Client => {
  const n = next();
  return {
    id: uuidv7(),
    clientId: `client-${n}`,
    name: `Client ${n}`,
    secretHash: `hash-${n}`,
    grantTypes: ['client_credentials'],
    defaultAudience: `https://api${n}.example.com`,
    type: 'confidential',
    tokenEndpointAuthMethod: 'client_secret_basic',
    redirectUris: [],
    postLogoutRedirectUris: [],
    firstParty: false,
    jwks: null,
    enabled: true,
    version: 1,
    createdAt: at(n),
    updatedAt: at(n + 1),
    ...overrides,
  };
};

export const makeKey = (overrides: Partial<SigningKey> = {}): SigningKey => {
  const n = next();
  const kid = `kid-${n}`;
  return {
    kid,
    alg: 'ES256',
    publicJwk: { kty: 'EC', crv: 'P-256', x: `x${n}`, y: `y${n}`, kid, alg: 'ES256', use: 'sig' },
    privateKeySealed: `sealed-${n}`,
    createdAt: at(n * 1000),
    activateAt: at(n * 1000 + 500),
    retiredAt: null,
    removeAt: null,
    revokedAt: null,
    ...overrides,
  };
};

export const makeAudit = (overrides: Partial<NewAuditEntry> = {}): NewAuditEntry => {
  const n = next();
  return {
    id: uuidv7(),
    at: at(n),
    actorType: 'client',
    actorId: 'admin-client',
    action: 'user.created',
    targetType: 'user',
    targetId: `target-${n}`,
    sourceIp: '192.0.2.1',
    summary: { userName: `u${n}`, nested: { list: [1, 2] } },
    prevHash: '',
    hash: `hash-${n}`,
    ...overrides,
  };
};

export const makeEvent = (overrides: Partial<NewLogEvent> = {}): NewLogEvent => ({
  type: 'user.access_changed',
  subjectType: 'user',
  subjectId: uuidv7(),
  subjectVersion: next(),
  data: { roles: ['a'], permissions: ['x:y'] },
  ...overrides,
});

/** Ids sorted the way the store orders them (by code point). */
export const sortIds = (ids: string[]): string[] => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
