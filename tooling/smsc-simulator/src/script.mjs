// The scripted behaviour: a global rule, rules per destination prefix, one-shot counters and the
// connection faults. Pure bookkeeping; the session code asks it what to do and does it.

/**
 * @typedef {import("./types.js").MessageRule} MessageRule
 * @typedef {import("./types.js").ScriptInput} ScriptInput
 * @typedef {import("./types.js").ScriptView} ScriptView
 * @typedef {import("./types.js").ReceiptStat} ReceiptStat
 * @typedef {import("./types.js").IdFormat} IdFormat
 * @typedef {{ status: number, remaining: number }} Failure
 * @typedef {{ settings: MessageRule, failures: Failure[] }} Rule
 * @typedef {{
 *   receipt: ReceiptStat[], receiptDelayMs: number, receiptForm: import("./types.js").ReceiptForm,
 *   receiptCopies: number, receiptBeforeResp: boolean, receiptIdFormat: import("./types.js").ReceiptIdFormat,
 *   receiptErr: string | null, submitStatus: number, submitRespDelayMs: number, answerSubmits: boolean,
 *   maxSubmitsPerSecond: number | null,
 * }} EffectiveRule
 * @typedef {{ receiptDelayMs: number, idFormat: IdFormat, resendUnacknowledged: boolean }} ScriptDefaults
 * @typedef {import("./types.js").FaultState} FaultState
 */

export const ESME_RTHROTTLED = 0x58;
export const ESME_RMSGQFUL = 0x14;
export const ESME_RBINDFAIL = 0x0d;

export const RECEIPT_STATS = /** @type {const} */ ([
  "DELIVRD",
  "UNDELIV",
  "EXPIRED",
  "REJECTD",
  "DELETED",
  "UNKNOWN",
  "ACCEPTD",
  "ENROUTE",
]);

/** Thrown for a script that names an unknown setting or gives a bad value (the control API answers 400). */
export class ScriptError extends Error {}

/** @param {string} key @param {unknown} value */
const fail = (key, value) => new ScriptError(`${key}: invalid value ${JSON.stringify(value)}`);

/** @param {string} key @param {unknown} value */
function count(key, value) {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) throw fail(key, value);
  return value;
}

/** @param {string} key @param {unknown} value */
function status(key, value) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw fail(key, value);
  return value;
}

/** @param {string} key @param {unknown} value */
function flag(key, value) {
  if (typeof value !== "boolean") throw fail(key, value);
  return value;
}

/** @param {readonly string[]} allowed */
const oneOf = (allowed) => /** @param {string} key @param {unknown} value */ (key, value) => {
  if (typeof value !== "string" || !allowed.includes(value)) throw fail(key, value);
  return value;
};

/** @param {string} key @param {unknown} value */
function receipt(key, value) {
  if (value === "none") return value;
  const list = Array.isArray(value) ? value : [value];
  for (const stat of list) if (!RECEIPT_STATS.includes(stat)) throw fail(key, value);
  return value;
}

/** @param {string} key @param {unknown} value */
function atLeastOne(key, value) {
  if (count(key, value) < 1) throw fail(key, value);
  return value;
}

/** @param {string} key @param {unknown} value */
function errCode(key, value) {
  if (typeof value !== "string" || !/^\d{3}$/.test(value)) throw fail(key, value);
  return value;
}

/** @type {Record<keyof MessageRule, (key: string, value: unknown) => unknown>} */
const RULE_SETTINGS = {
  receipt,
  receiptDelayMs: count,
  receiptForm: oneOf(["text", "tlv", "both"]),
  receiptCopies: count,
  receiptBeforeResp: flag,
  receiptIdFormat: oneOf(["same", "other", "decimal", "hex"]),
  receiptErr: errCode,
  submitStatus: status,
  submitRespDelayMs: count,
  answerSubmits: flag,
  maxSubmitsPerSecond: atLeastOne,
};

const COUNTERS = ["throttleNext", "queueFullNext", "failNext"];

const FAULTS = [
  "dropAfterSubmits",
  "dropUnanswered",
  "refuseBinds",
  "refuseBindsForMs",
  "bindRefusalStatus",
  "silentBinds",
  "resendUnacknowledged",
  "idFormat",
];

/** @param {string} destination */
const normalize = (destination) => destination.replace(/^\+/, "");

