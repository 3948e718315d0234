/**
 * The Backend over a running server: the admin API (`/admin/v1`, bearer token), the token
 * endpoint and the JWKS. Problem details (RFC 9457) and OAuth errors (RFC 6749 §5.2) become
 * TesseraErrors with the server's code, so a remote failure reads like a local one.
 */
import { TESSERA_APPLICATION } from '../../core/applications/service.js';
import { TesseraError } from '../../core/errors.js';
import type { ListOptions } from '../../core/model.js';
import { ADMIN_ROLE } from '../../core/roles/service.js';
import type {
  AccountLinkDelivery,
  Backend,
  ClientCreated,
  ClientView,
  TokenRequest,
  TokenResponse,
} from '../backend.js';
import { CliError } from '../errors.js';
import { errorFromResponse } from './remote-errors.js';

export interface RemoteOptions {
  /** Base URL of the server, e.g. `https://id.example.com`. */
  url: string;
  /** An access token for audience urn:tessera:admin holding tessera:admin; admin calls need it. */
  token?: string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** Fields the API sends as RFC 3339 strings and the core models hold as Date. */
const DATE_FIELDS = new Set([
  'createdAt',
  'updatedAt',
  'at',
  'activateAt',
  'retiredAt',
  'removeAt',
  'revokedAt',
]);
const reviveDates = (key: string, value: unknown): unknown =>
  DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value;

const segment = (value: string): string => encodeURIComponent(value);
const page = (options: ListOptions): Query => ({ limit: options.limit, cursor: options.cursor });

function withSecret(body: ClientView & { clientSecret: string | null }): ClientCreated {
  const { clientSecret, ...client } = body;
  return { client, clientSecret };
}

export function remoteBackend(options: RemoteOptions): Backend {
  const base = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await doFetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { message?: string; code?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new CliError(`cannot reach ${base}: ${reason}`, { cause: err });
    }
  }

  async function read<T>(res: Response): Promise<T> {
    if (!res.ok) throw await errorFromResponse(res, base);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    try {
      return JSON.parse(text, reviveDates) as T;
    } catch {
      throw new CliError(`${base} answered with something other than JSON (is it a Tessera server?)`);
    }
  }

