import type { KeyObject } from 'node:crypto';
import { TesseraError } from '../errors.js';
import type { EventBus } from '../events.js';
import { type Actor, KEY_ALGORITHMS, type KeyAlgorithm, type SigningKey } from '../model.js';
import type { Clock, KeyVault, Store } from '../ports.js';
import type { KeyContext } from './apply.js';
import { buildJwks, type JwkSet } from './jwks.js';
import { revokeKey } from './revoke.js';
import { type RotateOptions, rotateKeys } from './rotate.js';
import { currentKey, type RotationPolicy } from './schedule.js';
import { createSigner, openPrivateKey, openPublicKey, type Signer, type SignOn } from './signer.js';
import { type KeyInfo, keyState } from './state.js';
import { runKeySchedule } from './tick.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface KeyRingOptions {
  store: Store;
  vault: KeyVault;
  clock: Clock;
  /** Algorithm of keys the schedule creates. Default ES256. */
  algorithm?: KeyAlgorithm;
  /** Default 30 days. */
  rotationIntervalMs?: number;
  /** Default 24 hours; must be shorter than the rotation interval. */
  publishAheadMs?: number;
  /** The longest lifetime of any token signed (access tokens today). Required. */
  maxTokenLifetimeMs: number;
  /** Default 1 hour. */
  retireGraceMs?: number;
  /** Where committed key events are published in-process (the live-update stream listens). */
  bus?: EventBus;
  /** Where signatures are computed; see SignOn. Default 'pool'. */
  signOn?: SignOn;
}

/** A key usable for verification: its pinned algorithm and public KeyObject. */
export interface VerificationKey {
  kid: string;
  alg: KeyAlgorithm;
  publicKey: KeyObject;
}

interface Entry {
  key: SigningKey;
  publicKey: KeyObject;
  signer: Signer | undefined;
}

/**
 * Tessera's signing keys: the schedule (`tick`), forced changes (`rotate`, `revoke`) and the
 * in-memory view the hot paths read (`signer`, `jwks`, `verificationKey`). The view is rebuilt
 * from the store after every tick and every change made through this ring, so a key another
 * instance created appears here within one tick; nothing on the hot paths touches the store.
 * Private keys are opened from the vault once per key and kept as KeyObjects.
 */
