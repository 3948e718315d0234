/**
 * The ONE error → HTML mapping of the page surface: a TesseraError below 500 shows its message
 * (written for people) on a plain error page with its status; anything else is logged and shows
 * a generic message. Page plugins (accounts, consent, device) set it as their error handler.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isTesseraError } from '../../core/errors.js';
import { sendErrorPage } from './render.js';

const TITLES: Record<number, string> = {
  400: 'Request refused',
  403: 'Not allowed',
  404: 'Not found',
  413: 'Too large',
  415: 'Request refused',
  429: 'Too many attempts',
};

export function pageErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (isTesseraError(error) && error.status < 500) {
    if (error.code === 'ERR_RATE_LIMITED') {
      const retry = error.detail?.retryAfterSeconds;
      if (typeof retry === 'number') reply.header('Retry-After', String(retry));
    }
    return sendErrorPage(reply, error.status, TITLES[error.status] ?? 'Request refused', error.message);
  }
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return sendErrorPage(
      reply,
      status,
      TITLES[status] ?? 'Request refused',
      'The request could not be understood.',
    );
  }
  request.log.error({ err: error }, 'page failed');
  return sendErrorPage(reply, 500, 'Something went wrong', 'Please try again in a moment.');
}
