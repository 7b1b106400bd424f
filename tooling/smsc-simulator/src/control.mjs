// The control API: the simulator's script and records over HTTP, for callers that are not in this
// Node process (tests running inside workerd, a benchmark driving `lisoloo-smsc`).
import { createServer } from "node:http";
import { ScriptError } from "./script.mjs";

/**
 * @typedef {import("./simulator.mjs").Simulator} Simulator
 * @typedef {import("node:http").ServerResponse} ServerResponse
 */

/** @param {ServerResponse} res @param {number} status @param {unknown} value */
function json(res, status, value) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

/** @param {import("node:http").IncomingMessage} req */
async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(/** @type {Buffer} */ (chunk));
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ScriptError("the body is not JSON");
  }
}

/** @param {URLSearchParams} params @param {string} name */
function intParam(params, name) {
  const value = params.get(name);
  if (value === null) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new ScriptError(`${name}: not an integer`);
  return n;
}

/** @param {URLSearchParams} params @param {string} name */
const stringParam = (params, name) => params.get(name) ?? undefined;

/**
 * @param {Simulator} sim
 * @param {import("node:http").IncomingMessage} req
 * @param {ServerResponse} res
 */
async function route(sim, req, res) {
  const url = new URL(req.url ?? "/", "http://control");
  const q = url.searchParams;
  const at = `${req.method} ${url.pathname}`;
  switch (at) {
    case "POST /__script":
      sim.script((await readJson(req)) ?? {});
      return json(res, 200, sim.scripts());
    case "GET /__script":
      return json(res, 200, sim.scripts());
    case "GET /__submits":
      return json(
        res,
        200,
        sim.submits({
          destination: stringParam(q, "destination"),
          bindId: intParam(q, "bindId"),
          messageId: stringParam(q, "messageId"),
        }),
      );
    case "GET /__receipts":
      return json(
        res,
        200,
        sim.receipts({
          destination: stringParam(q, "destination"),
          messageId: stringParam(q, "messageId"),
          status: /** @type {import("./types.js").ReceiptStatus | undefined} */ (stringParam(q, "status")),
        }),
      );
    case "GET /__binds":
      return json(res, 200, sim.binds());
    case "GET /__stats":
      return json(res, 200, sim.stats());
    case "POST /__reset": {
      const body = /** @type {{ dropBinds?: unknown } | undefined} */ (await readJson(req));
      sim.reset({ dropBinds: body?.dropBinds === true });
      return json(res, 200, { ok: true });
    }
    case "POST /__drop": {
      const body = /** @type {{ bindId?: unknown } | undefined} */ (await readJson(req));
      const bindId = typeof body?.bindId === "number" ? body.bindId : undefined;
      return json(res, 200, { dropped: sim.dropBinds(bindId) });
    }
    default:
      return json(res, 404, { error: `no route ${at}` });
  }
}

/**
 * Serves the control API for `sim` on `host:port` (0 = a free port).
 * @param {Simulator} sim
 * @param {string} host
 * @param {number} port
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startControlServer(sim, host, port) {
  const server = createServer((req, res) => {
    route(sim, req, res).catch((/** @type {unknown} */ error) => {
      if (res.headersSent) return;
      if (error instanceof ScriptError) json(res, 400, { error: error.message });
      else json(res, 500, { error: String(error) });
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}
