// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { stepBy } from "webui-toolkit";
import { flush } from "webui-toolkit/testing";
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
    expect(screen.getByRole("slider", { name: "Width" }).getAttribute("aria-valuetext")).toBe("100 %");
    // The plugin's "-18.0 dB" typeset with a true minus.
    expect(document.querySelector("[data-param=tone_level] .control-value")?.textContent).toBe("\u221218.0 dB");
    for (const name of ["Invert L", "Invert R", "Mute", "Bypass", "Mono", "Swap L/R", "DC Filter"]) {
      expect(screen.getByRole("switch", { name }).getAttribute("aria-checked")).toBe("false");
    }
    expect(screen.getByRole("radiogroup", { name: "Tone" })).toBeTruthy();
    expect(screen.getByRole("radio", { name: "Off" }).getAttribute("aria-checked")).toBe("true");
    expect(document.querySelector(".connection")?.textContent).toContain("Live");
    // One tab stop per knob: the dial; the readout is not a second one.
    const stops = [...document.querySelectorAll<HTMLElement>("[tabindex='0'], button:not([tabindex='-1']), input")];
    for (const knob of document.querySelectorAll(".knob")) {
      expect(stops.filter((el) => knob.contains(el))).toHaveLength(1);
    }
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
    // Two coarse steps from 0 dB on the skewed law: 0.02 of the travel is under 0.1 dB there.
    expect(plugin.param("output").value).toBeCloseTo(0.2, 6);
    expect(plugin.log.filter((m) => m.endsWith("Gesture:output"))).toEqual(["beginGesture:output", "endGesture:output"]);
    fireEvent.keyDown(knob, { key: "Enter" });
    const entry = screen.getByRole("textbox", { name: /Output: type a value/ });
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
    const status = () => document.querySelector(".connection");
    expect(status()?.getAttribute("data-phase")).toBe("reconnecting");
    expect(status()?.textContent).toBe("Offline");
    // After a moment, the whole window says so in plain words; the controls are inert.
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 650));
    });
    const overlay = screen.getByRole("alertdialog");
    expect(overlay.textContent).toContain("Webstrip is not connected");
    expect(overlay.textContent).not.toMatch(/1006|ws:|fake:/);
    expect(overlay.querySelector(".offline-details")?.getAttribute("title")).toContain("fake://plugin");
    expect(document.querySelector("main")?.hasAttribute("inert")).toBe(true);
    plugin.param("width").value = 42;
    await act(async () => {
      transport.connect();
      await flush(20);
    });
    expect(status()?.getAttribute("data-phase")).toBe("connected");
    expect(screen.getByRole("slider", { name: "Width" }).getAttribute("aria-valuenow")).toBe("42");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    // The resync changed a value: a short notice names it.
    expect(document.querySelector(".resync-notice")?.textContent).toBe("Updated from the plugin: Width");
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
    // Four coarse steps (50 px each) by Input's law, one gesture.
    const input = plugin.param("input");
    expect(plugin.param("input").value).toBeCloseTo(stepBy(input, 0, 4, "coarse"), 6);
    expect(input.value).toBeGreaterThan(0.5);
    expect(plugin.log.filter((m) => m.endsWith("Gesture:input"))).toEqual(["beginGesture:input", "endGesture:input"]);
  });
});

