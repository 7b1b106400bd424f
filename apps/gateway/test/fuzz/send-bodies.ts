import fc from "fast-check";

/**
 * Arbitraries for `/send` bodies, built around the real schema (CONTRACT §4, §6, §8): a valid body,
 * then none to three of its fields made wrong (wrong types, huge, empty and unicode strings, lone
 * surrogates, past, impossible and far-future dates, nested junk, wrong sending_type combinations,
 * callback URLs of every kind, unknown and prototype keys); plus bodies that are not a JSON object,
 * not JSON, or not UTF-8. Dates are relative to today, so "future" and "past" stay what they say.
 */

const DAY_MS = 86_400_000;

/** A body as sent: a JSON value to serialize, or raw bytes (with a label to print). */
export type FuzzBody = { kind: "json"; value: unknown } | { kind: "raw"; bytes: Uint8Array; label: string };

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(..."0123456789"), { minLength: min, maxLength: max }).map((d) => d.join(""));
const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);

/** Strings no field should take: lone surrogates, controls, bidi marks, huge and empty. */
const nastyString = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\ud800b",
    "\udc00",
    "😀\ud83d",
    "\u202e",
    "\ufeff",
    "null",
    "<script>",
    "%00",
  ),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.string({
    unit: fc.integer({ min: 0xd700, max: 0xe100 }).map((u) => String.fromCharCode(u)),
    maxLength: 6,
  }),
  fc.constantFrom(1_601, 2_049, 5_000).map((n) => "x".repeat(n)),
);

