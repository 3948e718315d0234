import { insertApplication, TESSERA_APPLICATION } from './applications/service.js';
import { type ClientWithSecret, insertClient } from './clients/service.js';
import { type Actor, type CoreContext, commit } from './context.js';
import { uuidv7 } from './ids.js';
import type { Change } from './journal.js';
import type { Role } from './model.js';
import { ensureCliClient } from './oauth/device/cli-client.js';
import type { Tx } from './ports.js';
import { ADMIN_ROLE } from './roles/service.js';

const BOOTSTRAPPED = 'bootstrap.completed_at';
const SYSTEM: Actor = { type: 'system', id: 'tessera' };

/**
 * First start of an empty store: creates Tessera's own application, the `tessera-admin` role
 * and one admin client whose secret is returned exactly once (the caller prints it). Later
 * starts return undefined. Safe when several instances start on one database at once: the
 * journal lock serializes them and only the first finds the marker missing.
 */
export async function bootstrap(ctx: CoreContext): Promise<ClientWithSecret | undefined> {
  return commit(ctx, async (tx, now) => {
    await tx.lockJournal();
    // `tessera-cli` (the client of `tessera login`) also comes to stores bootstrapped before it existed.
    if (await tx.getMeta(BOOTSTRAPPED))
      return { result: undefined, changes: await ensureCliClient(tx, SYSTEM, now) };
    const changes = await ensureCatalog(tx, now);
    changes.push(...(await ensureCliClient(tx, SYSTEM, now)));
    const admin = await insertClient(tx, SYSTEM, now, adminClientInput('bootstrap admin'));
    changes.push(...admin.changes);
    await tx.setMeta(BOOTSTRAPPED, now.toISOString());
    return { result: admin.result, changes };
  });
}

/** The recovery path: anyone with access to the store (the local CLI) can mint a new admin client. */
export async function createAdminClient(
  ctx: CoreContext,
  actor: Actor,
  name: string,
): Promise<ClientWithSecret> {
  return commit(ctx, async (tx, now) => {
    await tx.lockJournal();
    const changes = await ensureCatalog(tx, now);
    const admin = await insertClient(tx, actor, now, adminClientInput(name));
    return { result: admin.result, changes: [...changes, ...admin.changes] };
  });
}

/** Tessera's own application and admin role, created when missing (e.g. a store no server has started). */
async function ensureCatalog(tx: Tx, now: Date): Promise<Change[]> {
  const changes: Change[] = [];
  if (!(await tx.getApplicationByAudience(TESSERA_APPLICATION.audience))) {
    changes.push(...(await insertApplication(tx, SYSTEM, now, { ...TESSERA_APPLICATION })).changes);
  }
  if (!(await tx.getRoleByName(ADMIN_ROLE))) {
    const role: Role = {
      id: uuidv7(now.getTime()),
      name: ADMIN_ROLE,
      description: "Full access to Tessera's admin API",
      permissions: ['tessera:admin'],
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insertRole(role);
    changes.push({
      actor: SYSTEM,
      action: 'role.created',
      targetType: 'role',
      targetId: role.id,
      summary: { name: role.name, permissions: role.permissions },
      events: [
        {
          type: 'role.created',
          subjectType: 'role',
          subjectId: role.id,
          subjectVersion: 1,
          data: { name: role.name, permissions: role.permissions },
        },
      ],
    });
  }
  return changes;
}

const adminClientInput = (name: string) => ({
  name,
  grantTypes: ['client_credentials' as const],
  defaultAudience: TESSERA_APPLICATION.audience,
  enabled: true,
  roles: [ADMIN_ROLE],
});
