/**
 * Opens everything the server and the local CLI share: the store (migrated), the core context,
 * the master key, the vault and the key ring. Both call exactly this, so a CLI command and an
 * HTTP request run through the same core services.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config/defaults.js';
import type { CoreContext } from './core/context.js';
import { EventBus } from './core/events.js';
import { KeyRing } from './core/keys/keyring.js';
import type { SignOn } from './core/keys/signer.js';
import { createKeyVault } from './core/keys/vault.js';
import { type Clock, type KeyVault, type Store, systemClock } from './core/ports.js';
import { TokenService, type TokenServiceOptions } from './core/tokens/token-service.js';
import { loadMasterKey } from './master-key.js';
import { openStore } from './store/open.js';

export interface Runtime {
  config: Config;
  store: Store;
  ctx: CoreContext;
  keyRing: KeyRing;
  /** Seals secrets kept in the store with the master key (signing keys, the CSRF key). */
  vault: KeyVault;
  close(): Promise<void>;
}

export async function openRuntime(
  config: Config,
  options: { clock?: Clock; migrate?: boolean; signOn?: SignOn } = {},
): Promise<Runtime> {
  // The data directory holds the master key file even when the store is PostgreSQL.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const masterKey = await loadMasterKey({ env: process.env, dataDir: config.dataDir });
  const sqlitePath = join(config.dataDir, 'tessera.db');
  const store = await openStore(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { sqlitePath });
  // Client secret hashes and sealed keys live there: owner-only, like the master key.
  // (SQLite gives its -wal and -shm files the database file's mode.)
  if (!config.databaseUrl) chmodSync(sqlitePath, 0o600);
  try {
    if (options.migrate !== false) await store.migrate();
    return createRuntime(config, store, masterKey, options.clock, options.signOn);
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Wires a runtime around a store that is already open and migrated (tests use this directly). */
export function createRuntime(
  config: Config,
  store: Store,
  masterKey: Uint8Array,
  clock: Clock = systemClock,
  signOn: SignOn = 'pool',
): Runtime {
  const ctx: CoreContext = { store, clock, bus: new EventBus() };
  const vault = createKeyVault(masterKey);
  const keyRing = new KeyRing({
    store,
    vault,
    clock,
    bus: ctx.bus,
    algorithm: config.keyAlgorithm,
    rotationIntervalMs: config.keyRotationIntervalMs,
    publishAheadMs: config.keyPublishAheadMs,
    maxTokenLifetimeMs: config.accessTokenLifetimeMs,
    retireGraceMs: config.keyRetireGraceMs,
    signOn,
  });
  return { config, store, ctx, keyRing, vault, close: () => store.close() };
}

/** The token service over a runtime, configured from its config (the endpoint, the CLI and tests share it). */
export function createTokenService(
  runtime: Runtime,
  options: { logger: TokenServiceOptions['logger']; syncIntervalMs?: number },
): TokenService {
  const { config, store, ctx, keyRing } = runtime;
  return new TokenService({
    store,
    keyRing,
    clock: ctx.clock,
    bus: ctx.bus,
    issuer: config.issuer,
    accessTokenLifetimeMs: config.accessTokenLifetimeMs,
    claimsBudget: config.tokenClaimsBudget,
    refreshTokens: {
      lifetimeMs: config.refreshTokenLifetimeMs,
      idleLifetimeMs: config.refreshTokenIdleLifetimeMs,
      reuseGraceMs: config.refreshTokenReuseGraceMs,
    },
    rateLimit: { perClientPerMinute: config.tokenRateLimit, failuresPerMinute: config.tokenFailureLimit },
    logger: options.logger,
    ...(options.syncIntervalMs === undefined ? {} : { syncIntervalMs: options.syncIntervalMs }),
  });
}