/** Any JSON value, small: the junk a wrong field gets. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER, [], {}, [[]], {
    a: { b: {} },
  }),
  nastyString,
);

// —— valid values ——————————————————————————————————————————————————————————————————————————————————

const goodPhone = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(fc.constantFrom("+243", "243", "+33", "+1"), digits(6, 11)).map(([cc, n]) => cc + n),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "+243 998 857 000",
      "(243) 998-857.000",
      "+1 (555) 010-9999",
      "\u00a0+243\u202f998\u202f857\u202f001",
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom("+999000000001", "+999000000005", "1", "123456789012345") },
);
const gsmText = fc.string({
  unit: fc.constantFrom(
    ..."abcXYZ 0129@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà\n{}[]~^\\|€",
  ),
  minLength: 1,
  maxLength: 400,
});
const goodMessage = fc.oneof(
  { weight: 6, arbitrary: gsmText },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "x".repeat(1600),
      "😀".repeat(1600),
      "ça coûte 5€ « cher »",
      "a\u0000b",
      "\ud83d\ude00",
    ),
  },
);
const futureDay = fc.integer({ min: 2, max: 400 }).map(isoDay);
const goodScheduledDates = fc.array(fc.record({ date: futureDay, time: hhmm }), {
  minLength: 1,
  maxLength: 4,
});
const goodRecurring = fc.record(
  {
    start_date: fc.integer({ min: 0, max: 30 }).map(isoDay),
    end_date: fc.integer({ min: 31, max: 200 }).map(isoDay),
    frequency: fc.constantFrom("daily", "weekly", "monthly", "yearly"),
    interval: fc.integer({ min: 1, max: 12 }),
    times: fc.uniqueArray(hhmm, { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ["end_date", "frequency", "times"] },
);
const goodCallbackUrl = fc.constantFrom(
  "https://hooks.example.com/sms",
  "https://example.com/a?b=c#d",
  "http://127.0.0.1:8787/hook",
  "http://localhost/hook",
  "https://xn--bcher-kva.example/hook",
  `https://example.com/${"x".repeat(2_048 - 20)}`,
);

const goodSchedule = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Record<string, unknown>>({}) },
  { weight: 2, arbitrary: fc.constant({ sending_type: "immediate" }) },
  {
    weight: 3,
    arbitrary: goodScheduledDates.map((scheduled_dates) => ({ sending_type: "scheduled", scheduled_dates })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        goodRecurring,
        fc.uniqueArray(fc.constantFrom("mon", "tue", "wed", "thu", "fri", "sat", "sun"), {
          minLength: 1,
          maxLength: 7,
        }),
      )
      .map(([schedule, days]) => ({
        sending_type: "recurring",
        recurring_schedule: schedule.frequency === "weekly" ? { ...schedule, days_of_week: days } : schedule,
      })),
  },
);

const validBody = fc
  .record(
    {
      to: fc.array(goodPhone, { minLength: 1, maxLength: 6 }),
      message: goodMessage,
      sender_id: fc.constantFrom("LISOLOO", "My Shop 24", "A", "+243998857000", "12345", "24 7 Pharma"),
      callback_url: goodCallbackUrl,
      validity_period: fc.oneof(fc.integer({ min: 60, max: 259_200 }), fc.constantFrom(60, 259_200)),
      transliterate: fc.boolean(),
      schedule: goodSchedule,
    },
    { requiredKeys: ["to", "message", "schedule"] },
  )
  .map(({ schedule, ...fields }): Record<string, unknown> => ({ ...fields, ...schedule }));

// —— mistakes: each a patch on the valid body (undefined removes a field) ————————————————————————————

const badPhone = fc.oneof(
  fc.constantFrom(
    "+",
    "++243998857000",
    "+2439988570001234",
    "abc",
    "+243-99x",
    "٣٤٥٦٧٨",
    "+243998857000\ud800",
    "0x10",
    "",
  ),
  digits(16, 20),
  junk,
);
const badDate = fc.oneof(
  fc.integer({ min: -4000, max: -2 }).map(isoDay),
  fc.constantFrom(
    "2026-02-30",
    "2027-02-29",
    "275760-09-13",
    "0000-01-01",
    "9999-12-31",
    "01/06/2026",
    "2026-6-1",
    "2026-06-01T08:00:00Z",
    "",
  ),
  junk,
);
const badTime = fc.oneof(fc.constantFrom("24:00", "8:00", "08:60", "08:00:00", "08h00", ""), junk);

const mistakes: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  to: fc.oneof(
    fc.constant({ to: undefined }),
    junk.map((to) => ({ to })),
    fc
      .constantFrom(0, 1001)
      .map((n) => ({ to: Array.from({ length: n }, (_, i) => `+24381${String(i).padStart(7, "0")}`) })),
    fc
      .tuple(fc.array(goodPhone, { maxLength: 3 }), badPhone, fc.array(goodPhone, { maxLength: 3 }))
      .map(([a, bad, b]) => ({
        to: [...a, bad, ...b],
      })),
  ),
  message: fc.oneof(
    fc.constant({ message: undefined }),
    fc
      .constantFrom("", "x".repeat(1601), "😀".repeat(1601), "a\ud800b", "\udc00", "ok\ud83d")
      .map((message) => ({ message })),
    junk.map((message) => ({ message })),
  ),
  sender_id: fc
    .oneof(
      fc.constantFrom(
        "MY COMPANY LTD",
        "   ",
        "ABC_1",
        "+1234567890123456",
        "Société",
        "SHOP\ud800",
        "",
        null,
      ),
      junk,
    )
    .map((sender_id) => ({ sender_id })),
  sending_type: fc
    .constantFrom("IMMEDIATE", "", null, 5, "scheduled", "recurring", "later")
    .map((sending_type) => ({ sending_type, scheduled_dates: undefined, recurring_schedule: undefined })),
  scheduled_dates: fc
    .oneof(
      fc.constantFrom([], undefined),
      fc.array(fc.record({ date: fc.oneof(futureDay, badDate), time: fc.oneof(hhmm, badTime) }), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.array(fc.record({ date: futureDay, time: hhmm }), { minLength: 21, maxLength: 22 }),
      fc
        .tuple(futureDay, hhmm, fc.constantFrom("extra", "__proto__", "constructor"), junk)
        .map(([date, time, key, value]) => [{ date, time, [key]: value }]),
      junk,
    )
    .map((scheduled_dates) => ({
      sending_type: "scheduled",
      scheduled_dates,
      recurring_schedule: undefined,
    })),
  recurring_schedule: fc
    .oneof(
      goodRecurring.chain((schedule) =>
        fc.oneof(
          badDate.map((end_date) => ({ ...schedule, end_date })),
          badDate.map((start_date) => ({ ...schedule, start_date })),
          fc.constantFrom("hourly", "WEEKLY", "", 5).map((frequency) => ({ ...schedule, frequency })),
          fc.constantFrom(0, -1, 1.5, 1e9, "2", null).map((interval) => ({ ...schedule, interval })),
          fc
            .oneof(
              fc.constant([]),
              fc.array(badTime, { minLength: 1, maxLength: 2 }),
              fc.constant(["08:00", "08:00"]),
              junk,
            )
            .map((times) => ({ ...schedule, times })),
          fc
            .oneof(fc.constant([]), fc.constant(["mon", "mon"]), fc.constant(["monday"]), junk)
            .map((days_of_week) => ({ ...schedule, days_of_week })),
          fc.constant({ ...schedule, end_date: isoDay(3_000), frequency: "daily", interval: 1 }),
          fc
            .constantFrom("end_date", "frequency", "times")
            .map((field) => ({ ...schedule, [field]: undefined })),
          fc
            .tuple(fc.constantFrom("extra", "__proto__", "hourly"), junk)
            .map(([key, value]) => ({ ...schedule, [key]: value })),
        ),
      ),
      junk,
    )
    .map((recurring_schedule) => ({
      sending_type: "recurring",
      recurring_schedule,
      scheduled_dates: undefined,
    })),
  // The schedule field of another type, or both at once.
  combination: fc
    .tuple(
      fc.constantFrom("immediate", "scheduled", "recurring"),
      goodScheduledDates,
      goodRecurring,
      fc.nat(2),
    )
    .map(([sending_type, scheduled_dates, recurring_schedule, which]) => ({
      sending_type,
      scheduled_dates: which !== 1 || sending_type === "scheduled" ? scheduled_dates : undefined,
      recurring_schedule: which !== 0 || sending_type === "recurring" ? recurring_schedule : undefined,
    }))
    .filter((patch) => {
      const present = [patch.scheduled_dates, patch.recurring_schedule].filter((v) => v !== undefined).length;
      return present === 2 || patch.sending_type === "immediate";
    }),
  callback_url: fc
    .oneof(
      fc.constantFrom(
        "http://example.com/hook",
        "https://user:pass@example.com/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://printer.local/hook",
        "https://intranet/hook",
        "https://0x7f000001/hook",
        "https://2130706433/hook",
        "javascript:alert(1)",
        "ftp://example.com/x",
        "/relative/path",
        "https://",
        "https://bücher.example/hook",
        "https://example.com/\ud800",
        `https://example.com/${"x".repeat(2_049 - 20)}`,
        `https://example.com/${"x".repeat(200_000)}`,
        "",
      ),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      junk,
    )
    .map((callback_url) => ({ callback_url })),
  validity_period: fc
    .oneof(fc.constantFrom(59, 259_201, 0, -60, 60.5, 1e308, "3600", null), junk)
    .map((validity_period) => ({ validity_period })),
  transliterate: fc.constantFrom("true", 1, 0, null, "yes", []).map((transliterate) => ({ transliterate })),
  unknown: fc
    .tuple(
      fc.oneof(
        fc.constantFrom("recipients", "__proto__", "constructor", "toString", "Message", "to ", ""),
        fc.string({ maxLength: 8 }),
      ),
      junk,
    )
    .map(([key, value]) => ({ [key]: value })),
};

/** A valid body with up to three of its fields made wrong. */
const nearlyValid = fc
  .tuple(validBody, fc.uniqueArray(fc.constantFrom(...Object.keys(mistakes)), { minLength: 1, maxLength: 3 }))
  .chain(([body, fields]) =>
    fc
      .tuple(...fields.map((field) => mistakes[field] as fc.Arbitrary<Record<string, unknown>>))
      .map((patches) => {
        const out: Record<string, unknown> = { ...body };
        for (const patch of patches) {
          for (const [key, value] of Object.entries(patch)) {
            if (value === undefined) delete out[key];
            // defineProperty, so a "__proto__" key stays an own key, as JSON.parse makes it on the server.
            else
              Object.defineProperty(out, key, {
                value,
                enumerable: true,
                writable: true,
                configurable: true,
              });
          }
        }
        return out;
      }),
  );

