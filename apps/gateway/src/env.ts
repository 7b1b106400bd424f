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

/** The calling key's merchant, as the send path needs it (loaded with the key, one read). */
export type MerchantContext = {
  id: string;
  timeZone: string;
  currency: string;
  unitPriceMicros: number | null;
  defaultSenderId: string | null;
  allowedCountries: string[] | null;
};

export type AppVariables = {
  requestId: string;
  auth: AuthContext;
  merchant: MerchantContext;
};

export type AppEnv = { Bindings: Bindings; Variables: AppVariables };
