import { describe, expect, it } from "vitest";

import { decodeStreamFrame } from "../src/lib/streamFrame";

/** bridge/src/stream_frame.rs encodes these bytes (its test checks this file holds them). */
const FIXTURE_HEX = "5755534601000200090000000300000000000000000004400000803f000000bf0000c842";

function bytes(hex: string): ArrayBuffer {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out.buffer;
}

describe("decodeStreamFrame", () => {
  it("decodes the Rust encoder's bytes", () => {
    const frame = decodeStreamFrame(bytes(FIXTURE_HEX));
    expect(frame.stream).toBe(2);
    expect(frame.seq).toBe(9);
    expect(frame.t).toBe(2.5);
    expect(Array.from(frame.values)).toEqual([1, -0.5, 100]);
  });

  it("refuses bytes that are not a frame", () => {
    const good = new Uint8Array(bytes(FIXTURE_HEX));
    expect(() => decodeStreamFrame(good.slice(0, 10).buffer)).toThrow(/shorter/);
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(() => decodeStreamFrame(longer.buffer)).toThrow(/length/);
    const version = good.slice();
    version[4] = 9;
    expect(() => decodeStreamFrame(version.buffer)).toThrow(/version 9/);
    const magic = good.slice();
    magic[0] = 0;
    expect(() => decodeStreamFrame(magic.buffer)).toThrow(/magic/);
  });
});
