/** What the account flows are configured with (from config/defaults.ts, built once in http/app.ts). */
import type { Mailer } from './mailer.js';
import type { SessionPolicy } from './sessions.js';
import type { LockoutPolicy } from './throttle.js';

export interface AccountSettings {
  /** Base of the links mailed or handed out (the issuer). */
  baseUrl: string;
  invitationLifetimeMs: number;
  passwordResetLifetimeMs: number;
  session: SessionPolicy;
  lockout: LockoutPolicy;
  /** null: nothing is mailed; links are handed back to the admin instead. */
  mailer: Mailer | null;
}
