/**
 * A doorbell for one waiting loop: `ring` wakes the current `wait`, or the next one if nobody is
 * waiting yet, so a ring between two waits is never lost. Unlike racing every pending promise, each
 * wait costs one promise however many things can ring.
 */
export class Wakeup {
  private rung = false;
  private resolve: (() => void) | null = null;

  /** @example attempt.finally(() => wakeup.ring()) */
  ring(): void {
    if (this.resolve === null) {
      this.rung = true;
      return;
    }
    const resolve = this.resolve;
    this.resolve = null;
    resolve();
  }

  /**
   * Resolves at the next ring, or after `timeoutMs` when given (a ring clears the timer, so a quick
   * answer leaves nothing pending behind it).
   *
   * @example while (busy()) await wakeup.wait(msUntilNextDue())
   */
  wait(timeoutMs?: number): Promise<void> {
    if (this.rung) {
      this.rung = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      const wake = () => {
        if (timer !== null) clearTimeout(timer);
        resolve();
      };
      this.resolve = wake;
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          timer = null;
          if (this.resolve === wake) this.resolve = null;
          resolve();
        }, timeoutMs);
      }
    });
  }
}
