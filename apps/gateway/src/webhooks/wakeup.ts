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

  /** @example while (busy()) await wakeup.wait() */
  wait(): Promise<void> {
    if (this.rung) {
      this.rung = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }
}
