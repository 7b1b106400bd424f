/**
 * Abandons a dispatcher's attempts that outlive their timeout, with ONE timer for all of them: armed
 * for the earliest deadline, moved only when an earlier one comes, cleared once no attempt is left.
 * A timer set and cleared per request costs more than a quick receiver's whole answer takes to read,
 * and thousands of attempts a second go through here; nothing stays pending once the attempts are
 * over, so an idle Durable Object is not held busy by a timer (as `AbortSignal.timeout` would).
 *
 * @example
 * const deadlines = new AttemptDeadlines();
 * const watch = deadlines.watch(10_000);
 * try { await fetch(url, { signal: watch.signal }); } finally { watch.done(); }
 */
export class AttemptDeadlines {
  private readonly live = new Set<Watched>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Number.POSITIVE_INFINITY;

  /** Attempts being watched: for tests. */
  get watching(): number {
    return this.live.size;
  }

  /**
   * Watches one attempt: its signal aborts `timeoutMs` from now unless `done` is called first.
   * Call `done` once the attempt is over, whatever its outcome.
   */
  watch(timeoutMs: number): { signal: AbortSignal; done: () => void } {
    const watched: Watched = { at: Date.now() + timeoutMs, controller: new AbortController() };
    this.live.add(watched);
    if (watched.at < this.timerAt) this.arm(watched.at);
    return {
      signal: watched.controller.signal,
      done: () => {
        this.live.delete(watched);
        if (this.live.size === 0) this.disarm();
      },
    };
  }

  private arm(at: number): void {
    this.disarm();
    this.timerAt = at;
    this.timer = setTimeout(() => this.expire(at), Math.max(0, at - Date.now()));
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** The timer armed for `firedFor` went off: aborts every attempt due by then, re-arms for the next. */
  private expire(firedFor: number): void {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    // The runtime's clock may read a hair before the instant the timer was armed for.
    const now = Math.max(Date.now(), firedFor);
    let next = Number.POSITIVE_INFINITY;
    for (const watched of this.live) {
      if (watched.at <= now) {
        this.live.delete(watched);
        watched.controller.abort();
      } else if (watched.at < next) next = watched.at;
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}

type Watched = { at: number; controller: AbortController };
