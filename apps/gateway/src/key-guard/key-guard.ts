import { DurableObject } from "cloudflare:workers";
import type { Bindings, RateLimitBucket } from "../env";
import * as idempotency from "./idempotency-store";
import { IDEMPOTENCY_TTL_MS } from "./limits";
import { countHit } from "./rate-counter";
import { createSchema } from "./schema";
import type { Admission, BeginResult, HitResult, IdempotentRequest, StoredResponse } from "./types";

/**
 * Rate limits (CONTRACT §9) and Idempotency-Key records (§4) of one API key: one instance per key,
 * addressed with `idFromName(keyId)`, state in its SQLite storage.
 *
 * A Durable Object handles one call at a time, and every decision below reads and writes SQLite
 * synchronously before returning, so counts and locks stay exact however many requests race.
 */
export class KeyGuard extends DurableObject<Bindings> {
  /** When the purge alarm fires (null: none; undefined: not read from storage yet). */
  private purgeAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    createSchema(ctx.storage.sql);
  }

  /** Counts one request against `bucket` (limit per minute) and says whether it may proceed. */
  hit(bucket: RateLimitBucket, limit: number, nowMs: number): HitResult {
    return countHit(this.ctx.storage.sql, bucket, limit, nowMs);
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
   * in one round trip.
   */
  async admit(
    bucket: RateLimitBucket,
    limit: number,
    nowMs: number,
    request: IdempotentRequest | null,
  ): Promise<Admission> {
    const rate = this.hit(bucket, limit, nowMs);
    if (!rate.allowed || request === null) return { rate, idempotency: null };
    return { rate, idempotency: await this.beginIdempotent(request.key, request.fingerprint, nowMs) };
  }

  /** Purges expired idempotency records and re-arms itself for the next expiry. */
  override async alarm(): Promise<void> {
    const next = idempotency.purgeExpired(this.ctx.storage.sql, Date.now());
    this.purgeAt = next;
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  private async schedulePurge(at: number): Promise<void> {
    if (this.purgeAt === undefined) this.purgeAt = await this.ctx.storage.getAlarm();
    if (this.purgeAt !== null && this.purgeAt <= at) return;
    this.purgeAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}
