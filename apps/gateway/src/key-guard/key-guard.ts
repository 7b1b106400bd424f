import { DurableObject } from "cloudflare:workers";
import type { RateLimitBucket, WorkerEnv } from "../env";
import { countD1Queries } from "../observability/d1-queries";
import { log } from "../observability/logger";
import { shardOfKey } from "../shards/directory";
import { AuthVersion } from "./auth-version";
import * as idempotency from "./idempotency-store";
import { IDEMPOTENCY_TTL_MS } from "./limits";
import { RateCounter } from "./rate-counter";
import { createSchema } from "./schema";
import type {
  Admission,
  BeginResult,
  HitResult,
  IdempotentRequest,
  StaleAuth,
  StoredResponse,
  WithAuthVersion,
} from "./types";

/**
 * Rate limits (CONTRACT §9) and Idempotency-Key records (§4) of one API key: one instance per key,
 * addressed with `idFromName(keyId)`, state in its SQLite storage.
 *
 * A Durable Object handles one call at a time, and every decision below reads and writes SQLite
 * synchronously before anything is awaited, so counts and locks stay exact however many requests race.
 *
 * The guard alone enforces a 1302 suspension; it also writes the suspension's end to the key's row
 * (`api_keys.suspended_until`), so the operator API can show it without asking every guard.
 *
 * It also keeps the key's auth version (auth-version.ts): operators bump it after changing the key or
 * its merchant, and every admission says which version it was judged under.
 */
export class KeyGuard extends DurableObject<WorkerEnv> {
  /** When the purge alarm fires (null: none; undefined: not read from storage yet). */
  private purgeAt: number | null | undefined;
  /** The suspension end D1 holds (or is being told), as far as this instance knows. */
  private recordedUntil: number | null = null;
  private readonly counter: RateCounter;
  private readonly version: AuthVersion;

  constructor(ctx: DurableObjectState, env: WorkerEnv) {
    super(ctx, countD1Queries(env));
    createSchema(ctx.storage.sql);
    this.counter = new RateCounter(ctx.storage.sql);
    this.version = new AuthVersion(ctx.storage.sql);
  }

  /**
   * Counts one request against `bucket` (limit per minute) and says whether it may proceed; during a
   * suspension, only once the key row shows it. (Not `async`: a bad limit throws to the caller as is.)
   */
  hit(
    bucket: RateLimitBucket,
    limit: number,
    nowMs: number,
  ): WithAuthVersion<HitResult> | Promise<WithAuthVersion<HitResult>> {
    const result = { ...this.counter.hit(bucket, limit, nowMs), authVersion: this.version.current() };
    if (result.suspendedUntil === undefined) return result;
    return this.recordSuspension(result.suspendedUntil).then(() => result);
  }

  /** The key's auth version: read before the key's rows, it tags the copy the auth path keeps of them. */
  authVersion(): number {
    return this.version.current();
  }

  /**
   * Marks every copy of the key's rows that isolates keep as possibly stale. Called by whoever changed
   * the key or its merchant, after that write committed; returns the new version.
   */
  bumpAuthVersion(): number {
    return this.version.bump();
  }

  /**
   * Ends a 1302 suspension now (an operator activating the key) and forgets the current window's
   * counts, which would otherwise suspend the key again on its next request. Returns whether one was on.
   */
  lift(): boolean {
    const lifted = this.counter.lift();
    this.recordedUntil = null;
    return lifted;
  }

  /** Takes the lock for `key`, or says why not (in progress, replay, mismatch). */
  async beginIdempotent(key: string, fingerprint: string, nowMs: number): Promise<BeginResult> {
    const result = idempotency.beginIdempotent(this.ctx.storage.sql, key, fingerprint, nowMs);
    if (result.state === "new") await this.schedulePurge(nowMs + IDEMPOTENCY_TTL_MS);
    return result;
  }

  /** Stores the first response under `key`; false when `lockId` no longer holds the lock. */
  completeIdempotent(key: string, lockId: string, response: StoredResponse): boolean {
    return idempotency.completeIdempotent(this.ctx.storage.sql, key, lockId, response);
  }

  /** Releases `key` without storing a response, so a retry runs afresh. */
  abandonIdempotent(key: string, lockId: string): boolean {
    return idempotency.abandonIdempotent(this.ctx.storage.sql, key, lockId);
  }

  /**
   * `hit`, then — only when the request is allowed and carries an Idempotency-Key — `beginIdempotent`,
   * in one round trip. With `ifAuthVersion`, only if the key's auth version is still that one: else
   * nothing is counted or locked and the answer is the current version, for the caller to judge the
   * key again (its limit may have changed too) and ask again.
   */
  async admit(
    bucket: RateLimitBucket,
    limit: number,
    nowMs: number,
    request: IdempotentRequest | null,
    ifAuthVersion?: number,
  ): Promise<Admission | StaleAuth> {
    if (ifAuthVersion !== undefined) {
      const current = this.version.current();
      if (current !== ifAuthVersion) return { stale: true, authVersion: current };
    }
    const { authVersion, ...rate } = await this.hit(bucket, limit, nowMs);
    if (!rate.allowed || request === null) return { rate, idempotency: null, authVersion };
    const idempotency = await this.beginIdempotent(request.key, request.fingerprint, nowMs);
    return { rate, idempotency, authVersion };
  }

  /** Purges expired idempotency records and re-arms itself for the next expiry. */
  override async alarm(): Promise<void> {
    const next = idempotency.purgeExpired(this.ctx.storage.sql, Date.now());
    this.purgeAt = next;
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  /**
   * Writes the suspension's end to the key row, once per suspension and instance: the first refused
   * request writes it, a failed write is tried again by the next one. A key row that no longer exists
   * changes nothing.
   */
  private async recordSuspension(until: number): Promise<void> {
    const keyId = this.ctx.id.name;
    if (this.recordedUntil === until || keyId === undefined) return;
    this.recordedUntil = until;
    try {
      const shard = await shardOfKey(this.env, keyId);
      await shard?.DB.prepare("UPDATE api_keys SET suspended_until = ?1 WHERE id = ?2")
        .bind(until, keyId)
        .run();
      log.warn("key.suspended", { key_id: keyId, suspended_until: new Date(until).toISOString() });
    } catch (error) {
      if (this.recordedUntil === until) this.recordedUntil = null;
      log.error("key.suspension_not_recorded", { key_id: keyId, error });
    }
  }

  private async schedulePurge(at: number): Promise<void> {
    if (this.purgeAt === undefined) this.purgeAt = await this.ctx.storage.getAlarm();
    if (this.purgeAt !== null && this.purgeAt <= at) return;
    this.purgeAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}
