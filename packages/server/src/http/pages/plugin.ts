/**
 * The page surface: `installPages()` decorates the root app with what session.ts needs (so
 * every page plugin, whoever owns it, reads sessions and CSRF tokens the same way), serves the
 * stylesheet and registers the account pages (home, login, logout, activation, reset) in their
 * own scope with a form-body parser and the page error handler.
 *
 * Other page plugins (consent, device) register `@fastify/formbody` and `pageErrorHandler`
 * (./errors.ts) in their own scope, and use render.ts and session.ts.
 */
import { randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { AccountSettings } from '../../core/accounts/settings.js';
import type { CoreContext } from '../../core/context.js';
import type { KeyVault } from '../../core/ports.js';
import { RateLimiter } from '../rate-limit.js';
import { activateRoutes } from './activate.js';
import { stylesheetRoute } from './assets.js';
import { pageErrorHandler } from './errors.js';
import { homeRoutes } from './home.js';
import { loginRoutes } from './login.js';
import { logoutRoutes } from './logout.js';
import { resetRoutes } from './reset.js';
import type { PagesRuntime } from './session.js';

export { accountSettings } from '../../account-settings.js';

export interface PagesOptions {
  ctx: CoreContext;
  /** Seals the CSRF key in the store with the master key. */
  vault: KeyVault;
  settings: AccountSettings;
  /** Password form posts (login, activation, reset) per minute per IP address. */
  loginRateLimit: number;
}

const PRUNE_INTERVAL_MS = 3_600_000;
/** Associated data of the sealed CSRF key: a blob sealed for anything else does not open as it. */
const CSRF_KEY_CONTEXT = 'tessera/csrf-key';

/** Form posts of pages are small; nothing legitimate comes near this. */
export const PAGE_BODY_LIMIT = 16 * 1024;

/** Decorates the ROOT app (call before registering any page plugin) and registers the account pages. */
export async function installPages(app: FastifyInstance, options: PagesOptions): Promise<PagesRuntime> {
  const { ctx, settings } = options;
  // One CSRF key per deployment, so every worker and instance agrees; kept sealed with the master
  // key like the signing keys, never in clear in the store. The first instance's candidate wins.
  const sealed = await ctx.store.accountSecret(
    'csrf-sealed',
    options.vault.seal(randomBytes(32), CSRF_KEY_CONTEXT),
  );
  const csrfKey = Buffer.from(options.vault.open(sealed, CSRF_KEY_CONTEXT));
  const limiter = new RateLimiter({
    limit: options.loginRateLimit,
    windowMs: 60_000,
    now: () => ctx.clock.now().getTime(),
  });
  const pages: PagesRuntime = { ctx, policy: settings.session, csrfKey, settings, limiter };
  app.decorate('tesseraPages', pages);
  stylesheetRoute(app);
  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: PAGE_BODY_LIMIT });
    scope.setErrorHandler(pageErrorHandler);
    homeRoutes(scope);
    loginRoutes(scope);
    logoutRoutes(scope);
    activateRoutes(scope);
    resetRoutes(scope);
  });
  // Ended sessions are refused on read already; this only keeps the table small. Every worker
  // runs it (a delete of what is already gone is harmless).
  const prune = setInterval(() => {
    const now = ctx.clock.now();
    ctx.store
      .pruneAccountSessions(now, new Date(now.getTime() - settings.session.idleMs))
      .catch((err) => app.log.warn({ err }, 'pruning page sessions failed'));
  }, PRUNE_INTERVAL_MS);
  prune.unref();
  app.addHook('onClose', async () => {
    clearInterval(prune);
    settings.mailer?.close?.();
  });
  return pages;
}
