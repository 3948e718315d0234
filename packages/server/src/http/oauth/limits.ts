import { TesseraError } from '../../core/errors.js';
import type { TokenRateLimit } from '../../core/tokens/token-service.js';
import { RateLimiter } from '../rate-limit.js';

const MINUTE = 60_000;

/**
 * The token endpoint's limits, checked around and inside the TokenService pipeline:
 *
 * - Failed client authentications per source IP: past the limit, every request from that
 *   address is refused until the bucket refills (an attacker's address; clients sharing a NAT
 *   with one share its fate).
 * - Failed client authentications per client_id: past the limit, further *failed* attempts
 *   for that client_id are answered 429 instead of 401, but a request presenting the right
 *   secret still succeeds. A client_id is not secret, so a hard lockout would let anyone shut
 *   a service out of its tokens; Tessera's secrets are 256-bit random, so guessing gains
 *   nothing from the attempts this leaves, and the per-IP limit bounds each guesser.
 * - Requests per authenticated client per minute: a budget against a runaway client, spent only
 *   once the client is authenticated (so nobody drains another client's budget without its
 *   secret).
 *
 * Refusals are HTTP 429 with Retry-After and, in the body, `slow_down` (ERR_RATE_LIMITED's
 * OAuth code): RFC 6749 §5.2 has no rate-limit error; RFC 8628 §3.5 registered `slow_down` for
 * token endpoint responses with the meaning "slow down", which is exactly this.
 */
export class TokenEndpointLimits {
  readonly #failuresByIp: RateLimiter;
  readonly #failuresByClient: RateLimiter;
  readonly #requestsByClient: RateLimiter;

  constructor(limits: TokenRateLimit, now: () => number = Date.now) {
    this.#failuresByIp = new RateLimiter({ limit: limits.failuresPerMinute, windowMs: MINUTE, now });
    this.#failuresByClient = new RateLimiter({ limit: limits.failuresPerMinute, windowMs: MINUTE, now });
    this.#requestsByClient = new RateLimiter({ limit: limits.perClientPerMinute, windowMs: MINUTE, now });
  }

  /** Before any work: is the address locked out? */
  admitAddress(ip: string): void {
    const wait = this.#failuresByIp.check(ip);
    if (wait > 0) throw tooMany('too many failed client authentications from this address', wait);
  }

  /** Once the client is authenticated, before its token is made: spends one from its budget. */
  admitClient(clientId: string): void {
    const wait = this.#requestsByClient.hit(clientId);
    if (wait > 0) throw tooMany('the client exceeded its token request budget', wait);
  }

  /** After a failed client authentication: the error to answer with (429 once over a limit). */
  failed(ip: string, clientId: string | undefined, error: TesseraError): TesseraError {
    const ipWait = this.#failuresByIp.hit(ip);
    const clientWait = clientId === undefined ? 0 : this.#failuresByClient.hit(clientId);
    const wait = Math.max(ipWait, clientWait);
    return wait > 0 ? tooMany('too many failed client authentications', wait) : error;
  }
}

const tooMany = (message: string, waitMs: number): TesseraError =>
  new TesseraError('ERR_RATE_LIMITED', message, {
    detail: { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) },
  });
