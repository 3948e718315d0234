import { type Actor, type CoreContext, checkVersion, commit, conflictLost } from '../context.js';
import { notFound, TesseraError } from '../errors.js';
import { isUuid, uuidv7 } from '../ids.js';
import type { Application, ListOptions, NewLogEvent, Page } from '../model.js';
import { assertName } from '../permissions.js';
import type { Tx } from '../ports.js';
import { absoluteUri, text } from '../validate.js';

export interface ApplicationInput {
  name: string;
  audience: string;
  namespace: string;
}

/** Tessera's own admin API is an application like any other. */
export const TESSERA_APPLICATION = {
  name: 'tessera',
  audience: 'urn:tessera:admin',
  namespace: 'tessera',
} as const;

const appEvent = (app: Application, type: NewLogEvent['type']): NewLogEvent => ({
  type,
  subjectType: 'application',
  subjectId: app.id,
  subjectVersion: app.version,
  data: { name: app.name, audience: app.audience, namespace: app.namespace },
});

export async function createApplication(
  ctx: CoreContext,
  actor: Actor,
  input: ApplicationInput,
): Promise<Application> {
  const name = text(input.name, 'name', 128);
  const audience = absoluteUri(input.audience, 'audience');
  assertName(input.namespace, 'namespace');
  return commit(ctx, async (tx, now) =>
    insertApplication(tx, actor, now, { name, audience, namespace: input.namespace }),
  );
}

export async function insertApplication(tx: Tx, actor: Actor, now: Date, input: ApplicationInput) {
  const app: Application = {
    id: uuidv7(now.getTime()),
    ...input,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await tx.insertApplication(app);
  return {
    result: app,
    changes: [
      {
        actor,
        action: 'application.created',
        targetType: 'application',
        targetId: app.id,
        summary: { ...input },
        events: [appEvent(app, 'application.created')],
      },
    ],
  };
}

/** Only the display name changes: audience and namespace are baked into tokens and permissions. */
export async function updateApplication(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  changes: { name?: string },
  options: { ifVersion?: number } = {},
): Promise<Application> {
  return commit(ctx, async (tx, now) => {
    const before = await loadApplication(tx, id);
    checkVersion('application', before.version, options.ifVersion);
    const name = changes.name === undefined ? before.name : text(changes.name, 'name', 128);
    if (name === before.name) return { result: before, changes: [] };
    const after: Application = { ...before, name, version: before.version + 1, updatedAt: now };
    if (!(await tx.updateApplication(after, before.version))) throw conflictLost('application');
    return {
      result: after,
      changes: [
        {
          actor,
          action: 'application.updated',
          targetType: 'application',
          targetId: id,
          summary: { name },
          events: [appEvent(after, 'application.updated')],
        },
      ],
    };
  });
}

export async function deleteApplication(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  options: { ifVersion?: number } = {},
) {
  await commit(ctx, async (tx) => {
    const app = await loadApplication(tx, id);
    checkVersion('application', app.version, options.ifVersion);
    if (app.audience === TESSERA_APPLICATION.audience) {
      throw new TesseraError('ERR_VALIDATION', 'the tessera application cannot be deleted');
    }
    await tx.deleteApplication(id);
    return {
      result: undefined,
      changes: [
        {
          actor,
          action: 'application.deleted',
          targetType: 'application',
          targetId: id,
          summary: { name: app.name, audience: app.audience },
          events: [appEvent({ ...app, version: app.version + 1 }, 'application.deleted')],
        },
      ],
    };
  });
}

export const getApplication = (ctx: CoreContext, id: string) => loadApplication(ctx.store, id);

export const listApplications = (ctx: CoreContext, options: ListOptions): Promise<Page<Application>> =>
  ctx.store.listApplications(options);

async function loadApplication(tx: Pick<Tx, 'getApplication'>, id: string): Promise<Application> {
  const app = isUuid(id) ? await tx.getApplication(id) : undefined;
  if (!app) throw notFound('application', id);
  return app;
}
