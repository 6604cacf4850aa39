// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { flush } from "./fakes";
import { mountApp } from "./mountApp";

beforeAll(() => {
  // jsdom has no pointer capture.
  Element.prototype.setPointerCapture = () => undefined;
  Element.prototype.releasePointerCapture = () => undefined;
});

afterEach(() => {
  cleanup();
});

const mount = () => mountApp();

const settle = () =>
  act(async () => {
    await flush(50);
  });

describe("the strip", () => {
  it("shows every parameter with ARIA roles and the instance's values", async () => {
    await mount();
    for (const name of ["Input", "Output", "Pan", "Width", "Tone Level"]) {
      const slider = screen.getByRole("slider", { name });
      expect(slider.getAttribute("aria-valuenow")).not.toBeNull();
    }
    expect(screen.getByRole("slider", { name: "Width" }).getAttribute("aria-valuenow")).toBe("100");
    expect(screen.getByRole("slider", { name: "Width" }).getAttribute("aria-valuetext")).toBe("100.00 %");
    for (const name of ["Invert L", "Invert R", "Mute", "Bypass"]) {
      expect(screen.getByRole("switch", { name }).getAttribute("aria-checked")).toBe("false");
    }
    expect(screen.getByRole("radiogroup", { name: "Tone" })).toBeTruthy();
    expect(screen.getByRole("radio", { name: "Off" }).getAttribute("aria-checked")).toBe("true");
    expect(screen.getByRole("status").textContent).toContain("Connected");
  });

  it("a knob drag sends exactly one beginGesture/endGesture pair around its sets", async () => {
    const { plugin } = await mount();
    const knob = screen.getByRole("slider", { name: "Pan" });
    fireEvent.pointerDown(knob, { pointerId: 1, button: 0, clientY: 300 });
    for (let y = 295; y >= 200; y -= 5) {
      fireEvent.pointerMove(knob, { pointerId: 1, clientY: y });
      await settle();
    }
    fireEvent.pointerUp(knob, { pointerId: 1, clientY: 200 });
    await settle();
    const log = plugin.log.filter((m) => m.endsWith(":pan"));
    expect(log.filter((m) => m.startsWith("beginGesture"))).toHaveLength(1);
    expect(log.filter((m) => m.startsWith("endGesture"))).toHaveLength(1);
    expect(log[0]).toBe("beginGesture:pan");
    expect(log.at(-1)).toBe("endGesture:pan");
    expect(log.filter((m) => m.startsWith("setParameter")).length).toBeGreaterThan(1);
    // 100 px up of 200 px for the whole range: from the middle to the top.
    expect(plugin.param("pan").value).toBeCloseTo(100);
    expect(knob.getAttribute("aria-valuenow")).toBe("100");
  });

  it("a click without movement sends nothing; a double-click sets the default", async () => {
    const { plugin } = await mount();
    plugin.change("width", 150);
    await settle();
    const knob = screen.getByRole("slider", { name: "Width" });
    const before = plugin.log.length;
    fireEvent.pointerDown(knob, { pointerId: 1, button: 0, clientY: 100 });
    fireEvent.pointerUp(knob, { pointerId: 1, clientY: 100 });
    await settle();
    expect(plugin.log.length).toBe(before);
    fireEvent.doubleClick(knob);
    await settle();
    expect(plugin.log.slice(before)).toEqual(["setParameter:width"]);
    expect(plugin.param("width").value).toBe(100);
  });

  it("is keyboard operable: arrow steps in one gesture, typed value entry", async () => {
    const { plugin } = await mount();
    const knob = screen.getByRole("slider", { name: "Output" });
    knob.focus();
    fireEvent.keyDown(knob, { key: "ArrowUp" });
    fireEvent.keyDown(knob, { key: "ArrowUp" });
    fireEvent.keyUp(knob, { key: "ArrowUp" });
    await settle();
    expect(plugin.param("output").value).toBe(1); // two steps of 0.5 dB
    expect(plugin.log.filter((m) => m.endsWith("Gesture:output"))).toEqual(["beginGesture:output", "endGesture:output"]);
    fireEvent.keyDown(knob, { key: "Enter" });
    const entry = screen.getByRole("textbox", { name: /Output value/ });
    fireEvent.change(entry, { target: { value: "-12.5 dB" } });
    fireEvent.keyDown(entry, { key: "Enter" });
    await settle();
    expect(plugin.param("output").value).toBe(-12.5);
    expect(knob.getAttribute("aria-valuenow")).toBe("-12.5");
  });

  it("toggles and the tone selector set their parameters; notifications move them", async () => {
    const { plugin } = await mount();
    fireEvent.click(screen.getByRole("switch", { name: "Mute" }));
    await settle();
    expect(plugin.param("mute").value).toBe(1);
    expect(screen.getByRole("switch", { name: "Mute" }).getAttribute("aria-checked")).toBe("true");
    fireEvent.click(screen.getByRole("radio", { name: "Pink noise" }));
    await settle();
    expect(plugin.param("tone").value).toBe(2);
    await act(async () => {
      plugin.change("pan", -50);
      plugin.change("tone", 1);
      await flush();
    });
    expect(screen.getByRole("slider", { name: "Pan" }).getAttribute("aria-valuenow")).toBe("-50");
    expect(screen.getByRole("radio", { name: "Sine 1 kHz" }).getAttribute("aria-checked")).toBe("true");
  });

  it("shows reconnecting with a countdown, then the values again", async () => {
    const { transport, plugin } = await mount();
    await act(async () => {
      transport.drop();
      await flush();
    });
    expect(screen.getByRole("status").getAttribute("data-phase")).toBe("reconnecting");
    expect(screen.getByRole("status").textContent).toMatch(/Reconnecting in 1 s|Reconnecting…/);
    plugin.param("width").value = 42;
    await act(async () => {
      transport.connect();
      await flush(20);
    });
    expect(screen.getByRole("status").getAttribute("data-phase")).toBe("connected");
    expect(screen.getByRole("slider", { name: "Width" }).getAttribute("aria-valuenow")).toBe("42");
  });
});

