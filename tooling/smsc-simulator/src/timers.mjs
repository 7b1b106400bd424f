// Timers the simulator can cancel as a group (on reset, on close), so nothing fires afterwards.

export class TimerGroup {
  /** @type {Set<NodeJS.Timeout>} */
  #handles = new Set();

  /**
   * Runs `fn` after `ms`; `ms` of 0 still waits for the next turn of the event loop.
   * @param {number} ms
   * @param {() => void} fn
   */
  later(ms, fn) {
    const handle = setTimeout(() => {
      this.#handles.delete(handle);
      fn();
    }, ms);
    this.#handles.add(handle);
  }

  cancelAll() {
    for (const handle of this.#handles) clearTimeout(handle);
    this.#handles.clear();
  }
}
