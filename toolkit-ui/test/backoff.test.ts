import { describe, expect, it } from "vitest";
import { Backoff } from "../src/ipc/backoff";

describe("Backoff", () => {
  it("doubles from 250 ms and caps at 5 s", () => {
    const backoff = new Backoff();
    const delays = Array.from({ length: 9 }, () => backoff.next());
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
  });

  it("never gives up: still 5 s after a thousand attempts", () => {
    const backoff = new Backoff();
    for (let i = 0; i < 1000; i++) backoff.next();
    expect(backoff.next()).toBe(5000);
    expect(backoff.attempts).toBe(1001);
  });

  it("starts over after a reset", () => {
    const backoff = new Backoff();
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(250);
  });
});
