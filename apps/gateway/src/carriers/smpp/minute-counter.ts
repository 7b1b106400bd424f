/**
 * Events of the last minute, counted per second (60 buckets): what `submits_last_minute` and
 * `receipts_last_minute` of the bind view say, at a constant cost however busy the bind is.
 */
export class MinuteCounter {
  private readonly buckets = new Array<number>(60).fill(0);
  private readonly seconds = new Array<number>(60).fill(-1);

  add(n = 1, now = Date.now()): void {
    const second = Math.floor(now / 1000);
    const slot = second % 60;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.buckets[slot] = 0;
    }
    this.buckets[slot] = (this.buckets[slot] as number) + n;
  }

  /** @example counter.add(); counter.total() // 1 */
  total(now = Date.now()): number {
    const second = Math.floor(now / 1000);
    let sum = 0;
    for (let slot = 0; slot < 60; slot++) {
      if (second - (this.seconds[slot] as number) < 60) sum += this.buckets[slot] as number;
    }
    return sum;
  }
}
