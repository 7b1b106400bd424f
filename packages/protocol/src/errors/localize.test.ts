import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expandSchedule } from "../schedule/expand.js";
import type { ScheduleRequest } from "../schedule/types.js";
import { parseSendRequest } from "../schemas/send-request.js";
import { localizedErrorText } from "./localize.js";

describe("localizedErrorText", () => {
  it.each([
    ["Missing or invalid app-key", "app-key manquante ou invalide"],
    ["Must not be empty", "Ne doit pas être vide"],
    ["Content-Type must be application/json", "Le Content-Type doit être application/json"],
    ['Unknown field "recipients"', 'Champ inconnu "recipients"'],
    ["Required when sending_type is scheduled", "Obligatoire quand sending_type vaut scheduled"],
    [
      "Must be later than now in Africa/Kinshasa",
      "Doit être postérieur à maintenant, dans le fuseau Africa/Kinshasa",
    ],
    ["Needed 2.00 USD, available 0.50 USD", "Il faut 2.00 USD, solde disponible 0.50 USD"],
    ['Must be application/json, got "text/plain"', 'Doit être application/json, reçu "text/plain"'],
    ["Body is not valid JSON (line 3, column 7)", "Le corps n'est pas du JSON valide (ligne 3, colonne 7)"],
    [
      "Body is not valid UTF-8 (first bad byte at offset 17)",
      "Le corps n'est pas de l'UTF-8 valide (premier octet invalide à la position 17)",
    ],
    ["Request body is not valid UTF-8", "Le corps de la requête n'est pas de l'UTF-8 valide"],
    [
      "Malformed key: expected 32 letters and digits after sk_test_, got 31",
      "Clé mal formée : 32 lettres et chiffres attendus après sk_test_, 31 reçus",
    ],
    [
      "URL host 10.0.0.1 is a private network address (10.0.0.0/8)",
      "L'hôte 10.0.0.1 de l'URL est une adresse de réseau privé (10.0.0.0/8)",
    ],
    [
      "URL host [fd00::1] is a unique local (private) address (fc00::/7)",
      "L'hôte [fd00::1] de l'URL est une adresse locale unique (privée) (fc00::/7)",
    ],
    [
      "URL host [2002:a00:1::] is a 6to4 (2002::/16) address embedding 10.0.0.1, a private network address (10.0.0.0/8)",
      "L'hôte [2002:a00:1::] de l'URL est une adresse 6to4 (2002::/16) contenant 10.0.0.1, une adresse de réseau privé (10.0.0.0/8)",
    ],
    [
      "URL host [3000::1] is not a global unicast address (outside 2000::/3)",
      "L'hôte [3000::1] de l'URL n'est pas une adresse unicast globale (hors de 2000::/3)",
    ],
    [
      "URL host printer.local is a local or internal name (.local)",
      "L'hôte printer.local de l'URL est un nom local ou interne (.local)",
    ],
    [
      "URL host intranet is not a fully qualified domain name",
      "L'hôte intranet de l'URL n'est pas un nom de domaine pleinement qualifié",
    ],
    ["Invalid input: expected object, received string", "Entrée invalide : object attendu, string reçu"],
  ])("writes %j in French", (english, french) => {
    expect(localizedErrorText(english, "fr")).toBe(french);
    expect(localizedErrorText(english, "en")).toBe(english);
    expect(localizedErrorText(english)).toBe(english);
  });

  it.each([
    ["a text it does not know", "Something new"],
    ["a name on Object's prototype", "constructor"],
    ["a host refusal it does not know", "URL host x.example is somewhere odd"],
  ])("keeps %s as it is", (_label, text) => {
    expect(localizedErrorText(text, "fr")).toBe(text);
  });
});

