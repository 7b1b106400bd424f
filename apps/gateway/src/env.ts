/** The Worker's bindings and the per-request variables every handler can read. */
export type Bindings = Env;

/** Rate-limit buckets of CONTRACT §9 (cancel/pause/resume share `send`). */
export type RateLimitBucket = "send" | "status" | "balance" | "preview";

/** Who is calling: set by the auth middleware on every app-key route. */
export type AuthContext = {
  keyId: string;
  merchantId: string;
  environment: "sandbox" | "production";
  /** Per-merchant overrides of the per-minute limits (operators, §11); absent = contract default. */
  rateLimits: Partial<Record<RateLimitBucket, number>>;
};

export type AppVariables = {
  requestId: string;
  auth: AuthContext;
};

export type AppEnv = { Bindings: Bindings; Variables: AppVariables };
