import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** The SMSC simulator's SMPP port and control API (test/global-setup.ts). */
      SMSC_PORT: string;
      SMSC_CONTROL_URL: string;
      SMSC_PASSWORD: string;
    }
  }
}
