import { describe, expect, it } from "vitest";
import { AttemptDeadlines } from "./attempt-deadlines";

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

describe("AttemptDeadlines", () => {
  it("aborts the attempt that outlives its timeout, not the others", async () => {
    const deadlines = new AttemptDeadlines();
    const slow = deadlines.watch(20);
    const quick = deadlines.watch(20);
    const patient = deadlines.watch(60_000);
    quick.done();
    await aborted(slow.signal);
    expect(slow.signal.aborted).toBe(true);
    expect(quick.signal.aborted).toBe(false);
    expect(patient.signal.aborted).toBe(false);
    // The timed-out one is no longer watched; the patient one still is.
    expect(deadlines.watching).toBe(1);
    patient.done();
    expect(deadlines.watching).toBe(0);
  });

  it("an attempt with an earlier deadline than those already watched is not kept waiting for theirs", async () => {
    const deadlines = new AttemptDeadlines();
    const long = deadlines.watch(60_000);
    const short = deadlines.watch(10);
    await aborted(short.signal);
    expect(long.signal.aborted).toBe(false);
    long.done();
  });

  it("keeps timing out attempts after the first deadline has passed", async () => {
    const deadlines = new AttemptDeadlines();
    const first = deadlines.watch(10);
    const second = deadlines.watch(40);
    await aborted(first.signal);
    expect(second.signal.aborted).toBe(false);
    await aborted(second.signal);
    expect(deadlines.watching).toBe(0);
  });

  it("never aborts an attempt that ended in time, even once every watch is over and watching starts again", async () => {
    const deadlines = new AttemptDeadlines();
    const ended = deadlines.watch(10);
    ended.done();
    const later = deadlines.watch(30);
    await aborted(later.signal);
    expect(ended.signal.aborted).toBe(false);
  });
});