/** @returns {Rule} */
const emptyRule = () => ({ settings: {}, failures: [] });

export class ScriptBook {
  /** @type {Rule} */
  global = emptyRule();
  /** @type {Map<string, Rule>} */
  destinations = new Map();

  /** @param {ScriptDefaults} defaults */
  constructor(defaults) {
    this.defaults = defaults;
    /** @type {FaultState} */
    this.faults = this.#noFaults();
  }

  /** Back to the start options: no rules, no counters, no faults. */
  clear() {
    this.global = emptyRule();
    this.destinations = new Map();
    this.faults = this.#noFaults();
  }

  /** @returns {FaultState} */
  #noFaults() {
    return {
      dropAfterSubmits: null,
      dropUnanswered: 1,
      dropSeen: 0,
      refuseBinds: 0,
      refuseBindsUntil: 0,
      bindRefusalStatus: ESME_RBINDFAIL,
      silentBinds: 0,
      resendUnacknowledged: this.defaults.resendUnacknowledged,
      idFormat: this.defaults.idFormat,
    };
  }

  /**
   * Validates a whole input, then applies it (nothing changes when any part is invalid).
   * @param {ScriptInput | ScriptInput[]} input
   */
  apply(input) {
    const inputs = Array.isArray(input) ? input : [input];
    for (const one of inputs) this.#validate(one);
    for (const one of inputs) this.#apply(one);
  }

  /** @param {ScriptInput} input */
  #validate(input) {
    if (typeof input !== "object" || input === null || Array.isArray(input))
      throw new ScriptError("a script is an object");
    const { destination, ...settings } = input;
    const destinations = destination === undefined ? [] : [destination].flat();
    for (const d of destinations)
      if (typeof d !== "string" || normalize(d) === "") throw fail("destination", destination);
    for (const [key, value] of Object.entries(settings)) {
      if (key in RULE_SETTINGS) {
        if (value !== null) RULE_SETTINGS[/** @type {keyof MessageRule} */ (key)](key, value);
      } else if (COUNTERS.includes(key)) {
        if (key === "failNext") {
          const failNext = /** @type {{ count?: unknown, status?: unknown }} */ (value ?? {});
          count("failNext.count", failNext.count);
          status("failNext.status", failNext.status);
        } else count(key, value);
      } else if (FAULTS.includes(key)) {
        if (destinations.length > 0)
          throw new ScriptError(`${key} applies to the whole SMSC, not a destination`);
        if (value === null) continue;
        if (key === "resendUnacknowledged") flag(key, value);
        else if (key === "idFormat") oneOf(["decimal", "hex"])(key, value);
        else if (key === "bindRefusalStatus") status(key, value);
        else count(key, value);
      } else {
        throw new ScriptError(`unknown setting ${JSON.stringify(key)}`);
      }
    }
  }

  /** @param {ScriptInput} input */
  #apply(input) {
    const { destination, throttleNext, queueFullNext, failNext, ...rest } = input;
    const destinations = destination === undefined ? [] : [destination].flat().map(normalize);
    const rules = destinations.length === 0 ? [this.global] : destinations.map((d) => this.#ruleFor(d));
    for (const rule of rules) {
      for (const [key, value] of Object.entries(rest)) {
        if (!(key in RULE_SETTINGS)) continue;
        const settings = /** @type {Record<string, unknown>} */ (rule.settings);
        if (value === null) delete settings[key];
        else settings[key] = value;
      }
      if (throttleNext) rule.failures.push({ status: ESME_RTHROTTLED, remaining: throttleNext });
      if (queueFullNext) rule.failures.push({ status: ESME_RMSGQFUL, remaining: queueFullNext });
      if (failNext?.count) rule.failures.push({ status: failNext.status, remaining: failNext.count });
    }
    if (destinations.length === 0) this.#applyFaults(rest);
  }

  /** @param {import("./types.js").Faults} input */
  #applyFaults(input) {
    const f = this.faults;
    if ("dropAfterSubmits" in input) {
      f.dropAfterSubmits = input.dropAfterSubmits || null;
      f.dropSeen = 0;
    }
    if ("dropUnanswered" in input) f.dropUnanswered = input.dropUnanswered ?? 1;
    if ("refuseBinds" in input) f.refuseBinds = input.refuseBinds ?? 0;
    if ("refuseBindsForMs" in input) f.refuseBindsUntil = Date.now() + (input.refuseBindsForMs ?? 0);
    if ("bindRefusalStatus" in input) f.bindRefusalStatus = input.bindRefusalStatus ?? ESME_RBINDFAIL;
    if ("silentBinds" in input) f.silentBinds = input.silentBinds ?? 0;
    if ("resendUnacknowledged" in input)
      f.resendUnacknowledged = input.resendUnacknowledged ?? this.defaults.resendUnacknowledged;
    if ("idFormat" in input) f.idFormat = input.idFormat ?? this.defaults.idFormat;
  }

  /** @param {string} destination */
  #ruleFor(destination) {
    let rule = this.destinations.get(destination);
    if (!rule) {
      rule = emptyRule();
      this.destinations.set(destination, rule);
    }
    return rule;
  }

  /**
   * The rule for a destination_addr: the longest matching prefix over the global rule over the
   * defaults, and the counter to draw a one-shot failure from.
   * @param {string} destinationAddr
   * @returns {{ rule: EffectiveRule, takeFailure: () => number | null }}
   */
  resolve(destinationAddr) {
    const address = normalize(destinationAddr);
    /** @type {[string, Rule] | null} */
    let match = null;
    for (const [prefix, rule] of this.destinations)
      if (address.startsWith(prefix) && (match === null || prefix.length > match[0].length))
        match = [prefix, rule];
    const specific = match?.[1];
    const merged = { ...this.global.settings, ...specific?.settings };
    const stats = merged.receipt ?? "DELIVRD";
    /** @type {EffectiveRule} */
    const rule = {
      receipt: stats === "none" ? [] : [stats].flat(),
      receiptDelayMs: merged.receiptDelayMs ?? this.defaults.receiptDelayMs,
      receiptForm: merged.receiptForm ?? "both",
      receiptCopies: merged.receiptCopies ?? 1,
      receiptBeforeResp: merged.receiptBeforeResp ?? false,
      receiptIdFormat: merged.receiptIdFormat ?? "same",
      receiptErr: merged.receiptErr ?? null,
      submitStatus: merged.submitStatus ?? 0,
      submitRespDelayMs: merged.submitRespDelayMs ?? 0,
      answerSubmits: merged.answerSubmits ?? true,
      maxSubmitsPerSecond: merged.maxSubmitsPerSecond ?? null,
    };
    const takeFailure = () => {
      for (const queue of [specific?.failures, this.global.failures]) {
        const next = queue?.[0];
        if (!queue || !next) continue;
        if (--next.remaining === 0) queue.shift();
        return next.status;
      }
      return null;
    };
    return { rule, takeFailure };
  }

  /**
   * Counts a submit against a scripted drop: whether to hold its answer and whether to drop the
   * connection once it is handled.
   * @returns {{ hold: boolean, drop: boolean }}
   */
  noteSubmit() {
    const f = this.faults;
    if (f.dropAfterSubmits === null) return { hold: false, drop: false };
    f.dropSeen++;
    const unanswered = Math.min(f.dropUnanswered, f.dropAfterSubmits);
    const hold = f.dropSeen > f.dropAfterSubmits - unanswered;
    const drop = f.dropSeen >= f.dropAfterSubmits;
    if (drop) {
      f.dropAfterSubmits = null;
      f.dropSeen = 0;
    }
    return { hold, drop };
  }

  /**
   * What to do with a bind that passed the credentials check.
   * @returns {{ refuse: number | null, silent: boolean }}
   */
  noteBind() {
    const f = this.faults;
    if (f.refuseBinds > 0) {
      f.refuseBinds--;
      return { refuse: f.bindRefusalStatus, silent: false };
    }
    if (Date.now() < f.refuseBindsUntil) return { refuse: f.bindRefusalStatus, silent: false };
    if (f.silentBinds > 0) {
      f.silentBinds--;
      return { refuse: null, silent: true };
    }
    return { refuse: null, silent: false };
  }

  /** @returns {ScriptView} */
  view() {
    /** @param {Rule} rule */
    const show = (rule) => ({ ...rule.settings, failures: rule.failures.map((f) => ({ ...f })) });
    return {
      global: show(this.global),
      destinations: Object.fromEntries([...this.destinations].map(([d, rule]) => [d, show(rule)])),
      faults: { ...this.faults },
    };
  }
}
