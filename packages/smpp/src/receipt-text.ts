/**
 * The eight `stat:` words of SMPP 3.4 Appendix B, which are also the names of the message_state
 * values 1–8.
 */
export const receiptStats = [
  "ENROUTE",
  "DELIVRD",
  "EXPIRED",
  "DELETED",
  "UNDELIV",
  "ACCEPTD",
  "UNKNOWN",
  "REJECTD",
] as const;

/** A `stat:` word of a delivery receipt. */
export type ReceiptStat = (typeof receiptStats)[number];

/** The fields of a receipt's text, as written (trimmed); null when absent. */
export interface ReceiptTextFields {
  id: string | null;
  sub: string | null;
  dlvrd: string | null;
  /** YYMMDDhhmm (some SMSCs add seconds). */
  submitDate: string | null;
  doneDate: string | null;
  /** The word as written; {@link normalizeStat} reads it. */
  stat: string | null;
  err: string | null;
  text: string | null;
}

// A key starts the text or follows whitespace, so "id:" never matches inside another word.
const KEY = /(?:^|\s)(id|sub|dlvrd|submit[\s_]*date|done[\s_]*date|stat|err|text)\s*:/gi;

const fieldOfKey: Record<string, keyof ReceiptTextFields> = {
  id: "id",
  sub: "sub",
  dlvrd: "dlvrd",
  submitdate: "submitDate",
  donedate: "doneDate",
  stat: "stat",
  err: "err",
  text: "text",
};

// Long forms some SMSCs write instead of the seven-letter words.
const statAliases: Record<string, ReceiptStat> = {
  DELIVERED: "DELIVRD",
  UNDELIVERED: "UNDELIV",
  UNDELIVERABLE: "UNDELIV",
  ACCEPTED: "ACCEPTD",
  REJECTED: "REJECTD",
};

/**
 * The fields of a delivery receipt's text (`id:… sub:… dlvrd:… submit date:… done date:… stat:…
 * err:… text:…`). Keys are read whatever their case and spacing (`Submit_Date :`), in any order,
 * and a missing one is null. A value runs to the next key, except `text:`, which runs to the end:
 * it quotes the message, which may itself contain "stat:".
 * @example parseReceiptText("id:0A1B sub:001 dlvrd:001 submit date:2606010800 done date:2606010801 stat:DELIVRD err:000 text:Mbote")
 * // { id: "0A1B", sub: "001", dlvrd: "001", submitDate: "2606010800", doneDate: "2606010801",
 * //   stat: "DELIVRD", err: "000", text: "Mbote" }
 * @example parseReceiptText("ID:42 STAT:undeliv").stat // "undeliv" (normalizeStat gives "UNDELIV")
 */
export function parseReceiptText(text: string): ReceiptTextFields {
  const fields: ReceiptTextFields = {
    id: null,
    sub: null,
    dlvrd: null,
    submitDate: null,
    doneDate: null,
    stat: null,
    err: null,
    text: null,
  };
  const keys = [...text.matchAll(KEY)];
  for (let k = 0; k < keys.length; k++) {
    const match = keys[k] as RegExpExecArray;
    const field = fieldOfKey[
      (match[1] as string).toLowerCase().replace(/[\s_]/g, "")
    ] as keyof ReceiptTextFields;
    const start = match.index + match[0].length;
    const isText = field === "text";
    const end = isText ? text.length : (keys[k + 1]?.index ?? text.length);
    if (fields[field] === null) fields[field] = text.slice(start, end).trim();
    if (isText) break;
  }
  return fields;
}

/**
 * The {@link ReceiptStat} a `stat:` word means, whatever its case, or null for a word the spec
 * does not have. `DELIVERED`, `UNDELIVERED`, `UNDELIVERABLE`, `ACCEPTED` and `REJECTED`, which some
 * SMSCs write, are read as the spec's words.
 * @example normalizeStat(" delivrd ") // "DELIVRD"
 * @example normalizeStat("Delivered") // "DELIVRD"
 * @example normalizeStat("SENT") // null
 */
export function normalizeStat(word: string | null | undefined): ReceiptStat | null {
  if (word === null || word === undefined) return null;
  const upper = word.trim().toUpperCase();
  if ((receiptStats as readonly string[]).includes(upper)) return upper as ReceiptStat;
  return statAliases[upper] ?? null;
}

/** What {@link formatReceiptText} writes; `sub`, `dlvrd`, `err` and `text` have defaults. */
export interface ReceiptTextInit {
  id: string;
  stat: ReceiptStat;
  sub?: string;
  dlvrd?: string;
  /** A Date is written in UTC as YYMMDDhhmm; a string as given. */
  submitDate: Date | string;
  doneDate: Date | string;
  err?: string;
  text?: string;
}

/**
 * A receipt text in the Appendix B format, as an SMSC (or a simulator) writes it. `dlvrd` defaults
 * to 001 for DELIVRD and 000 otherwise, `sub` to 001, `err` to 000, `text` to "".
 * @example formatReceiptText({ id: "42", stat: "DELIVRD", submitDate: new Date("2026-06-01T08:00:00Z"), doneDate: new Date("2026-06-01T08:00:05Z") })
 * // "id:42 sub:001 dlvrd:001 submit date:2606010800 done date:2606010800 stat:DELIVRD err:000 text:"
 */
export function formatReceiptText(init: ReceiptTextInit): string {
  const dlvrd = init.dlvrd ?? (init.stat === "DELIVRD" ? "001" : "000");
  const submitDate = receiptDate(init.submitDate);
  const doneDate = receiptDate(init.doneDate);
  return (
    `id:${init.id} sub:${init.sub ?? "001"} dlvrd:${dlvrd} submit date:${submitDate} ` +
    `done date:${doneDate} stat:${init.stat} err:${init.err ?? "000"} text:${init.text ?? ""}`
  );
}

function receiptDate(date: Date | string): string {
  if (typeof date === "string") return date;
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes())
  );
}
