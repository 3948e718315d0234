// The slice of oidc-provider 9 the anchor server uses; the package ships no types.
declare module 'oidc-provider' {
  import type { RequestListener } from 'node:http';

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): RequestListener;
  }

  export default Provider;
}
