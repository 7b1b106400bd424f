import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** The SMSC simulator's SMPP port and control API (test/global-setup.ts). */
      SMSC_PORT: string;
      SMSC_CONTROL_URL: string;
      SMSC_PASSWORD: string;
      /** Kannel's sendsms and its SMSC simulator's control API (test/global-setup.ts); empty when skipped. */
      KANNEL_SENDSMS_URL: string;
      KANNEL_SKIPPED: string;
      KANNEL_SMSC_ID: string;
      KANNEL_USERNAME: string;
      KANNEL_PASSWORD: string;
      KANNEL_SMSC_CONTROL_URL: string;
    }
  }
}
