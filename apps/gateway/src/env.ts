/** The Worker's bindings and the per-request variables every handler can read. */
export type Bindings = Env;

export type AppVariables = {
  requestId: string;
};

export type AppEnv = { Bindings: Bindings; Variables: AppVariables };
