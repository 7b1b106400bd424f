// One admin API request as every command makes it: the deployment's base URL and admin token from
// the environment, the answer's status and parsed body, or why no answer came.
export const DEFAULT_ADMIN_URL = "http://127.0.0.1:8787";

/**
 * @typedef {import("./commands.mjs").AdminRequest} AdminRequest
 * @typedef {{ status: number; ok: boolean; body: any }} AdminAnswer
 * @typedef {{ message: string; exit: 1 | 2 }} AdminFailure why no answer came, and the exit status
 */

/** @param {string} text */
function parseBody(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

/**
 * @param {AdminRequest} request
 * @param {import("./cli.mjs").CliIo} io
 * @returns {Promise<{ answer: AdminAnswer } | { failure: AdminFailure }>}
 */
export async function callAdmin(request, io) {
  const token = io.env.ADMIN_TOKEN?.trim();
  if (!token)
    return {
      failure: {
        message:
          "ADMIN_TOKEN is not set. Export the deployment's admin token (`pnpm start` prints the local one).",
        exit: 2,
      },
    };
  const base = (io.env.LISOLOO_ADMIN_URL?.trim() || DEFAULT_ADMIN_URL).replace(/\/+$/, "");
  try {
    const response = await io.fetch(`${base}/admin/v1${request.path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(request.body ? { "content-type": "application/json" } : {}),
      },
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
    });
    return { answer: { status: response.status, ok: response.ok, body: parseBody(await response.text()) } };
  } catch (error) {
    const cause = /** @type {{ cause?: { message?: string } }} */ (error).cause?.message;
    return {
      failure: {
        message: `Cannot reach the admin API at ${base}: ${cause ?? /** @type {Error} */ (error).message}`,
        exit: 1,
      },
    };
  }
}
