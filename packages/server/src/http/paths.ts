/**
 * Every public path of the browser and OAuth surfaces, in one place: discovery documents, pages
 * that link to each other and tests name them from here.
 */

// OAuth 2.0 / OpenID Connect endpoints
export const TOKEN_PATH = '/oauth2/token';
export const AUTHORIZE_PATH = '/oauth2/authorize';
export const USERINFO_PATH = '/oauth2/userinfo';
export const END_SESSION_PATH = '/oauth2/end_session';
export const REVOCATION_PATH = '/oauth2/revoke';
export const INTROSPECTION_PATH = '/oauth2/introspect';
export const DEVICE_AUTHORIZATION_PATH = '/oauth2/device_authorization';
export const JWKS_PATH = '/.well-known/jwks.json';

// Server-rendered pages
export const LOGIN_PATH = '/login';
export const LOGOUT_PATH = '/logout';
export const ACTIVATE_PATH = '/activate';
export const RESET_PATH = '/reset';
export const CONSENT_PATH = '/consent';
export const DEVICE_PATH = '/device';
