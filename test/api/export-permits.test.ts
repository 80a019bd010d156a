import { describe, expect, it } from "vitest";
import { acquire, emptyPermits, LEASE_MS, release } from "../../worker/exports/permits";
import { firstRetryMs, retryDelayMs } from "../../worker/exports/states";

const limits = { batchSize: 10, requestsPerSecond: 2, concurrency: 1 };

describe("a Destination's send permits", () => {
  it("allow the declared concurrency, and free a slot when a request ends", () => {
    const first = acquire(emptyPermits(0), limits, 0, "a");
    expect(first.waitMs).toBe(0);
    const second = acquire(first.state, limits, 0, "b");
    expect(second.waitMs).toBeGreaterThan(0);
    expect(acquire(release(second.state, "a", 10), limits, 10, "b").waitMs).toBe(0);
  });

  it("keep to the requests per second, however many ask", () => {
    const wide = { ...limits, concurrency: 100 };
    let state = emptyPermits(0);
    let granted = 0;
    for (let t = 0; t <= 10_000; t += 50) {
      const next = acquire(state, wide, t, `lease-${t}`);
      state = next.state;
      if (next.waitMs === 0) granted += 1;
    }
    // At most a full second's worth at the start, then two a second for ten seconds; and not much less.
    expect(granted).toBeLessThanOrEqual(2 + 20);
    expect(granted).toBeGreaterThanOrEqual(20);
  });

  it("hold everyone back after a Retry-After, and take back a permit its holder never returned", () => {
    const held = acquire(emptyPermits(0), limits, 0, "a").state;
    const paused = release(held, "a", 100, 30_000);
    expect(acquire(paused, limits, 20_000, "b").waitMs).toBe(10_100);
    expect(acquire(paused, limits, 30_100, "b").waitMs).toBe(0);
    expect(acquire(held, limits, LEASE_MS + 1, "c").waitMs).toBe(0);
  });
});

describe("retries", () => {
  it("back off exponentially with jitter, ten attempts spanning about a day, and never sooner than asked", () => {
    const waits = Array.from({ length: 9 }, (_, i) => retryDelayMs(i + 1, undefined, 0.5));
    expect(waits[1]).toBe(2 * waits[0]!);
    const total = waits.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(total).toBeGreaterThan(20);
    expect(total).toBeLessThan(30);
    expect(retryDelayMs(1, undefined, 0)).toBeLessThan(retryDelayMs(1, undefined, 1));
    expect(retryDelayMs(1, 3_600_000, 0.5)).toBe(3_600_000);
  });

  it("start from the Worker's EXPORT_FIRST_RETRY_MS when it is a sane number of milliseconds", () => {
    expect(firstRetryMs("2000")).toBe(2000);
    expect(retryDelayMs(2, undefined, 0.5, firstRetryMs("2000"))).toBe(4000);
    for (const setting of [undefined, "", "soon", "5", "-2000"]) expect(firstRetryMs(setting)).toBe(3 * 60_000);
  });
});
