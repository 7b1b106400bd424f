// The ceiling the gateway's webhook fan-out is measured against: a Durable Object that does nothing but
// what every attempt cannot avoid (sign the body with HMAC-SHA256, POST it with fetch(), read the short
// answer), `inFlight` at a time, as the dispatcher does. No D1, no queue, no pipeline beside it: on
// `wrangler dev` everything runs on workerd's one thread, so this is as fast as events can leave it.
import { DurableObject } from "cloudflare:workers";

const encoder = new TextEncoder();

export class Sender extends DurableObject {
  /** Body: `{ url, count, inFlight, body }`; answers `{ sent, failed, ms }` once every request ended. */
  async fetch(request) {
    const { url, count, inFlight, body } = await request.json();
    const key = await crypto.subtle.importKey(
      "raw",
      encoder.encode("fetch-ceiling-secret-0123456789ab"),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    let next = 0;
    let failed = 0;
    const started = Date.now();
    const lane = async () => {
      while (next < count) {
        const id = `evt_ceiling_${next++}`;
        const timestamp = String(Math.floor(Date.now() / 1000));
        const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestamp}.${body}`));
        const signature = btoa(String.fromCharCode(...new Uint8Array(mac)));
        try {
          const response = await fetch(url, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "webhook-id": id,
              "webhook-timestamp": timestamp,
              "webhook-signature": `v1,${signature}`,
            },
            body,
            redirect: "manual",
          });
          await response.text();
          if (!response.ok) failed++;
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    return Response.json({ sent: count - failed, failed, ms: Date.now() - started });
  }
}

export default {
  fetch(request, env) {
    if (request.method !== "POST") return new Response("ready");
    return env.SENDER.get(env.SENDER.idFromName("ceiling")).fetch(request);
  },
};
