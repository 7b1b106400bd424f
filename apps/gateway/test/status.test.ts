import { recipientsResponseSchema, statusResponseSchema } from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import { api, newMerchant, rows, shardDb, waitFor } from "./helpers";

const tomorrow = () => new Date(Date.now() + 36 * 3600_000).toISOString().slice(0, 10);

describe("GET /status/{message_id}", () => {
  it("reports an accepted immediate send as pending, with every delivery counted", async () => {
    const { apiKey } = await newMerchant();
    const sent = await api(apiKey, "POST", "/send", {
      to: ["+243998857000", "+243998857001"],
      message: "Hi",
    });
    const res = await api(apiKey, "GET", `/status/${sent.body.data.message_id}`);
    expect(res.status).toBe(200);
    const { data } = statusResponseSchema.parse(res.body);
    expect(data).toMatchObject({
      message_id: sent.body.data.message_id,
      status: "pending",
      delivered: 0,
      failed: 0,
      pending: 2,
      total_deliveries: 2,
      cancelled: 0,
      total_recipients: 2,
      segments: 1,
      sending_type: "immediate",
      next_dispatch_at: null,
    });
  });

  it("reports a scheduled send as scheduled, future deliveries pending, and the next dispatch", async () => {
    const { apiKey } = await newMerchant();
    const date = tomorrow();
    const sent = await api(apiKey, "POST", "/send", {
      to: ["+243998857000", "+243998857001"],
      message: "Later",
      sending_type: "scheduled",
      scheduled_dates: [
        { date, time: "09:15" },
        { date, time: "10:15" },
      ],
    });
    const { data } = statusResponseSchema.parse(
      (await api(apiKey, "GET", `/status/${sent.body.data.message_id}`)).body,
    );
    expect(data).toMatchObject({
      status: "scheduled",
      pending: 4,
      total_deliveries: 4,
      next_dispatch_at: `${date}T08:15:00Z`, // 09:15 in Kinshasa (UTC+1), written in UTC
    });
  });

  it("has updated_at: created_at until something moves, then the last delivery change", async () => {
    const { apiKey, merchantId } = await newMerchant();
    const date = tomorrow();
    const scheduled = await api(apiKey, "POST", "/send", {
      to: ["+243998857000"],
      message: "Later",
      sending_type: "scheduled",
      scheduled_dates: [{ date, time: "09:15" }],
    });
    const scheduledId = scheduled.body.data.message_id;
    const before = statusResponseSchema.parse((await api(apiKey, "GET", `/status/${scheduledId}`)).body).data;
    expect(before.updated_at).toBe(before.created_at);
    // Pausing is a state change of the message: updated_at follows it.
    await (await shardDb(merchantId))
      .prepare("UPDATE sends SET created_at = created_at - 60000 WHERE id = ?")
      .bind(scheduledId)
      .run();
    expect((await api(apiKey, "POST", `/pause/${scheduledId}`)).status).toBe(200);
    const paused = statusResponseSchema.parse((await api(apiKey, "GET", `/status/${scheduledId}`)).body).data;
    expect(paused.status).toBe("paused");
    expect(Date.parse(paused.updated_at)).toBeGreaterThan(Date.parse(paused.created_at));

    const sent = await api(apiKey, "POST", "/send", { to: ["+243998857000"], message: "Now" });
    const id = sent.body.data.message_id;
    const done = await waitFor(
      async () => statusResponseSchema.parse((await api(apiKey, "GET", `/status/${id}`)).body).data,
      (d) => d.status === "delivered",
    );
    const [last] = await rows<{ at: number }>(
      "SELECT MAX(updated_at) AS at FROM deliveries WHERE send_id = ?",
      id,
    );
    expect(done.updated_at).toBe(new Date(last?.at ?? 0).toISOString().replace(/\.\d{3}Z$/, "Z"));
    expect(Date.parse(done.updated_at)).toBeGreaterThanOrEqual(Date.parse(done.created_at));
  });

  it("answers 404 1201 for unknown, malformed and other merchants' ids, indistinguishably", async () => {
    const a = await newMerchant();
    const b = await newMerchant();
    const sent = await api(a.apiKey, "POST", "/send", { to: ["+243998857000"], message: "Mine" });
    const id = sent.body.data.message_id;
    const responses = await Promise.all([
      api(b.apiKey, "GET", `/status/${id}`),
      api(b.apiKey, "GET", `/status/${id}/recipients`),
      api(a.apiKey, "GET", "/status/507f1f77bcf86cd799439011"),
      api(a.apiKey, "GET", "/status/not-an-id"),
    ]);
    for (const r of responses) {
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({
        error_code: "1201",
        message: "Message not found",
        detail: "Message not found",
      });
    }
    const { request_id: _r1, timestamp: _t1, ...foreign } = responses[0]?.body ?? {};
    const { request_id: _r2, timestamp: _t2, ...missing } = responses[2]?.body ?? {};
    expect(foreign).toEqual(missing);
    expect((await api(a.apiKey, "GET", `/status/${id}`)).status).toBe(200);
  });
});

describe("GET /status/{message_id}/recipients", () => {
  it("pages through every recipient × dispatch with an opaque cursor", async () => {
    const { apiKey } = await newMerchant();
    const to = Array.from({ length: 5 }, (_, i) => `+24399885700${i}`);
    const date = tomorrow();
    const sent = await api(apiKey, "POST", "/send", {
      to,
      message: "Later",
      sending_type: "scheduled",
      scheduled_dates: [
        { date, time: "09:00" },
        { date, time: "12:00" },
      ],
    });
    const id = sent.body.data.message_id;
    const seen: string[] = [];
    let cursor: string | null = null;
    type Page = { status: number; body: unknown };
    let pages = 0;
    do {
      const res: Page = await api(
        apiKey,
        "GET",
        `/status/${id}/recipients?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.status).toBe(200);
      const page: {
        items: { status: string; dispatch_at: string; phone: string }[];
        next_cursor: string | null;
      } = recipientsResponseSchema.parse(res.body).data;
      for (const item of page.items) {
        expect(item.status).toBe("pending");
        seen.push(`${item.dispatch_at} ${item.phone}`);
      }
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    expect(seen[0]).toBe(`${date}T08:00:00Z +243998857000`); // 09:00 in Kinshasa
    expect((await api(apiKey, "GET", `/status/${id}/recipients?limit=0`)).body.error_code).toBe("1110");
  });
});
