// Webstrip's parameters and texts, for the fakes of `webui-toolkit/testing`.
import type { ParamInfo } from "webui-toolkit";
import { FakePlugin, boolParam, enumParam, floatParam, plainTexts, type FakeTransport, type Texts } from "webui-toolkit/testing";

/** As Webstrip writes and reads them: plain texts, and Pan as 30L/C/30R, Width's "mono". */
export const webstripTexts: Texts = {
  format(p, value) {
    if (p.id !== "pan") return plainTexts.format(p, value);
    const r = Math.round(value);
    return r === 0 ? "C" : r < 0 ? `${-r}L` : `${r}R`;
  },
  parse(p, text) {
    const t = text.trim().toLowerCase();
    if (p.id === "pan") {
      if (t === "c") return 0;
      const side = /^(\d+(?:\.\d+)?)\s*([lr])$/.exec(t) ?? /^([lr])\s*(\d+(?:\.\d+)?)$/.exec(t);
      if (side) {
        const [a, b] = [side[1] ?? "", side[2] ?? ""];
        const n = Number(/\d/.test(a) ? a : b);
        return (a === "l" || b === "l" ? -1 : 1) * n;
      }
    }
    if (p.id === "width" && t === "mono") return 0;
    return plainTexts.parse(p, text);
  },
};

/** Webstrip's parameters as the plugin declares them (order, ranges, laws, steps, defaults). */
export function webstripParams(): ParamInfo[] {
  const gain = { law: { type: "symmetricalSkewed", factor: 0.5, center: 0, reversed: false }, texts: webstripTexts } as const;
  const texts = { texts: webstripTexts };
  return [
    floatParam("input", "Input", 0, -24, 24, "dB", gain),
    floatParam("output", "Output", 0, -60, 12, "dB", gain),
    floatParam("pan", "Pan", 0, -100, 100, "", texts),
    floatParam("width", "Width", 100, 0, 200, "%", texts),
    boolParam("invert_l", "Invert L"),
    boolParam("invert_r", "Invert R"),
    boolParam("mute", "Mute"),
    boolParam("bypass", "Bypass"),
    enumParam("tone", "Tone", ["Off", "Sine 1 kHz", "Pink noise"]),
    floatParam("tone_level", "Tone Level", -18, -60, 0, "dB", texts),
    boolParam("mono", "Mono"),
    boolParam("swap", "Swap L/R"),
    boolParam("dc_filter", "DC Filter"),
  ];
}

/** A fake Webstrip behind `transport`. */
export function fakeWebstrip(transport: FakeTransport): FakePlugin {
  const plugin = new FakePlugin(transport, webstripParams(), webstripTexts);
  plugin.identity = { name: "Webstrip", version: "0.3.0", vendor: "Webstrip" };
  return plugin;
}
