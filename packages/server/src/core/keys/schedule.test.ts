import { describe, expect, it } from 'vitest';
import type { SigningKey } from '../model.js';
import { planKeySteps, type RotationPolicy } from './schedule.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const policy: RotationPolicy = {
  rotationIntervalMs: 30 * DAY,
  publishAheadMs: DAY,
  maxTokenLifetimeMs: 600_000,
  retireGraceMs: HOUR,
};
const t0 = Date.UTC(2026, 0, 1);
const at = (ms: number) => new Date(t0 + ms);
const key = (kid: string, fields: Partial<SigningKey> = {}): SigningKey => ({
  kid,
  alg: 'ES256',
  publicJwk: {},
  privateKeySealed: '',
  createdAt: at(0),
  activateAt: at(0),
  retiredAt: null,
  removeAt: null,
  revokedAt: null,
  ...fields,
});

describe('planKeySteps', () => {
  it('creates a first key active now', () => {
    expect(planKeySteps([], at(0), policy)).toEqual([{ kind: 'create', activateAt: at(0) }]);
  });

  it('does nothing while the active key is not due', () => {
    expect(planKeySteps([key('a')], at(29 * DAY - 1), policy)).toEqual([]);
  });

  it('publishes a successor publishAhead before the due time', () => {
    expect(planKeySteps([key('a')], at(29 * DAY), policy)).toEqual([
      { kind: 'create', activateAt: at(30 * DAY) },
    ]);
    const withSuccessor = [key('a'), key('b', { createdAt: at(29 * DAY), activateAt: at(30 * DAY) })];
    expect(planKeySteps(withSuccessor, at(29 * DAY + HOUR), policy)).toEqual([]);
  });

  it('retires the predecessor once the successor is due and announces the successor', () => {
    const keys = [key('a'), key('b', { createdAt: at(29 * DAY), activateAt: at(30 * DAY) })];
    expect(planKeySteps(keys, at(30 * DAY), policy)).toEqual([
      { kind: 'retire', kid: 'a', removeAt: at(30 * DAY + 600_000 + HOUR) },
      { kind: 'activate', kid: 'b', early: false },
    ]);
  });

  it('removes keys past removeAt, and revoked keys once their tokens have expired', () => {
    const keys = [
      key('old', { retiredAt: at(DAY), removeAt: at(DAY + HOUR) }),
      key('revoked', { revokedAt: at(DAY) }),
      key('current', { activateAt: at(DAY) }),
    ];
    expect(planKeySteps(keys, at(DAY + HOUR), policy)).toEqual([{ kind: 'remove', kid: 'old' }]);
    expect(planKeySteps(keys, at(DAY + HOUR + 600_000), policy)).toEqual([
      { kind: 'remove', kid: 'old' },
      { kind: 'remove', kid: 'revoked' },
    ]);
  });

  it('activates a waiting successor early when the signing key was revoked', () => {
    const keys = [
      key('a', { revokedAt: at(DAY) }),
      key('b', { createdAt: at(DAY), activateAt: at(2 * DAY) }),
    ];
    expect(planKeySteps(keys, at(DAY), policy)).toEqual([{ kind: 'activate', kid: 'b', early: true }]);
  });
});
