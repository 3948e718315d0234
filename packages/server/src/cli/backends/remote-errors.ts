/**
 * Turns a server's error response back into the TesseraError the server raised: the admin
 * API's problem details carry the code itself; the token endpoint speaks RFC 6749 §5.2, whose
 * `error` maps back to the code that produced it; anything else falls back on the status.
 */
import { type ErrorCode, isErrorCode, TesseraError } from '../../core/errors.js';

/** RFC 6749 §5.2 and RFC 8707 §2 error codes, to the code the server raised them from. */
const OAUTH: Record<string, ErrorCode> = {
  invalid_request: 'ERR_INVALID_REQUEST',
  invalid_client: 'ERR_INVALID_CLIENT',
  invalid_grant: 'ERR_INVALID_GRANT',
  unauthorized_client: 'ERR_UNAUTHORIZED_CLIENT',
  unsupported_grant_type: 'ERR_UNSUPPORTED_GRANT_TYPE',
  invalid_scope: 'ERR_INVALID_SCOPE',
  invalid_target: 'ERR_INVALID_TARGET',
  temporarily_unavailable: 'ERR_NO_SIGNING_KEY',
  slow_down: 'ERR_RATE_LIMITED',
  server_error: 'ERR_INTERNAL',
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'ERR_INVALID_REQUEST',
  401: 'ERR_UNAUTHENTICATED',
  403: 'ERR_FORBIDDEN',
  404: 'ERR_NOT_FOUND',
  409: 'ERR_CONFLICT',
  412: 'ERR_PRECONDITION_FAILED',
  413: 'ERR_PAYLOAD_TOO_LARGE',
  415: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  428: 'ERR_PRECONDITION_REQUIRED',
  429: 'ERR_RATE_LIMITED',
};

/** Problem-detail members that describe the problem itself rather than add detail to it. */
const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'code', 'instance']);

export async function errorFromResponse(res: Response, base: string): Promise<TesseraError> {
  let body: unknown;
  try {
    body = JSON.parse(await res.text());
  } catch {
    body = undefined;
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (isErrorCode(record.code)) {
    const message =
      typeof record.detail === 'string' ? record.detail : String(record.title ?? res.statusText);
    const detail = Object.fromEntries(Object.entries(record).filter(([key]) => !PROBLEM_MEMBERS.has(key)));
    return new TesseraError(record.code, message, Object.keys(detail).length > 0 ? { detail } : {});
  }
  if (typeof record.error === 'string') {
    const code = OAUTH[record.error] ?? BY_STATUS[res.status] ?? 'ERR_INTERNAL';
    const description = typeof record.error_description === 'string' ? `: ${record.error_description}` : '';
    return new TesseraError(code, `${record.error}${description}`);
  }
  return new TesseraError(
    BY_STATUS[res.status] ?? 'ERR_INTERNAL',
    `${base} answered ${res.status} ${res.statusText}`.trim(),
  );
}
