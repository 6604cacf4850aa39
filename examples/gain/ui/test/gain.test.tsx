// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, expect, it } from "vitest";
import { BridgeClientContext, BridgeClient, typeset } from "webui-toolkit";
import { FakePlugin, FakeTransport, floatParam, flush } from "webui-toolkit/testing";
import { GAIN, Gain } from "../src/Gain";

afterEach(cleanup);

async function mount() {
  const transport = new FakeTransport();
  const plugin = new FakePlugin(transport, [floatParam(GAIN, "Gain", 0, -30, 30, "dB")]);
  plugin.identity = { name: "Gain", version: "0.3.0", vendor: "Example" };
  const bridge = new BridgeClient(transport, { onError: () => undefined }).start();
  render(
    <BridgeClientContext.Provider value={bridge}>
      <Gain />
    </BridgeClientContext.Provider>,
  );
  await act(async () => {
    transport.connect();
    await flush(20);
  });
  return { transport, plugin };
}

const settle = () => act(() => flush(50));

it("shows the plugin's gain and sets it in one gesture from the keyboard", async () => {
  const { plugin } = await mount();
  const knob = screen.getByRole("slider", { name: "Gain" });
  expect(knob.getAttribute("aria-valuetext")).toBe("0.0 dB");
  fireEvent.keyDown(knob, { key: "ArrowUp" });
  fireEvent.keyUp(knob, { key: "ArrowUp" });
  await act(() => new Promise((resolve) => setTimeout(resolve, 500)));
  await settle();
  expect(plugin.log.filter((m) => m.endsWith(":gain"))).toEqual(["beginGesture:gain", "setParameter:gain", "endGesture:gain"]);
  expect(plugin.param(GAIN).value).toBeGreaterThan(0);
  expect(knob.getAttribute("aria-valuetext")).toBe(plugin.param(GAIN).text);
});

it("follows the plugin: a host change moves the knob; its meter frames are subscribed and drawn", async () => {
  const { plugin } = await mount();
  plugin.change(GAIN, -6);
  await settle();
  expect(screen.getByRole("slider", { name: "Gain" }).getAttribute("aria-valuetext")).toBe(typeset("-6.0 dB"));
  expect(plugin.meterHz).toBe(60);
  plugin.meter({ t: 0, channels: [{ peak: 1.5, rms: 0.5, clip: true }], input: [], correlation: null });
  await act(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  expect(screen.getByRole("button", { name: /^Out 1 clip/ }).classList.contains("is-on")).toBe(true);
});

it("says so when the plugin goes away, with the plugin's name, and locks the knob", async () => {
  const { transport } = await mount();
  act(() => {
    transport.drop();
  });
  await act(() => new Promise((resolve) => setTimeout(resolve, 700)));
  expect(screen.getByRole("alertdialog").textContent).toContain("Gain is not connected");
  expect(screen.getByRole("slider", { name: "Gain" }).closest("[inert]")).not.toBeNull();
});
