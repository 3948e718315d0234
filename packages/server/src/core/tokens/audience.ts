import { TesseraError } from '../errors.js';
import type { Application, Client } from '../model.js';
import type { ClientDirectory } from './directory.js';
import { all, type TokenParams } from './params.js';

/**
 * The application a token is for: the RFC 8707 `resource` parameter, or the client's default
 * audience when it names none. RFC 8707 §2: the value "MUST be an absolute URI" and "MUST NOT
 * include a fragment component"; errors use `invalid_target`: "The requested resource is
 * invalid, missing, unknown, or malformed."
 */
export async function resolveAudience(
  directory: Pick<ClientDirectory, 'application'>,
  client: Client,
  params: TokenParams,
): Promise<Application> {
  const resources = all(params, 'resource');
  if (resources.length > 1) {
    // RFC 8707 allows several; a token here has exactly one audience, so one resource per request.
    throw invalidTarget('only one resource per token request is supported');
  }
  const audience = resources[0] ?? client.defaultAudience;
  if (audience === undefined || audience === null) {
    throw invalidTarget('the request names no resource and the client has no default audience');
  }
  if (resources[0] !== undefined) assertAbsoluteUri(audience);
  const application = await directory.application(audience);
  if (!application) throw invalidTarget(`the requested resource ${JSON.stringify(audience)} is unknown`);
  return application;
}

function assertAbsoluteUri(value: string): void {
  if (value.length > 2048) throw invalidTarget('the requested resource is too long');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidTarget('the requested resource must be an absolute URI');
  }
  if (url.hash !== '' || value.includes('#'))
    throw invalidTarget('the requested resource must not contain a fragment');
}

const invalidTarget = (message: string): TesseraError => new TesseraError('ERR_INVALID_TARGET', message);
