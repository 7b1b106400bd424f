/**
 * Group commit for a call that concurrent requests of one isolate make to the same place (a shard's
 * D1, for the accept of `POST /send`). A request that finds no such call in flight makes its own at
 * once: a lone request waits for nothing. While one is in flight, the requests that come wait for it,
 * and then one of them makes a single call for all of them. Under load one D1 transaction then serves
 * several requests instead of each paying a round trip of its own (locally each round trip is a
 * request to another Worker on the same thread, with its JSON both ways: most of what a one-recipient
 * send costs).
 *
 * Waiting across requests is done the one way the runtime supports. A call is made in the context of
 * a request that waits for it and is held by that request's `waitUntil` (`keepAlive`), so a client
 * that hangs up does not cancel a call that carries others' items. A waiting request follows the
 * promise of the call in flight, or of the call that carries its item: the runtime counts that as
 * something the request waits on and resumes it in its own context. Waiting instead for its own
 * promise to be settled by another request looks to the runtime like waiting on nothing, and it
 * cancels such a request as hung (150 concurrent sends in test/accept-batches.test.ts show it).
 * A request cancelled while it waits (its client gone) leaves its item to the next call, which
 * commits it as the request would have; what would have followed in that request is then the sweeps'.
 */
export class CallCombiner<Item, Result> {
  private readonly waiting: Member<Item, Result>[] = [];
  private inFlight: Promise<void> | null = null;

  /**
   * @param call makes one call for a group of items and returns each item's share, in order; a failure
   *   that concerns the whole group may simply throw.
   * @param limit a group weighs at most `maxWeight` (`weight` of each item, 1 by default); an item that
   *   weighs more goes alone. A call not over after `lostAfterMs` (default `callLostAfterMs`) is taken
   *   for lost.
   */
  constructor(
    private readonly call: (items: Item[]) => Promise<PromiseSettledResult<Result>[]>,
    private readonly limit: { maxWeight: number; weight?: (item: Item) => number; lostAfterMs?: number },
  ) {}

  /** The item's share of the call that carries it. */
  async submit(item: Item, keepAlive: (call: Promise<unknown>) => void): Promise<Result> {
    let settle!: Pick<Member<Item, Result>, "resolve" | "reject">;
    const promise = new Promise<Result>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // The caller gets the rejection; until it awaits, the promise is not an unhandled one.
    promise.catch(() => undefined);
    const member: Member<Item, Result> = { item, promise, ...settle, carrier: null };
    this.waiting.push(member);
    while (member.carrier === null) {
      const flight = this.inFlight;
      if (flight === null) this.launch(keepAlive);
      // A call whose request died with it (its invocation cancelled) never ends: the first waiter to
      // give up on it lets the next call go, or every later request of the isolate would wait behind it.
      else if (!(await this.endsInTime(flight)) && this.inFlight === flight) this.inFlight = null;
    }
    // Wait for the call that carries this item by following it, not by waiting for this request's own
    // promise to be settled from another: only the first counts, for the runtime, as something this
    // request waits on, and a request that seems to wait on nothing is cancelled as hung.
    if (!(await this.endsInTime(member.carrier))) throw new LostCallError();
    return promise;
  }

  /** Whether `flight` ends within the time a call may take; waited for in the caller's own context. */
  private endsInTime(flight: Promise<void>): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), this.limit.lostAfterMs ?? callLostAfterMs);
      void flight.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** One call for the longest-waiting members, as many as the weight allows (this request's among them, unless it is full). */
  private launch(keepAlive: (call: Promise<unknown>) => void): void {
    const group = this.takeGroup();
    const flight = this.call(group.map((member) => member.item)).then(
      (results) => {
        group.forEach((member, i) => {
          const result = results[i];
          if (result === undefined)
            member.reject(new Error("The combined call gave no result for this item"));
          else if (result.status === "fulfilled") member.resolve(result.value);
          else member.reject(result.reason);
        });
      },
      (error: unknown) => {
        for (const member of group) member.reject(error);
      },
    );
    const done = flight.finally(() => {
      if (this.inFlight === done) this.inFlight = null;
    });
    for (const member of group) member.carrier = done;
    this.inFlight = done;
    keepAlive(done);
  }

  private takeGroup(): Member<Item, Result>[] {
    const weigh = this.limit.weight ?? (() => 1);
    let weight = 0;
    let count = 0;
    for (const member of this.waiting) {
      weight += weigh(member.item);
      if (count > 0 && weight > this.limit.maxWeight) break;
      count++;
    }
    return this.waiting.splice(0, count);
  }
}

/**
 * How long a combined call may take before the requests waiting for it give up on it. A D1 statement
 * is stopped after 30 s; a call still going after twice that belongs to a request that died with it.
 */
export const callLostAfterMs = 60_000;

/** The call that carried this item was lost: whether it took effect is unknown, as after a timeout. */
export class LostCallError extends Error {
  constructor() {
    super("The combined call carrying this item did not end in time");
    this.name = "LostCallError";
  }
}

type Member<Item, Result> = {
  item: Item;
  promise: Promise<Result>;
  resolve: (value: Result) => void;
  reject: (reason: unknown) => void;
  /** The call that carries the item, once one does; it settles after the item's share is settled. */
  carrier: Promise<void> | null;
};

/** A promise's outcome as a value, for a combined call's per-item results. */
export const settled = <T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> =>
  promise.then(
    (value) => ({ status: "fulfilled", value }),
    (reason: unknown) => ({ status: "rejected", reason }),
  );
