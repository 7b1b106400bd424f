import { errorEnvelopeSchema } from "@lisoloo/protocol";
import { describe, expect, it } from "vitest";
import { generateApiKey } from "../src/auth/key-format";
import { api, BASE, call, newMerchant } from "./helpers";

type Detail = { field: string; message: string; code: string };
type Answer = { status: number; body: unknown; headers: Headers };
const FRENCH = { "accept-language": "fr-FR,fr;q=0.9,en;q=0.8" };

/** A `/send` with a fresh merchant (options as for `newMerchant`), asked for in French. */
async function sendInFrench(body: unknown, options: Parameters<typeof newMerchant>[0] = {}): Promise<Answer> {
  const { apiKey } = await newMerchant(options);
  return api(apiKey, "POST", "/send", body, FRENCH);
}

async function rawInFrench(headers: Record<string, string>, raw?: string): Promise<Answer> {
  const res = await call(`${BASE}/send`, {
    method: "POST",
    headers: { ...FRENCH, ...headers },
    body: raw === undefined ? undefined : new TextEncoder().encode(raw),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const valid = { to: ["+243998857000"], message: "Bonjour" };

/** A request in French about a send just accepted for a fresh merchant. */
async function aboutNewSend(method: string, path: (id: string) => string): Promise<Answer> {
  const { apiKey } = await newMerchant();
  const sent = await api(apiKey, "POST", "/send", valid);
  return api(apiKey, method, path(sent.body.data.message_id), undefined, FRENCH);
}

describe("Accept-Language: fr translates the message and every detail", () => {
  it.each<[string, () => Promise<Answer>, number, string, string, Detail[] | null]>([
    [
      "several findings in one body",
      () => sendInFrench({ to: ["abc"], message: "", sender_id: "THIS-IS-TOO-LONG", extra: 1 }),
      400,
      "1104",
      "Numéro de téléphone invalide",
      [
        { field: "to[0]", message: "Doit respecter ^\\+?\\d{1,15}$", code: "INVALID_PHONE_NUMBER" },
        { field: "message", message: "Ne doit pas être vide", code: "INVALID_FIELD_FORMAT" },
        {
          field: "sender_id",
          message:
            "Doit compter de 1 à 11 lettres, chiffres ou espaces dont au moins une lettre, ou +? et 1 à 15 chiffres",
          code: "INVALID_SENDER_ID",
        },
        { field: "extra", message: 'Champ inconnu "extra"', code: "INVALID_FIELD_FORMAT" },
      ],
    ],
    [
      "a missing field",
      () => sendInFrench({ to: valid.to }),
      400,
      "1109",
      "Champ obligatoire manquant",
      [{ field: "message", message: "Obligatoire", code: "MISSING_REQUIRED_FIELD" }],
    ],
    [
      "a schedule in the past",
      () =>
        sendInFrench({
          ...valid,
          sending_type: "scheduled",
          scheduled_dates: [{ date: "2020-01-01", time: "08:00" }],
        }),
      400,
      "1103",
      "Planification invalide",
      [
        {
          field: "scheduled_dates[0]",
          message: "Doit être postérieur à maintenant, dans le fuseau Africa/Kinshasa",
          code: "INVALID_SCHEDULE",
        },
      ],
    ],
    [
      "a private callback URL",
      () => sendInFrench({ ...valid, callback_url: "https://10.0.0.1/hook" }),
      400,
      "1105",
      "URL de rappel invalide",
      [
        {
          field: "callback_url",
          message: "L'hôte 10.0.0.1 de l'URL est une adresse de réseau privé (10.0.0.0/8)",
          code: "INVALID_CALLBACK_URL",
        },
      ],
    ],
    [
      "a destination outside the allow-list",
      () => sendInFrench({ ...valid, to: ["+33612345678"] }, { allowed_countries: ["CD"] }),
      403,
      "1305",
      "Pays de destination non autorisé",
      [
        {
          field: "to[0]",
          message: "Destination +33612345678 non autorisée",
          code: "DESTINATION_NOT_ALLOWED",
        },
      ],
    ],
    [
      "an Idempotency-Key too long",
      async () => {
        const { apiKey } = await newMerchant();
        return api(apiKey, "POST", "/send", valid, { ...FRENCH, "idempotency-key": "k".repeat(256) });
      },
      400,
      "1110",
      "Format de champ invalide",
      [
        {
          field: "Idempotency-Key",
          message: "Doit compter de 1 à 255 caractères ASCII imprimables",
          code: "INVALID_FIELD_FORMAT",
        },
      ],
    ],
    [
      "a wrong Content-Type",
      async () =>
        rawInFrench({ "app-key": (await newMerchant()).apiKey, "content-type": "text/plain" }, "{}"),
      400,
      "1106",
      "Le Content-Type doit être application/json",
      [
        {
          field: "Content-Type",
          message: 'Doit être application/json, reçu "text/plain"',
          code: "INVALID_JSON",
        },
      ],
    ],
    [
      "a body that is not JSON",
      async () =>
        rawInFrench({ "app-key": (await newMerchant()).apiKey, "content-type": "application/json" }, "{nope"),
      400,
      "1106",
      "Le corps de la requête n'est pas du JSON valide",
      [
        {
          field: "body",
          message: "Le corps n'est pas du JSON valide (ligne 1, colonne 2)",
          code: "INVALID_JSON",
        },
      ],
    ],
    [
      "a body that is not an object",
      async () =>
        rawInFrench({ "app-key": (await newMerchant()).apiKey, "content-type": "application/json" }, "[]"),
      400,
      "1106",
      "Le corps de la requête doit être un objet JSON",
      [{ field: "body", message: "Doit être un objet JSON, reçu un tableau", code: "INVALID_JSON" }],
    ],
    [
      "a short balance",
      () =>
        sendInFrench(
          { to: ["+243998857000", "+243998857001"], message: "Hi" },
          { wallets: { LISOLOO_SMS: 0.03 } },
        ),
      402,
      "1202",
      "Solde insuffisant",
      [
        {
          field: "total_cost",
          message: "Il faut 0.04 USD, solde disponible 0.03 USD",
          code: "INSUFFICIENT_BALANCE",
        },
      ],
    ],
    [
      "a page limit out of range",
      () => aboutNewSend("GET", (id) => `/status/${id}/recipients?limit=0`),
      400,
      "1110",
      "Format de champ invalide",
      [{ field: "limit", message: "Doit être un entier de 1 à 1000", code: "INVALID_FIELD_FORMAT" }],
    ],
    [
      "resuming a message that is not paused",
      () => aboutNewSend("POST", (id) => `/resume/${id}`),
      409,
      "1204",
      "Le message n'est pas en pause",
      null,
    ],
    [
      "a missing app-key",
      () => rawInFrench({}),
      401,
      "1001",
      "app-key manquante ou invalide",
      [{ field: "app-key", message: "L'en-tête app-key est absent", code: "INVALID_APP_KEY" }],
    ],
    [
      "a mistyped app-key",
      () => rawInFrench({ "app-key": `${generateApiKey("sandbox").slice(0, -6)}000000` }),
      401,
      "1001",
      "app-key manquante ou invalide",
      [
        {
          field: "app-key",
          message:
            "Clé mal formée : sa somme de contrôle ne correspond pas, un caractère a donc été mal saisi ou modifié",
          code: "INVALID_APP_KEY",
        },
      ],
    ],
    [
      "an app-key of the other environment",
      () => rawInFrench({ "app-key": generateApiKey("production") }),
      401,
      "1001",
      "app-key manquante ou invalide",
      [
        {
          field: "app-key",
          message:
            "Clé de production (sk_live_) : ce déploiement sert le sandbox et n'accepte que les clés sk_test_",
          code: "INVALID_APP_KEY",
        },
      ],
    ],
    [
      "an app-key nobody issued",
      () => rawInFrench({ "app-key": generateApiKey("sandbox") }),
      401,
      "1001",
      "app-key manquante ou invalide",
      [
        {
          field: "app-key",
          message: "Clé refusée : elle est inconnue ici, ou elle a été révoquée ou régénérée",
          code: "INVALID_APP_KEY",
        },
      ],
    ],
  ])("%s", async (_label, request, status, code, message, details) => {
    const res = await request();
    expect(res.status).toBe(status);
    expect(errorEnvelopeSchema.parse(res.body)).toMatchObject({
      status_code: status,
      error_code: code,
      message,
      detail: message,
      details,
    });
    expect(res.headers.get("content-language")).toBe("fr");
  });
});

describe("the language is negotiated like the top message always was", () => {
  const english = {
    message: "Missing or invalid app-key",
    detail: "The app-key header is missing",
    lang: "en",
  };
  const french = {
    message: "app-key manquante ou invalide",
    detail: "L'en-tête app-key est absent",
    lang: "fr",
  };
  it.each([
    ["no header", undefined, english],
    ["fr", "fr", french],
    ["fr-CD", "fr-CD", french],
    ["fr-FR,fr;q=0.9", "fr-FR,fr;q=0.9", french],
    ["English first", "en-US,en;q=0.9,fr;q=0.8", english],
    ["French preferred by weight", "en;q=0.5, fr", french],
    ["French as the only one spoken", "de-DE, fr;q=0.7", french],
    ["French refused", "fr;q=0, de", english],
    ["only unsupported languages", "de, *", english],
  ])("%s", async (_label, acceptLanguage, expected) => {
    const res = await call(`${BASE}/balance`, {
      headers: acceptLanguage === undefined ? {} : { "accept-language": acceptLanguage },
    });
    const body = errorEnvelopeSchema.parse(await res.json());
    expect(body.message).toBe(expected.message);
    expect(body.details?.[0]?.message).toBe(expected.detail);
    expect(res.headers.get("content-language")).toBe(expected.lang);
  });
});
