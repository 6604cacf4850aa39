// @vitest-environment jsdom
import { Profiler } from "react";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { CorrelationMeter, LevelMeter, METER_MAX_DB, METER_MIN_DB } from "../src/components/Meters";
import { meterPosition } from "../src/lib/meterMath";
import type { MeterFrame } from "../src/protocol";
import { BridgeClient } from "../src/ipc/client";
import { BridgeClientContext } from "../src/ipc/hooks";
import { FakePlugin, FakeTransport, flush } from "../testing";

afterEach(() => {
  cleanup();
});

const nextFrames = (n = 3) =>
  act(async () => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
  });

describe("Meters", () => {
  it("draw 60 Hz frames through refs without re-rendering React", async () => {
    const transport = new FakeTransport();
    const plugin = new FakePlugin(transport, []);
    const bridge = new BridgeClient(transport, { onError: () => undefined }).start();
    let renders = 0;
    const { container } = render(
      <BridgeClientContext.Provider value={bridge}>
        <Profiler id="meters" onRender={() => (renders += 1)}>
          <LevelMeter label="Out" pick={(f: MeterFrame) => f.channels} />
          <LevelMeter label="In" pick={(f: MeterFrame) => f.input} />
          <CorrelationMeter pick={(f: MeterFrame) => f.correlation} />
        </Profiler>
      </BridgeClientContext.Provider>,
    );
    await act(async () => {
      transport.connect();
      await flush(20);
    });
    expect(plugin.meterHz).toBe(60);
    const rendersBefore = renders;
    for (let i = 0; i < 60; i++) {
      plugin.meter({
        t: i / 60,
        channels: [{ peak: 0.5, rms: 0.35, clip: false }, { peak: 1.2, rms: 0.7, clip: i === 30 }],
        input: [{ peak: 0.25, rms: 0.1, clip: false }, { peak: 0.25, rms: 0.1, clip: false }],
        correlation: -1,
      });
    }
    await nextFrames();
    expect(renders).toBe(rendersBefore);
    const windows = container.querySelectorAll<HTMLElement>("[data-meter=out] .meter-rms");
    const shift = (1 - meterPosition(20 * Math.log10(0.35), METER_MIN_DB, METER_MAX_DB)) * 100;
    expect(windows[0]?.style.transform).toBe(`translateY(${shift.toFixed(2)}%)`);
    const leds = screen.getAllByRole("button", { name: /^Out . clip/ });
    expect(leds.map((led) => led.classList.contains("is-on"))).toEqual([false, true]);
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 120));
    });
    await nextFrames();
    const readouts = (meter: string) =>
      [...container.querySelectorAll(`[data-meter=${meter}] .meter-readout`)].map((el) => el.textContent);
    // Peak hold L, R, then RMS L, R: labelled rows of the grid.
    expect(readouts("out")).toEqual(["\u22126.0", "+1.6", "\u22129.1", "\u22123.1"]);
    expect(readouts("in")).toEqual(["\u221212.0", "\u221212.0", "\u221220.0", "\u221220.0"]);
    expect(screen.getByLabelText("Correlation value").textContent).toBe("\u22121.00");
    expect(container.querySelectorAll(".meter-row-label")).toHaveLength(4);
    // A click resets the clip indicators and the peak hold.
    fireEvent.click(leds[1] as HTMLElement);
    await nextFrames();
    expect(leds[1]?.classList.contains("is-on")).toBe(false);
    expect(renders).toBe(rendersBefore);
  });
});
