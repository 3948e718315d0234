/** The batched access queries agree with their one-user forms, on both dialects. */
import { expect, it } from 'vitest';
import { describeDialects, useTestStore } from '../support/stores.js';
import { at, makeEvent, makeGroup, makeRole, makeUser } from './fixtures.js';

describeDialects('store: access changes of many users', (dialect) => {
  const store = useTestStore(dialect);

  it('bumps many avers at once, leaving out unknown users', async () => {
    const users = [makeUser({ aver: 3 }), makeUser({ aver: 7, active: false })];
    for (const user of users) await store().insertUser(user);
    const bumped = await store().bumpAvers([users[0]?.id ?? '', users[1]?.id ?? '', makeUser().id]);
    expect(bumped).toEqual(
      new Map([
        [users[0]?.id, { aver: 4, active: true }],
        [users[1]?.id, { aver: 8, active: false }],
      ]),
    );
    expect((await store().getUser(users[1]?.id ?? ''))?.aver).toBe(8);
  });

  it("reads many users' access exactly as userAccess reads each", async () => {
    const [reader, writer] = [
      makeRole({ name: 'm-reader', permissions: ['a:read'] }),
      makeRole({ name: 'm-writer', permissions: ['a:write'] }),
    ];
    for (const role of [reader, writer]) await store().insertRole(role);
    const group = makeGroup();
    await store().insertGroup(group);
    await store().grantGroupRole(group.id, writer.id);
    const users = Array.from({ length: 30 }, () => makeUser());
    for (const [i, user] of users.entries()) {
      await store().insertUser(user);
      if (i % 2 === 0) await store().grantUserRole(user.id, reader.id);
      if (i % 3 === 0) await store().addGroupMembers(group.id, [user.id]);
    }
    const many = await store().usersAccess(users.map((u) => u.id));
    for (const user of users) expect(many.get(user.id)).toEqual(await store().userAccess(user.id));
  });

  it('appends many events in one call, positions increasing in the order given', async () => {
    const events = Array.from({ length: 12 }, (_, i) => makeEvent({ subjectId: `s${i}` }));
    const written = await store().transaction(async (tx) => {
      await tx.lockJournal();
      return tx.insertEvents(events, at(0));
    });
    expect(written.map((e) => e.subjectId)).toEqual(events.map((e) => e.subjectId));
    const positions = written.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(await store().readEvents(0, 100)).toEqual(written);
  });
});
