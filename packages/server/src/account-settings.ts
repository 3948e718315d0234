/**
 * The account flows' settings from the configuration, shared by the server (pages, admin API)
 * and the CLI's local backend: lifetimes, lockout, and the SMTP mailer when TESSERA_SMTP_URL is
 * set (otherwise links are handed back instead of mailed).
 */

import type { Config } from './config/defaults.js';
import type { AccountSettings } from './core/accounts/settings.js';
import { DEFAULT_LOCKOUT } from './core/accounts/throttle.js';
import { smtpMailer } from './mail/smtp.js';

export function accountSettings(config: Config): AccountSettings {
  return {
    baseUrl: config.issuer,
    invitationLifetimeMs: config.invitationLifetimeMs,
    passwordResetLifetimeMs: config.passwordResetLifetimeMs,
    session: { absoluteMs: config.sessionLifetimeMs, idleMs: config.sessionIdleTimeoutMs },
    lockout: DEFAULT_LOCKOUT,
    mailer: config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : null,
  };
}
