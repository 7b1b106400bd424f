import type { Context } from "hono";

/**
 * The request's `waitUntil`, for a call other requests wait on (sends/combined-calls.ts): it must
 * outlive this request's client if that one hangs up. A bare app without an execution context (a route
 * under test) has nothing to hold it with; its request awaits the call anyway.
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
