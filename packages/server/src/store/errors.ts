/**
 * Turns the drivers' constraint errors into the domain's. Unique violations become
 * ERR_CONFLICT naming the record field, foreign-key violations ERR_NOT_FOUND; both drivers'
 * spellings are covered here and nowhere else. Anything else passes through untouched.
 */
import { TesseraError } from '../core/errors.js';

interface UniqueKey {
  /** PostgreSQL constraint or unique-index name. */
  constraint: string;
  /** `table.column` as SQLite's message names it. */
  column: string;
  what: string;
  field: string;
}

const key = (table: string, column: string, constraint: string, what: string, field: string): UniqueKey => ({
  constraint,
  column: `${table}.${column}`,
  what,
  field,
});

const UNIQUE_KEYS: readonly UniqueKey[] = [
  key('users', 'id', 'users_pkey', 'user', 'id'),
  key('users', 'user_name_lower', 'users_user_name_uq', 'user', 'userName'),
  key('groups', 'id', 'groups_pkey', 'group', 'id'),
  key('groups', 'display_name_lower', 'groups_display_name_uq', 'group', 'displayName'),
  key('roles', 'id', 'roles_pkey', 'role', 'id'),
  key('roles', 'name', 'roles_name_uq', 'role', 'name'),
  key('applications', 'id', 'applications_pkey', 'application', 'id'),
  key('applications', 'name', 'applications_name_uq', 'application', 'name'),
  key('applications', 'audience', 'applications_audience_uq', 'application', 'audience'),
  key('applications', 'namespace', 'applications_namespace_uq', 'application', 'namespace'),
  key('clients', 'id', 'clients_pkey', 'client', 'id'),
  key('clients', 'client_id', 'clients_client_id_uq', 'client', 'clientId'),
  key('signing_keys', 'kid', 'signing_keys_pkey', 'signing key', 'kid'),
  key('audit_log', 'id', 'audit_log_id_key', 'audit entry', 'id'),
  key('meta', 'key', 'meta_pkey', 'setting', 'key'),
];

/** The slice of better-sqlite3's SqliteError and pg's DatabaseError that is read here. */
interface DriverError {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  detail?: unknown;
}

const asDriverError = (err: unknown): DriverError | undefined =>
  typeof err === 'object' && err !== null ? (err as DriverError) : undefined;

export function isUniqueViolation(err: unknown): boolean {
  const code = asDriverError(err)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function isForeignKeyViolation(err: unknown): boolean {
  const code = asDriverError(err)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** The domain error for a driver error, or the error itself when it is not a constraint violation. */
export function toStoreError(err: unknown): unknown {
  const e = asDriverError(err);
  if (e === undefined) return err;
  if (isUniqueViolation(err)) {
    const found = UNIQUE_KEYS.find((k) =>
      e.code === '23505' ? k.constraint === e.constraint : uniqueColumns(e.message).includes(k.column),
    );
    if (found === undefined) {
      return new TesseraError('ERR_CONFLICT', 'record already exists', {
        cause: err,
        detail: { field: 'unknown' },
      });
    }
    return new TesseraError('ERR_CONFLICT', `a ${found.what} with this ${found.field} already exists`, {
      cause: err,
      detail: { field: found.field },
    });
  }
  if (isForeignKeyViolation(err)) {
    // PostgreSQL says which table lacks the key ("… is not present in table "users"."); SQLite does not.
    const table = typeof e.detail === 'string' ? /table "([^"]+)"/.exec(e.detail)?.[1] : undefined;
    return new TesseraError('ERR_NOT_FOUND', 'a referenced record does not exist', {
      cause: err,
      detail: table === undefined ? {} : { table },
    });
  }
  return err;
}

/** `UNIQUE constraint failed: users.user_name_lower` → ['users.user_name_lower']. */
function uniqueColumns(message: unknown): string[] {
  if (typeof message !== 'string') return [];
  const at = message.indexOf(':');
  return at < 0
    ? []
    : message
        .slice(at + 1)
        .split(',')
        .map((s) => s.trim());
}

/** Runs a write and maps constraint violations to domain errors. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStoreError(err);
  }
}