describe("typed value entry", () => {
  it("Escape cancels (nothing sent) and focus goes back to the dial", async () => {
    const { plugin } = await mount();
    const knob = screen.getByRole("slider", { name: "Input" });
    knob.focus();
    fireEvent.keyDown(knob, { key: "Enter" });
    const entry = screen.getByRole("textbox", { name: /Input: type a value/ });
    entry.focus();
    fireEvent.change(entry, { target: { value: "12" } });
    fireEvent.keyDown(entry, { key: "Escape" });
    await settle();
    expect(plugin.log.some((m) => m.startsWith("setParameter"))).toBe(false);
    expect(screen.queryByRole("textbox")).toBeNull();
    expect(document.activeElement).toBe(knob);
  });

  it("sends the text to the plugin: clamped shown as clamped, invalid flagged in place", async () => {
    const { plugin } = await mount();
    const readout = () => document.querySelector<HTMLElement>("[data-param=width] .control-value");
    const open = () => {
      fireEvent.click(readout() as HTMLElement);
      return screen.getByRole("textbox", { name: /Width: type a value/ });
    };
    let entry = open();
    expect((entry as HTMLInputElement).value).toBe("100 %");
    fireEvent.change(entry, { target: { value: "500 %" } });
    fireEvent.keyDown(entry, { key: "Enter" });
    await settle();
    expect(plugin.param("width").value).toBe(200);
    expect(document.querySelector("[data-param=width] .control-note")?.textContent).toBe("Clamped to 200 %");
    entry = open();
    fireEvent.change(entry, { target: { value: "wide" } });
    fireEvent.keyDown(entry, { key: "Enter" });
    await settle();
    // Not dropped: the field stays with the text, flagged, and says why.
    entry = screen.getByRole("textbox", { name: /Width: type a value/ });
    expect((entry as HTMLInputElement).value).toBe("wide");
    expect(entry.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByRole("alert").textContent).toBe("Not a value for Width");
    expect(plugin.param("width").value).toBe(200);
    fireEvent.change(entry, { target: { value: "mono" } });
    fireEvent.keyDown(entry, { key: "Enter" });
    await settle();
    expect(plugin.param("width").value).toBe(0);
    expect(screen.queryByRole("textbox")).toBeNull();
  });

  it("Pan takes 30L, L30, -30 and c as the plugin reads them", async () => {
    const { plugin } = await mount();
    for (const [typed, value] of [["30L", -30], ["R25", 25], ["-30", -30], ["c", 0]] as const) {
      fireEvent.click(document.querySelector("[data-param=pan] .control-value") as HTMLElement);
      const entry = screen.getByRole("textbox", { name: /Pan: type a value/ });
      fireEvent.change(entry, { target: { value: typed } });
      fireEvent.keyDown(entry, { key: "Enter" });
      await settle();
      expect(plugin.param("pan").value).toBe(value);
    }
    expect(screen.getByRole("slider", { name: "Pan" }).getAttribute("aria-valuetext")).toBe("C");
  });
});

describe("the right-click menu", () => {
  it("replaces the browser's menu: reset to default, type a value", async () => {
    const { plugin } = await mount();
    plugin.change("pan", 40);
    await settle();
    const knob = screen.getByRole("slider", { name: "Pan" });
    const event = new MouseEvent("contextmenu", { bubbles: true, cancelable: true, clientX: 10, clientY: 10 });
    act(() => {
      knob.dispatchEvent(event);
    });
    expect(event.defaultPrevented).toBe(true);
    fireEvent.click(screen.getByRole("menuitem", { name: "Reset to default" }));
    await settle();
    expect(plugin.param("pan").value).toBe(0);
    act(() => {
      knob.dispatchEvent(new MouseEvent("contextmenu", { bubbles: true, cancelable: true }));
    });
    fireEvent.click(screen.getByRole("menuitem", { name: "Type a value…" }));
    expect(screen.getByRole("textbox", { name: /Pan: type a value/ })).toBeTruthy();
  });
});

describe("bypass", () => {
  it("shows on the whole strip: the lit tone is no longer lit as active", async () => {
    const { plugin } = await mount();
    plugin.change("tone", 1);
    plugin.change("bypass", 1);
    await settle();
    expect(document.querySelector(".app")?.classList.contains("is-bypassed")).toBe(true);
    expect(document.querySelector(".bypass-badge")?.textContent).toBe("Bypassed");
  });
});

describe("offline", () => {
  it("a focused knob takes no keys while offline", async () => {
    const { plugin, transport } = await mount();
    const knob = screen.getByRole("slider", { name: "Input" });
    knob.focus();
    await act(async () => {
      transport.drop();
      await flush();
    });
    expect(document.activeElement).not.toBe(knob);
    const before = plugin.log.length;
    fireEvent.keyDown(document.activeElement ?? document.body, { key: "ArrowUp" });
    await settle();
    expect(plugin.log.length).toBe(before);
  });
});
