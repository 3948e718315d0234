/**
 * A Tessera for SCIM tests: `startTestApp(dialect)` plus an identity-provider client (role
 * `scim-provisioner` with `tessera:scim`, default audience urn:tessera:admin) and `scim()`,
 * a request to `/scim/v2` with that client's token.
 */
import { type InjectResult, startTestApp, type TestApp } from '../support/app.js';
import type { Dialect } from '../support/stores.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface ScimTestApp extends TestApp {
  /** The identity provider's client_id: the actor of its writes in the audit log. */
  idpClientId: string;
  idpSecret: string;
  /** A fresh token of the identity provider's client. */
  idpToken(): Promise<string>;
  /** A JSON request to /scim/v2 (content type application/scim+json) with the IdP's token. */
  scim(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<InjectResult>;
}

export interface ScimAppOptions {
  /** startTestApp's options: another instance on the same store, say. */
  app?: Parameters<typeof startTestApp>[1];
  /** The identity provider client's name (default "Entra ID"). */
  idpName?: string;
  /** The name of the role holding tessera:scim, created here (default "scim-provisioner"). */
  role?: string;
}

export async function startScimApp(dialect: Dialect, options: ScimAppOptions = {}): Promise<ScimTestApp> {
  const test = await startTestApp(dialect, options.app);
  const roleName = options.role ?? 'scim-provisioner';
  const role = await test.admin('POST', '/roles', {
    name: roleName,
    permissions: ['tessera:scim'],
  });
  if (role.status !== 201) throw new Error(`role: ${role.status} ${role.body}`);
  const client = await test.admin('POST', '/clients', {
    name: options.idpName ?? 'Entra ID',
    defaultAudience: 'urn:tessera:admin',
    roles: [roleName],
  });
  if (client.status !== 201) throw new Error(`client: ${client.status} ${client.body}`);
  const idpClientId = client.json.clientId as string;
  const idpSecret = client.json.clientSecret as string;
  const basic = Buffer.from(`${idpClientId}:${idpSecret}`).toString('base64');
  const idpToken = async () => {
    const res = await test.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials',
    });
    if (res.statusCode !== 200) throw new Error(`IdP token: ${res.statusCode} ${res.body}`);
    return res.json().access_token as string;
  };
  const token = await idpToken();
  return {
    ...test,
    idpClientId,
    idpSecret,
    idpToken,
    async scim(method, path, body, headers = {}) {
      const res = await test.app.inject({
        method: method as 'GET',
        url: `/scim/v2${path}`,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      let json: unknown;
      try {
        json = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, headers: res.headers, body: res.body, json };
    },
  };
}

/** A PatchOp body. */
export const patchOp = (...operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });

/** A minimal User body. */
export const userBody = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER_SCHEMA],
  userName,
  ...extra,
});