/** Bodies that are not a JSON object, or not even JSON, or not UTF-8. */
const hostileRaw = fc.oneof(
  fc
    .constantFrom(
      "",
      "   ",
      "{",
      "[]",
      "null",
      "42",
      '"text"',
      "{'to':['+243998857000']}",
      '{"to":["+243998857000"],"message":"Hi",}',
      '{"to":["+243998857000"],"message":"Hi"}x',
      '{"to":["+243998857000"],"message":"\\ud800"}',
      '{"to":["+243998857000"],"message":"Hi","validity_period":1e400}',
      '{"to":["+243998857000"],"message":"Hi","message":""}',
      '{"to":["+243998857000"],"message":"Hi","__proto__":{"sending_type":"scheduled"}}',
    )
    .map((text) => ({ label: text, bytes: new TextEncoder().encode(text) })),
  fc
    .constantFrom(
      [0xff],
      [0x7b, 0xc0, 0xaf, 0x7d],
      [0xef, 0xbb, 0xbf, 0x7b, 0x7d],
      [0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d],
    )
    .map((bytes) => ({ label: `bytes ${bytes.join(" ")}`, bytes: new Uint8Array(bytes) })),
  // A valid body with one byte turned into something that is not UTF-8.
  fc.tuple(fc.nat(40), fc.constantFrom(0x80, 0xc0, 0xed, 0xf5, 0xff)).map(([at, byte]) => {
    const bytes = new TextEncoder().encode('{"to":["+243998857000"],"message":"Bonjour"}');
    bytes[at % bytes.length] = byte;
    return { label: `byte ${byte} at ${at % bytes.length} of a valid body`, bytes };
  }),
);

/** Every kind of body: a third valid, half nearly valid, the rest hostile. */
export const sendBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  { weight: 6, arbitrary: validBody.map((value): FuzzBody => ({ kind: "json", value })) },
  { weight: 9, arbitrary: nearlyValid.map((value): FuzzBody => ({ kind: "json", value })) },
  { weight: 1, arbitrary: junk.map((value): FuzzBody => ({ kind: "json", value })) },
  { weight: 2, arbitrary: hostileRaw.map(({ label, bytes }): FuzzBody => ({ kind: "raw", bytes, label })) },
);
