// Bytes per overlay entry in a verifier's live state (docs/design/live-access.md): 100,000 users
// whose access changed, each with 2 direct roles and 2 groups, applied as the event stream
// delivers them. Anchor: the same data as plain objects in a Map (what any cache of it costs).
// Measured with the heap after a forced GC; in process.

import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Scenario, Session, Subject } from '../lib/scenario.ts';

const USERS = 100_000;
const STATE = fileURLToPath(new URL('../../packages/verify/dist/live/state.js', import.meta.url));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const data = (i: number) => ({
  active: true,
  directRoles: ['reader', `team-${i % 50}`],
  groupIds: [
    `01a229ae-94ae-7f71-aec6-${String(i).padStart(12, '0')}`,
    '01a229ae-94ae-7f71-aec6-000000000001',
  ],
});

interface StateModule {
  LiveState: new () => {
    apply(event: Record<string, unknown>, now: number): void;
    size(): Record<string, number>;
  };
}

const subject = (name: string, role: Subject['role'], fill: () => Promise<unknown>): Subject => ({
  name,
  role,
  async start(): Promise<Session> {
    return {
      async measure() {
        const before = heap();
        const held = await fill();
        const after = heap();
        // Keep `held` alive across the measurement.
        if (held === undefined) throw new Error('nothing filled');
        return { bytesPerEntry: (after - before) / USERS };
      },
      async stop() {},
    };
  },
});

export const overlayMemory: Scenario = {
  name: 'overlay-memory',
  description: `bytes per user entry in the verifier's live state with ${USERS.toLocaleString('en-US')} changed users (2 roles, 2 groups each), against a plain Map of the same data.`,
  metrics: [{ key: 'bytesPerEntry', label: 'bytes per entry', unit: 'bytes', better: 'lower' }],
  headline: 'bytesPerEntry',
  subjects: [
    subject('plain Map of objects', 'anchor', async () => {
      const map = new Map<string, unknown>();
      for (let i = 0; i < USERS; i++) map.set(`user-${i}`, { aver: 2, ...data(i), until: Date.now() });
      return map;
    }),
    subject('LiveState user overlay', 'subject', async () => {
      const { LiveState } = (await import(STATE)) as StateModule;
      const state = new LiveState();
      const at = new Date().toISOString();
      for (let i = 0; i < USERS; i++) {
        state.apply(
          {
            position: i + 1,
            type: 'user.access_changed',
            subjectType: 'user',
            subjectId: `user-${i}`,
            subjectVersion: 2,
            data: data(i),
            at,
          },
          Date.now(),
        );
      }
      if (state.size().users !== USERS) throw new Error('state did not keep every user');
      return state;
    }),
  ],
  comparisons: [{ subject: 'LiveState user overlay', anchor: 'plain Map of objects' }],
};