export class KeyRing {
  readonly #ctx: KeyContext;
  readonly #clock: Clock;
  readonly #bus: EventBus | undefined;
  readonly #signOn: SignOn;
  #entries = new Map<string, Entry>();
  /** Keys that may sign (not retired, not revoked), newest activateAt first. */
  #signing: Entry[] = [];
  #jwks: { jwks: JwkSet; changesAt: number } | undefined;
  #loaded: Promise<void> | undefined;
  /** Serializes schedule steps and reloads within this process. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: KeyRingOptions) {
    const algorithm = options.algorithm ?? 'ES256';
    if (!KEY_ALGORITHMS.includes(algorithm))
      throw new TypeError(`unsupported key algorithm ${String(algorithm)}`);
    const policy: RotationPolicy = {
      rotationIntervalMs: options.rotationIntervalMs ?? 30 * DAY,
      publishAheadMs: options.publishAheadMs ?? DAY,
      maxTokenLifetimeMs: options.maxTokenLifetimeMs,
      retireGraceMs: options.retireGraceMs ?? HOUR,
    };
    for (const [name, value] of Object.entries(policy)) {
      if (!Number.isSafeInteger(value) || value < 0)
        throw new TypeError(`${name} must be a non-negative integer`);
    }
    if (policy.rotationIntervalMs <= policy.publishAheadMs) {
      throw new TypeError('rotationIntervalMs must be longer than publishAheadMs');
    }
    this.#ctx = { store: options.store, vault: options.vault, algorithm, policy };
    this.#signOn = options.signOn ?? 'pool';
    this.#clock = options.clock;
    this.#bus = options.bus;
  }

  /** The schedule step: call at start and about every minute. Idempotent; safe across instances. */
  tick(): Promise<void> {
    return this.#serial(async () => {
      const events = await runKeySchedule(this.#ctx, this.#clock.now());
      await this.#reload();
      this.#bus?.publish(events);
    });
  }

  /** Forced rotation; see RotateOptions for the choice between publish-ahead and immediate. */
  rotate(actor: Actor, options: RotateOptions = {}): Promise<KeyInfo> {
    return this.#serial(async () => {
      const { kid, events } = await rotateKeys(this.#ctx, actor, this.#clock.now(), options);
      await this.#reload();
      this.#bus?.publish(events);
      const info = (await this.list()).find((k) => k.kid === kid);
      if (!info) throw new TesseraError('ERR_INTERNAL', `rotated key ${kid} is missing`);
      return info;
    });
  }

  /** Withdraws a key from the JWKS at once; a replacement signs in the same transaction if needed. */
  revoke(actor: Actor, kid: string): Promise<void> {
    return this.#serial(async () => {
      const events = await revokeKey(this.#ctx, actor, kid, this.#clock.now());
      await this.#reload();
      this.#bus?.publish(events);
    });
  }

  /** Every stored key with its state now, oldest first (read from the store: for CLI and admin). */
  async list(): Promise<KeyInfo[]> {
    const keys = await this.#ctx.store.listKeys();
    const now = this.#clock.now();
    const current = currentKey(keys, now)?.kid;
    return keys.map((key) => ({
      kid: key.kid,
      alg: key.alg,
      state: keyState(key, now, current),
      createdAt: key.createdAt,
      activateAt: key.activateAt,
      retiredAt: key.retiredAt,
      removeAt: key.removeAt,
    }));
  }

  /** The public JWK Set; the same frozen object until the keys or the time say otherwise. */
  async jwks(): Promise<JwkSet> {
    await this.#ensureLoaded();
    const now = this.#clock.now();
    if (!this.#jwks || now.getTime() >= this.#jwks.changesAt) {
      this.#jwks = buildJwks(
        [...this.#entries.values()].map((e) => e.key),
        now,
      );
    }
    return this.#jwks.jwks;
  }

  /**
   * The key signing now. It is chosen at call time from the cached keys, so a successor takes
   * over exactly at its activateAt even if the tick that records it runs later.
   */
  async signer(): Promise<Signer> {
    const signer = this.#currentSigner();
    if (signer) return signer;
    await this.#ensureLoaded();
    const loaded = this.#currentSigner();
    if (!loaded) throw new TesseraError('ERR_NO_SIGNING_KEY', 'no signing key is active yet');
    return loaded;
  }

  /** The published key named `kid`, for verifying Tessera's own tokens; undefined if unknown. */
  async verificationKey(kid: string): Promise<VerificationKey | undefined> {
    await this.#ensureLoaded();
    const entry = this.#entries.get(kid);
    if (!entry || entry.key.revokedAt) return undefined;
    if (entry.key.removeAt && entry.key.removeAt <= this.#clock.now()) return undefined;
    return { kid, alg: entry.key.alg, publicKey: entry.publicKey };
  }

  /** Re-reads the keys from the store (tick does this; exposed for tests and admin commands). */
  refresh(): Promise<void> {
    return this.#serial(() => this.#reload());
  }

  #currentSigner(): Signer | undefined {
    const now = this.#clock.now().getTime();
    for (const entry of this.#signing) {
      if (entry.key.activateAt.getTime() <= now) return entry.signer;
    }
    return undefined;
  }

  #ensureLoaded(): Promise<void> {
    this.#loaded ??= this.refresh().catch((err: unknown) => {
      this.#loaded = undefined;
      throw err;
    });
    return this.#loaded;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  /**
   * Rebuilds the view. Opened keys are reused by kid; a key that fails to open (altered row,
   * wrong master key) is left out of signing and the failure is thrown after the rest loaded.
   */
  async #reload(): Promise<void> {
    const keys = await this.#ctx.store.listKeys();
    const entries = new Map<string, Entry>();
    let failure: unknown;
    for (const key of keys) {
      const previous = this.#entries.get(key.kid);
      let publicKey: KeyObject;
      try {
        publicKey = previous?.publicKey ?? openPublicKey(key);
      } catch (err) {
        failure ??= err;
        continue;
      }
      let signer: Signer | undefined;
      if (!key.revokedAt && !key.retiredAt) {
        try {
          signer =
            previous?.signer ??
            createSigner(key.kid, key.alg, openPrivateKey(key, this.#ctx.vault), this.#signOn);
        } catch (err) {
          failure ??= err;
        }
      }
      entries.set(key.kid, { key, publicKey, signer });
    }
    this.#entries = entries;
    this.#signing = [...entries.values()]
      .filter((e) => e.signer !== undefined)
      .sort(
        (a, b) =>
          b.key.activateAt.getTime() - a.key.activateAt.getTime() ||
          b.key.createdAt.getTime() - a.key.createdAt.getTime(),
      );
    this.#jwks = undefined;
    this.#loaded ??= Promise.resolve();
    if (failure) throw failure;
  }
}

export type { RotateOptions } from './rotate.js';
export type { Signer } from './signer.js';
export type { KeyInfo, KeyState } from './state.js';
