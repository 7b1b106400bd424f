// `lisoloo credentials reseal`: the third step of rotating CREDENTIALS_KEY (DEPLOYING.md). The admin
// API re-seals one page a call; this walks the whole pass, so an operator runs one command and reads
// one verdict instead of looping over cursors by hand.
import { callAdmin } from "./admin-call.mjs";
import { formatApiError } from "./format.mjs";
import { integer } from "./values.mjs";

/** Pages one pass may take: far more than any deployment's stored secrets need, a guard against a loop. */
const MAX_PAGES = 10_000;

/** @type {import("./commands.mjs").ProgramCommand} */
export const resealCommand = {
  group: "credentials",
  name: "reseal",
  summary: "Re-seal every stored password under the current CREDENTIALS_KEY (a rotation's third step)",
  args: [],
  options: {
    limit: { type: "string", value: "n", description: "Values per page (default: the API's, 200)" },
  },
  help: {
    about: `Walks POST /admin/v1/credentials/reseal page after page: carrier passwords and webhook Basic
passwords sealed under CREDENTIALS_KEY_PREVIOUS are sealed again under CREDENTIALS_KEY. Safe to run at
any time and as often as you like: what is already current is counted, not written.

Exit status: 0 when every stored password opens under the current key (the previous key can be
deleted once messages in flight are final), 1 when some open under no key (listed: set those
passwords again) or the API refused, 2 for a mistyped command or a missing ADMIN_TOKEN.`,
  },
  async execute(options, io) {
    const limit = integer("--limit", /** @type {string | undefined} */ (options.limit));
    const json = options.json === true;
    const say = (/** @type {string} */ line) => {
      if (!json) io.stdout(`${line}\n`);
    };
    let cursor = "";
    /** @type {any} */
    let data;
    /** @type {unknown[]} */
    const unreadable = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams();
      if (cursor) query.set("cursor", cursor);
      if (limit !== undefined) query.set("limit", String(limit));
      const suffix = query.size > 0 ? `?${query}` : "";
      const called = await callAdmin({ method: "POST", path: `/credentials/reseal${suffix}` }, io);
      if ("failure" in called) {
        io.stderr(`${called.failure.message}\n`);
        return called.failure.exit;
      }
      if (!called.answer.ok) {
        io.stderr(`${formatApiError(called.answer.status, called.answer.body)}\n`);
        return 1;
      }
      data = called.answer.body?.data;
      unreadable.push(...(data?.unreadable_rows ?? []));
      say(
        `page ${page}: ${data.resealed} re-sealed, ${data.current} current, ${data.unreadable} unreadable so far`,
      );
      cursor = data.next_cursor ?? "";
      if (data.done || !cursor) break;
    }
    if (!data?.done) {
      io.stderr(`The pass did not end within ${MAX_PAGES} pages; run the command again.\n`);
      return 1;
    }
    if (json) io.stdout(`${JSON.stringify({ ...data, unreadable_rows: unreadable }, null, 2)}\n`);
    for (const row of unreadable) say(`unreadable: ${JSON.stringify(row)}`);
    if (data.unreadable > 0) {
      say(
        `Done, but ${data.unreadable} stored password(s) open under no key: set them again through the admin API.`,
      );
      return 1;
    }
    const next = data.previous_key_set
      ? " CREDENTIALS_KEY_PREVIOUS can go once messages in flight are final."
      : "";
    say(
      `Done: every stored password opens under the current key (${data.resealed} re-sealed in this pass).${next}`,
    );
    return 0;
  },
};