describe("the wheel", () => {
  it("steps a knob in one gesture and does not scroll the page", async () => {
    const { plugin } = await mount();
    const knob = screen.getByRole("slider", { name: "Input" });
    const event = new WheelEvent("wheel", { deltaY: -100, bubbles: true, cancelable: true });
    act(() => {
      knob.dispatchEvent(event);
      knob.dispatchEvent(new WheelEvent("wheel", { deltaY: -100, bubbles: true, cancelable: true }));
    });
    expect(event.defaultPrevented).toBe(true);
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 450));
      await flush(20);
    });
    // Four steps of 0.5 dB (50 px each), one gesture.
    expect(plugin.param("input").value).toBe(2);
    expect(plugin.log.filter((m) => m.endsWith("Gesture:input"))).toEqual(["beginGesture:input", "endGesture:input"]);
  });
});

describe("typed value entry", () => {
  it("Escape cancels (nothing sent) and focus goes back to the dial", async () => {
    const { plugin } = await mount();
    const knob = screen.getByRole("slider", { name: "Input" });
    knob.focus();
    fireEvent.keyDown(knob, { key: "Enter" });
    const entry = screen.getByRole("textbox", { name: /Input value/ });
    entry.focus();
    fireEvent.change(entry, { target: { value: "12" } });
    fireEvent.keyDown(entry, { key: "Escape" });
    await settle();
    expect(plugin.log.some((m) => m.startsWith("setParameter"))).toBe(false);
    expect(screen.queryByRole("textbox")).toBeNull();
    expect(document.activeElement).toBe(knob);
  });

  it("clamps to the range and ignores text without a number", async () => {
    const { plugin } = await mount();
    const open = () => {
      fireEvent.click(screen.getByRole("button", { name: /Width value/ }));
      return screen.getByRole("textbox", { name: /Width value/ });
    };
    let entry = open();
    fireEvent.change(entry, { target: { value: "500 %" } });
    fireEvent.keyDown(entry, { key: "Enter" });
    await settle();
    expect(plugin.param("width").value).toBe(200);
    entry = open();
    fireEvent.change(entry, { target: { value: "wide" } });
    fireEvent.blur(entry);
    await settle();
    expect(plugin.param("width").value).toBe(200);
    expect(plugin.log.filter((m) => m === "setParameter:width")).toHaveLength(1);
  });
});
