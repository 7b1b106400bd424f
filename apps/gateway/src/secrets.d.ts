// Secrets are not in wrangler.jsonc (they are set with `wrangler secret put`), so `wrangler types`
// cannot see them; declared here so handlers are typed.
interface LisolooSecrets {
  /** Bearer token of the operator API (§11). */
  ADMIN_TOKEN: string;
  /** While rotating it: the other admin token the operator API accepts (DEPLOYING.md). */
  ADMIN_TOKEN_PREVIOUS?: string;
  /** Key material for encrypting webhook Basic passwords and carrier passwords at rest. */
  CREDENTIALS_KEY: string;
  /** While rotating it: the other key that still opens sealed secrets and verifies dlr-urls (DEPLOYING.md). */
  CREDENTIALS_KEY_PREVIOUS?: string;
  /** The gateway's public origin as an HTTP relay reaches it: the base of each dlr-url (optional var). */
  PUBLIC_BASE_URL?: string;
}

interface Env extends LisolooSecrets {}

declare namespace Cloudflare {
  interface Env extends LisolooSecrets {}
}
