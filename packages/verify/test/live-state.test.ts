import { describe, expect, it } from 'vitest';
import type { AccessTokenClaims } from '../src/index.js';
import { evaluate } from '../src/live/evaluate.js';
import { type CatalogFrame, LiveState, type StreamEvent } from '../src/live/state.js';

const T0 = Date.UTC(2026, 0, 1);
const catalog: CatalogFrame = {
  position: 10,
  maxTokenLifetime: 600,
  applications: [{ audience: 'https://docs', namespace: 'docs' }],
  roles: [
    { id: 'r1', name: 'reader', version: 3, permissions: ['docs:read', 'mail:read'] },
    { id: 'r2', name: 'writer', version: 1, permissions: ['docs:write'] },
  ],
  groups: [{ id: 'g1', version: 2, roles: ['writer'] }],
};
const event = (e: Partial<StreamEvent> & Pick<StreamEvent, 'type' | 'subjectId'>): StreamEvent => ({
  position: 11,
  subjectType: 'user',
  subjectVersion: 1,
  data: {},
  at: new Date(T0).toISOString(),
  ...e,
});
const userToken = (extra: Partial<AccessTokenClaims> = {}): AccessTokenClaims => ({
  iss: 'https://id',
  sub: 'u1',
  aud: 'https://docs',
  exp: T0 / 1000 + 600,
  iat: T0 / 1000,
  jti: 'j1',
  client_id: 'c',
  roles: ['reader'],
  aver: 5,
  ...extra,
});
const fresh = () => {
  const state = new LiveState();
  state.applyCatalog(catalog);
  return state;
};

describe('live state and evaluation', () => {
  it("recomputes a token's permissions from the catalog, limited to its audience (tiny tokens too)", () => {
    expect(evaluate(fresh(), userToken(), undefined)).toEqual({
      roles: ['reader'],
      permissions: ['docs:read'],
    });
    // No permissions claim at all, and a group: the catalog supplies both.
    expect(evaluate(fresh(), userToken({ grp: ['g1'] }), undefined)).toEqual({
      roles: ['reader', 'writer'],
      permissions: ['docs:read', 'docs:write'],
    });
  });

  it('ignores replayed events older than the catalog', () => {
    const state = fresh();
    state.apply(
      event({
        type: 'role.updated',
        subjectType: 'role',
        subjectId: 'r1',
        subjectVersion: 2,
        data: { name: 'reader', permissions: [] },
      }),
      T0,
    );
    expect(evaluate(state, userToken(), undefined)).toMatchObject({ permissions: ['docs:read'] });
    state.apply(
      event({
        type: 'role.updated',
        subjectType: 'role',
        subjectId: 'r1',
        subjectVersion: 4,
        data: { name: 'reader', permissions: ['docs:admin'] },
      }),
      T0,
    );
    expect(evaluate(state, userToken(), undefined)).toMatchObject({ permissions: ['docs:admin'] });
  });

  it("uses a user's newer access over the token's, and only a newer one", () => {
    const state = fresh();
    const change = (aver: number, active: boolean) =>
      state.apply(
        event({
          type: 'user.access_changed',
          subjectId: 'u1',
          subjectVersion: aver,
          data: { active, directRoles: ['writer'], groupIds: [] },
        }),
        T0,
      );
    change(4, true); // older than the token's aver 5: the token stands
    expect(evaluate(state, userToken(), undefined)).toMatchObject({ roles: ['reader'] });
    change(6, true);
    expect(evaluate(state, userToken(), undefined)).toMatchObject({
      roles: ['writer'],
      permissions: ['docs:write'],
    });
    change(7, false);
    expect(evaluate(state, userToken(), undefined)).toMatchObject({ revoked: true });
    // A token issued after the change (aver 7 or more) is the user's current word.
    expect(evaluate(state, userToken({ aver: 7 }), undefined)).toMatchObject({ roles: ['reader'] });
    state.apply(event({ type: 'user.deleted', subjectId: 'u1', subjectVersion: 8 }), T0);
    expect(evaluate(state, userToken({ aver: 7 }), undefined)).toMatchObject({
      revoked: true,
      reason: 'the user was deleted',
    });
  });

  it('revokes by jti, by key, by user-before, and disabled or deleted clients', () => {
    const state = fresh();
    state.apply(
      event({
        type: 'token.revoked',
        subjectType: 'token',
        subjectId: 'j1',
        data: { jti: 'j1', exp: T0 / 1000 + 600 },
      }),
      T0,
    );
    expect(evaluate(state, userToken(), undefined)).toMatchObject({ revoked: true });
    expect(evaluate(state, userToken({ jti: 'j2' }), undefined)).not.toMatchObject({ revoked: true });
    state.apply(event({ type: 'key.revoked', subjectType: 'key', subjectId: 'k1' }), T0);
    expect(evaluate(state, userToken({ jti: 'j2' }), 'k1')).toMatchObject({ revoked: true });
    state.apply(
      event({ type: 'user.tokens_revoked', subjectId: 'u2', data: { iatBefore: T0 / 1000 + 1 } }),
      T0,
    );
    expect(evaluate(state, userToken({ jti: 'j2', sub: 'u2' }), undefined)).toMatchObject({ revoked: true });
    expect(
      evaluate(state, userToken({ jti: 'j2', sub: 'u2', iat: T0 / 1000 + 1 }), undefined),
    ).not.toMatchObject({ revoked: true });
    const clientToken = {
      ...userToken({ jti: 'j3', sub: 'svc', client_id: 'svc', roles: ['reader'] }),
      aver: undefined,
    };
    state.apply(
      event({
        type: 'client.updated',
        subjectType: 'client',
        subjectId: 'c-id',
        data: { clientId: 'svc', enabled: true, roles: ['writer'] },
      }),
      T0,
    );
    expect(evaluate(state, clientToken, undefined)).toMatchObject({
      roles: ['writer'],
      permissions: ['docs:write'],
    });
    state.apply(
      event({
        type: 'client.updated',
        subjectType: 'client',
        subjectId: 'c-id',
        data: { clientId: 'svc', enabled: false },
      }),
      T0,
    );
    expect(evaluate(state, clientToken, undefined)).toMatchObject({ revoked: true });
  });

  it('forgets every entry once no token it could affect can still be valid', () => {
    const state = fresh();
    for (let i = 0; i < 1000; i++) {
      state.apply(
        event({
          type: 'user.access_changed',
          subjectId: `u${i}`,
          subjectVersion: 2,
          data: { active: true, directRoles: [], groupIds: [] },
        }),
        T0,
      );
    }
    state.apply(
      event({
        type: 'token.revoked',
        subjectType: 'token',
        subjectId: 'jx',
        data: { jti: 'jx', exp: T0 / 1000 + 60 },
      }),
      T0,
    );
    state.sweep(T0 + 300_000);
    expect(state.size()).toMatchObject({ users: 1000, revokedJtis: 0 });
    state.sweep(T0 + 600_001);
    expect(state.size()).toMatchObject({ users: 0, roles: 2, groups: 1 });
  });
});
