/**
 * Regression: the live overlay widened scope-narrowed tokens. evaluate() recomputed a token's
 * permissions from its roles and ignored its `scope` claim, so `overlay.check()` answered a
 * client_credentials token issued for `scope=docs:read` (or a token-exchange result narrowed
 * the same way) with every permission its roles grant — tiny tokens included, which carry no
 * `permissions` claim. (createVerifier narrowed again on the way to the Principal, but any
 * other consumer of the overlay's verdict saw the widened set.) Checked against the server's own
 * wildcard rule and scope narrowing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grants as serverGrants } from '../../server/src/core/permissions.js';
import { narrowToScope } from '../../server/src/core/tokens/scope.js';
import { grants } from '../src/can.js';
import type { AccessTokenClaims } from '../src/index.js';
import { evaluate } from '../src/live/evaluate.js';
import { LiveState } from '../src/live/state.js';

const T0 = Date.UTC(2026, 0, 1) / 1000;
const ACTIONS = ['read', 'write', 'delete', '*'] as const;
const UNIVERSE = [...ACTIONS.map((a) => `docs:${a}`), 'mail:read', 'mail:*'];
const permission = fc.constantFrom(...ACTIONS.map((a) => `docs:${a}`), 'mail:read', 'mail:*');

function stateWith(permissions: readonly string[]): LiveState {
  const state = new LiveState();
  state.applyCatalog({
    position: 1,
    maxTokenLifetime: 600,
    applications: [{ audience: 'https://docs', namespace: 'docs' }],
    roles: [{ id: 'r1', name: 'role', version: 1, permissions: [...new Set(permissions)].sort() }],
    groups: [],
  });
  return state;
}

const token = (extra: Partial<AccessTokenClaims>): AccessTokenClaims => ({
  iss: 'https://id',
  sub: 'svc',
  aud: 'https://docs',
  exp: T0 + 600,
  iat: T0,
  jti: 'j',
  client_id: 'svc',
  roles: ['role'],
  ...extra,
});

describe('live overlay and scope-narrowed tokens', () => {
  it('a client_credentials token issued for scope=docs:read keeps docs:read only (was: every role permission)', () => {
    const state = stateWith(['docs:read', 'docs:write', 'docs:delete']);
    // Tiny token: no permissions claim, only the scope.
    expect(evaluate(state, token({ scope: 'docs:read' }), undefined)).toEqual({
      roles: ['role'],
      permissions: ['docs:read'],
    });
    // A user token narrowed the same way.
    expect(
      evaluate(state, token({ sub: 'u1', aver: 1, drl: ['role'], scope: 'docs:read docs:write' }), undefined),
    ).toMatchObject({ permissions: ['docs:read', 'docs:write'] });
    // Unscoped tokens still get every current permission.
    expect(evaluate(state, token({}), undefined)).toMatchObject({
      permissions: ['docs:delete', 'docs:read', 'docs:write'],
    });
  });

  it('a scope entry the role now grants by wildcard stays, and a permission lost is lost', () => {
    expect(evaluate(stateWith(['docs:*']), token({ scope: 'docs:read' }), undefined)).toMatchObject({
      permissions: ['docs:read'],
    });
    expect(evaluate(stateWith(['docs:write']), token({ scope: 'docs:read' }), undefined)).toMatchObject({
      permissions: [],
    });
  });

  it("uses the server's wildcard rule", () => {
    fc.assert(
      fc.property(
        permission,
        permission,
        (held, wanted) => grants(held, wanted) === serverGrants(held, wanted),
      ),
    );
  });

  it('never grants beyond what the server would issue now for the same scope, and exactly it when nothing changed', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(permission, { minLength: 1 }),
        fc.uniqueArray(permission),
        fc.uniqueArray(permission, { minLength: 1 }),
        (atIssue, now, asked) => {
          const heldAtIssue = atIssue.filter((p) => p.startsWith('docs:'));
          let scope: string;
          try {
            scope = narrowToScope(heldAtIssue, asked.filter((p) => p.startsWith('docs:')).join(' ')).scope;
          } catch {
            return; // the server would not have issued this token
          }
          const live = evaluate(stateWith(now), token({ scope }), undefined);
          const permissions = live && 'permissions' in live ? (live.permissions ?? []) : [];
          const scopeEntries = scope.split(' ');
          for (const p of permissions) {
            expect(now.some((h) => serverGrants(h, p))).toBe(true);
            expect(scopeEntries.some((s) => serverGrants(s, p))).toBe(true);
          }
          // Nothing changed: the same rights as issued (`docs:*` and `docs:*`+`docs:read` are equal).
          const unchanged = evaluate(stateWith(atIssue), token({ scope }), undefined);
          const liveNow = unchanged && 'permissions' in unchanged ? (unchanged.permissions ?? []) : [];
          const issued = narrowToScope(heldAtIssue, scope).permissions;
          for (const x of UNIVERSE) {
            expect(liveNow.some((p) => serverGrants(p, x))).toBe(issued.some((p) => serverGrants(p, x)));
          }
        },
      ),
    );
  });
});