/** Bad values, per field of the send body: every kind of finding the schema can report. */
const badValues: Record<string, unknown[]> = {
  to: [5, "+243998857000", [], [5, "abc", "+243 998", "+243\ud800"], Array.from({ length: 1001 }, () => "1")],
  message: [5, "", "x".repeat(1601), "a\ud800b"],
  sender_id: [5, "", "THIS-IS-TOO-LONG", "123456789012345678", "SHOP\udc00"],
  sending_type: [5, "weekly", "immediate", "scheduled", "recurring"],
  callback_url: [
    5,
    "not a url",
    "ftp://example.com",
    `https://example.com/${"x".repeat(2048)}`,
    "https://example.com/\ud800",
  ],
  validity_period: ["x", 1.5, 10, 1e7, 1e30],
  transliterate: ["yes"],
  scheduled_dates: [
    "x",
    [],
    ["x", {}, { date: 5, time: 5, extra: 1 }, { date: "2026-02-30", time: "24:00" }],
    Array.from({ length: 21 }, () => ({ date: "2099-01-01", time: "08:00" })),
  ],
  recurring_schedule: [
    "x",
    {},
    { start_date: 5, end_date: "2020-13-01", frequency: 5, interval: "x", times: "x", days_of_week: "x" },
    {
      start_date: "2021-01-01",
      end_date: "2020-01-01",
      frequency: "daily",
      interval: 0,
      times: [5, "25:00", "01:00", "01:00"],
      days_of_week: [5, "xyz", "mon", "mon"],
    },
    { end_date: "2099-01-01", frequency: "weekly", interval: 1e30, times: [], days_of_week: [] },
    {
      end_date: "2099-01-01",
      frequency: "hourly",
      times: Array.from({ length: 25 }, (_, i) => `${String(i % 24).padStart(2, "0")}:00`),
      days_of_week: ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "mon"],
    },
  ],
  surplus: [1],
};

const badBody = fc.record(
  Object.fromEntries(Object.entries(badValues).map(([field, values]) => [field, fc.constantFrom(...values)])),
  { requiredKeys: [] },
);

describe("French for every finding", () => {
  it("has a French text for every detail a send body can get", () => {
    fc.assert(
      fc.property(badBody, (body) => {
        const english = parseSendRequest(body);
        const french = parseSendRequest(body, { language: "fr" });
        if (english.success || french.success) return;
        expect(french.error.details?.length).toBe(english.error.details?.length);
        english.error.details?.forEach((detail, i) => {
          expect(french.error.details?.[i]?.message, detail.message).not.toBe(detail.message);
        });
      }),
      { numRuns: 500 },
    );
  });

  const now = new Date("2026-05-27T10:00:00Z");
  it.each<[string, ScheduleRequest]>([
    ["a past date", { sending_type: "scheduled", scheduled_dates: [{ date: "2020-01-01", time: "08:00" }] }],
    ["no date", { sending_type: "scheduled", scheduled_dates: [] }],
    [
      "too many dates",
      { sending_type: "scheduled", scheduled_dates: Array(21).fill({ date: "2099-01-01", time: "08:00" }) },
    ],
    [
      "unreal dates and times",
      { sending_type: "scheduled", scheduled_dates: [{ date: "2026-02-30", time: "8h" }] },
    ],
    [
      "a schedule on an immediate send",
      { sending_type: "immediate", scheduled_dates: [{ date: "2099-01-01", time: "08:00" }] },
    ],
    ["a missing schedule", { sending_type: "recurring" }],
    [
      "a recurrence over 1000 dispatches",
      {
        sending_type: "recurring",
        recurring_schedule: { end_date: "2099-01-01", frequency: "daily", times: ["08:00"] },
      },
    ],
    [
      "a recurrence already over",
      {
        sending_type: "recurring",
        recurring_schedule: {
          start_date: "2020-01-01",
          end_date: "2020-02-01",
          frequency: "daily",
          times: ["08:00"],
        },
      },
    ],
    [
      "a recurrence with every mistake",
      {
        sending_type: "recurring",
        recurring_schedule: {
          start_date: "2020-02-30",
          end_date: "x",
          frequency: "weekly",
          interval: 0,
          times: ["08:00", "08:00", "9"],
          days_of_week: ["mon", "someday" as "mon"],
        },
      },
    ],
    [
      "days on a daily recurrence, no times",
      {
        sending_type: "recurring",
        recurring_schedule: { end_date: "2099-01-01", frequency: "daily", times: [], days_of_week: [] },
      },
    ],
  ])("has a French text for the schedule's findings: %s", (_label, request) => {
    const result = expandSchedule(request, { timeZone: "Africa/Kinshasa", now });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const detail of result.details)
      expect(localizedErrorText(detail.message, "fr"), detail.message).not.toBe(detail.message);
  });
});