  async function admin<T>(method: string, path: string, body?: unknown, query: Query = {}): Promise<T> {
    if (!options.token) {
      throw new TesseraError(
        'ERR_UNAUTHENTICATED',
        'the admin API needs an access token: pass --token or set TESSERA_TOKEN ' +
          '(get one with `tessera token issue --url URL --client-id ID --client-secret SECRET`)',
      );
    }
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) search.set(key, String(value));
    }
    const qs = search.toString() === '' ? '' : `?${search}`;
    const res = await send(`/admin/v1${path}${qs}`, {
      method,
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return read<T>(res);
  }

  return {
    target: `server ${base}`,

    createUser: (input) => admin('POST', '/users', input),
    listUsers: ({ filter = {}, ...options }) =>
      admin('GET', '/users', undefined, {
        ...page(options),
        userName: filter.userName,
        externalId: filter.externalId,
        email: filter.email,
        active: filter.active,
      }),
    getUser: (id) => admin('GET', `/users/${segment(id)}`),
    updateUser: (id, changes) => admin('PATCH', `/users/${segment(id)}`, changes),
    deleteUser: (id) => admin('DELETE', `/users/${segment(id)}`),
    userAccess: (id) => admin('GET', `/users/${segment(id)}/access`),

    createGroup: (input) => admin('POST', '/groups', input),
    listGroups: ({ filter = {}, ...options }) =>
      admin('GET', '/groups', undefined, {
        ...page(options),
        displayName: filter.displayName,
        externalId: filter.externalId,
      }),
    getGroup: (id) => admin('GET', `/groups/${segment(id)}`),
    updateGroup: (id, changes) => admin('PATCH', `/groups/${segment(id)}`, changes),
    deleteGroup: (id) => admin('DELETE', `/groups/${segment(id)}`),
    listGroupMembers: (id, options) =>
      admin('GET', `/groups/${segment(id)}/members`, undefined, page(options)),
    async changeMembers(id, operation, userIds) {
      const result = await admin<{ added: string[]; removed: string[] }>(
        'POST',
        `/groups/${segment(id)}/members`,
        {
          [operation]: userIds,
        },
      );
      return operation === 'add' ? result.added : result.removed;
    },
    listGroupRoles: (id) => admin('GET', `/groups/${segment(id)}/roles`),

    createRole: (input) => admin('POST', '/roles', input),
    listRoles: (options) => admin('GET', '/roles', undefined, page(options)),
    getRole: (ref) => admin('GET', `/roles/${segment(ref)}`),
    updateRole: (ref, changes) => admin('PATCH', `/roles/${segment(ref)}`, changes),
    deleteRole: (ref) => admin('DELETE', `/roles/${segment(ref)}`),

    changeGrant: (operation, grantee, role) =>
      admin(
        operation === 'grant' ? 'PUT' : 'DELETE',
        `/${grantee.type}s/${segment(grantee.id)}/roles/${segment(role)}`,
      ),

    createApplication: (input) => admin('POST', '/applications', input),
    listApplications: (options) => admin('GET', '/applications', undefined, page(options)),
    getApplication: (id) => admin('GET', `/applications/${segment(id)}`),
    updateApplication: (id, changes) => admin('PATCH', `/applications/${segment(id)}`, changes),
    deleteApplication: (id) => admin('DELETE', `/applications/${segment(id)}`),

    createClient: async (input) => withSecret(await admin('POST', '/clients', input)),
    // The API has no separate recovery call: the same client a local `--admin` creates.
    createAdminClient: async (name) =>
      withSecret(
        await admin('POST', '/clients', {
          name,
          grantTypes: ['client_credentials'],
          defaultAudience: TESSERA_APPLICATION.audience,
          roles: [ADMIN_ROLE],
        }),
      ),
    listClients: (options) => admin('GET', '/clients', undefined, page(options)),
    getClient: (ref) => admin('GET', `/clients/${segment(ref)}`),
    updateClient: (ref, changes) => admin('PATCH', `/clients/${segment(ref)}`, changes),
    rotateClientSecret: async (ref) => withSecret(await admin('POST', `/clients/${segment(ref)}/secret`)),
    deleteClient: (ref) => admin('DELETE', `/clients/${segment(ref)}`),
    listClientRoles: (ref) => admin('GET', `/clients/${segment(ref)}/roles`),

    listKeys: async () =>
      (await admin<{ items: Awaited<ReturnType<Backend['listKeys']>> }>('GET', '/keys')).items,
    rotateKey: async (rotate) =>
      (await admin<{ key: Awaited<ReturnType<Backend['rotateKey']>> }>('POST', '/keys/rotate', rotate)).key,
    issueUserToken: (userId, audience) => admin('POST', `/users/${segment(userId)}/tokens`, { audience }),
    revokeKey: async (kid) => {
      await admin('POST', `/keys/${segment(kid)}/revoke`);
    },
    revokeUserTokens: async (userId, before) => {
      const result = await admin<{ userId: string; before: string }>(
        'POST',
        `/users/${segment(userId)}/revoke-tokens`,
        before ? { before: before.toISOString() } : {},
      );
      return { userId: result.userId, before: new Date(result.before) };
    },
    sendAccountLink: async (userId, purpose) => {
      const result = await admin<Omit<AccountLinkDelivery, 'expiresAt'> & { expiresAt: string | Date }>(
        'POST',
        `/users/${segment(userId)}/${purpose === 'activate' ? 'invitations' : 'password-resets'}`,
      );
      return { ...result, expiresAt: new Date(result.expiresAt) };
    },
    revokeToken: async (jti, exp) => {
      const result = await admin<{ jti: string; expiresAt: string }>(
        'POST',
        '/tokens/revoke',
        exp === undefined ? { jti } : { jti, exp },
      );
      return { jti: result.jti, expiresAt: new Date(result.expiresAt) };
    },
    jwks: async () => read(await send('/.well-known/jwks.json', { headers: { accept: 'application/json' } })),

    async issueToken(request: TokenRequest): Promise<TokenResponse> {
      // RFC 6749 §2.3.1: client_secret_basic, each part form-urlencoded before base64.
      const basic = Buffer.from(
        `${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret)}`,
      ).toString('base64');
      const form = new URLSearchParams({ grant_type: 'client_credentials' });
      if (request.resource !== undefined) form.set('resource', request.resource);
      if (request.scope !== undefined) form.set('scope', request.scope);
      const res = await send('/oauth2/token', {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
      });
      return read<TokenResponse>(res);
    },

    async listAudit({ limit, filter = {} }) {
      const { afterSeq, ...rest } = filter;
      const result = await admin<{ items: Awaited<ReturnType<Backend['listAudit']>> }>(
        'GET',
        '/audit',
        undefined,
        {
          limit,
          after: afterSeq,
          ...rest,
        },
      );
      return result.items;
    },
    verifyAudit: () => admin('GET', '/audit/verify'),

    close: async () => {},
  };
}
