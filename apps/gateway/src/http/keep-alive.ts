import type { Context } from "hono";

/**
 * The request's `waitUntil`, for a call that must outlive a client who hangs up because other requests
 * wait on it (sends/combined-calls.ts). A bare app without an execution context (a middleware under
 * test) has nothing to hold it with; its request awaits the call anyway.
 */
export function keepAlive(c: Context): (call: Promise<unknown>) => void {
  return (call) => {
    let waitUntil: (promise: Promise<unknown>) => void;
    try {
      const ctx = c.executionCtx;
      waitUntil = (promise) => ctx.waitUntil(promise);
    } catch {
      return;
    }
    waitUntil(call);
  };
}
