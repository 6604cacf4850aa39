#!/usr/bin/env node
// End-to-end test of the UI against the real standalone, in Debian's Chromium (playwright-core).
//
//   WEBSTRIP_BIN=/path/to/webstrip npm run e2e
//
// Spawns `$WEBSTRIP_BIN --dev-server -b dummy --port <free port>`, opens the page the standalone
// serves itself, and checks it against a second WebSocket client (node `ws`). Prints one line per
// check and a final `N passed, M failed`; exits non-zero on any failure. Saves a screenshot to
// <repo>/target/ui-e2e.png. Env: CHROMIUM (default /usr/bin/chromium), E2E_FRAMES_SECONDS (10).

import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import {
  asPluginText,
  assert,
  check,
  collectPageErrors,
  freePort,
  launchChromium,
  log,
  phase,
  report,
  shownValues,
  sleep,
  until,
} from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const screenshotPath = path.join(repo, "target", "ui-e2e.png");
const bin = process.env.WEBSTRIP_BIN;
const frameSeconds = Number(process.env.E2E_FRAMES_SECONDS ?? 10);
const BUDGET_DROP = 0.01;
const SIZES = [
  [360, 240],
  [480, 300],
  [720, 420],
  [1280, 800],
  [1920, 1080],
];

/**
 * In the page: every control's box inside the viewport and overlapping no other control's; no
 * scrolling; every text's contrast on its background ≥ 4.5:1. Returns the problems found.
 */
function layoutProblems() {
  const problems = [];
  const selector =
    "[role=slider],[role=switch],[role=radiogroup],.clip-led,.meter-bar,.correlation-track,.control-value,.control-label";
  const boxes = [...document.querySelectorAll(selector)].map((el) => ({
    el,
    name: el.getAttribute("aria-label") || el.closest("[data-param]")?.getAttribute("data-param") + " " + el.className,
    r: el.getBoundingClientRect(),
  }));
  for (const { name, r } of boxes) {
    if (r.width <= 0 || r.height <= 0) problems.push(`${name} has no size`);
    if (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) {
      problems.push(`${name} outside: ${[r.left, r.top, r.right, r.bottom].map(Math.round)}`);
    }
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 0.5 && h > 0.5) problems.push(`${a.name} overlaps ${b.name}`);
    }
  }
  const root = document.scrollingElement;
  if (root.scrollHeight > innerHeight + 1 || root.scrollWidth > innerWidth + 1) problems.push("the page scrolls");
  // Contrast (WCAG): each text's colour on the first opaque background behind it.
  const lum = ([r, g, b]) => {
    const f = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const rgba = (s) => (s.match(/[\d.]+/g) ?? []).map(Number);
  let lowest = Infinity;
  let smallest = Infinity;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim() || el.closest("[aria-hidden=true]:not(.control-value):not(.meter-scale):not(.correlation-scale)")) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || el.getClientRects().length === 0) continue;
    const fg = rgba(style.color);
    let bg = null;
    for (let at = el; at; at = at.parentElement) {
      const s = getComputedStyle(at);
      const c = rgba(s.backgroundColor);
      if (c.length >= 3 && (c[3] ?? 1) > 0.5) {
        bg = c;
        break;
      }
      if (s.backgroundImage !== "none") {
        bg = rgba(s.backgroundImage.match(/rgba?\([^)]*\)/)?.[0] ?? "rgb(0,0,0)");
        break;
      }
    }
    bg ??= [16, 18, 21];
    const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    lowest = Math.min(lowest, ratio);
    smallest = Math.min(smallest, parseFloat(style.fontSize));
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)}:1 for "${node.textContent.trim()}"`);
  }
  return {
    problems,
    count: boxes.length,
    em: getComputedStyle(document.documentElement).fontSize,
    smallest: `${smallest.toFixed(1)} px`,
    contrast: `${lowest.toFixed(2)}:1`,
  };
}

const notes = [];
let server = null;
let browser = null;

// ---- the standalone -------------------------------------------------------------------------

class Standalone {
  constructor(port, extra = []) {
    this.port = port;
    this.output = "";
    this.child = spawn(bin, ["--dev-server", "-b", "dummy", "--port", String(port), ...extra], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk) => {
      this.output = (this.output + chunk.toString()).slice(-8000);
    };
    this.child.stdout.on("data", keep);
    this.child.stderr.on("data", keep);
    this.exited = new Promise((resolve) => this.child.on("exit", (code, signal) => resolve({ code, signal })));
  }

  async ready() {
    await until(
      `the standalone on port ${this.port}`,
      async () => {
        if (this.child.exitCode !== null) throw new Error(`exited early:\n${this.output}`);
        const response = await fetch(`http://127.0.0.1:${this.port}/`);
        return response.ok;
      },
      30_000,
      100,
    );
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

// ---- a second client ------------------------------------------------------------------------

class Client {
  static async connect(port) {
    const client = new Client(new WebSocket(`ws://127.0.0.1:${port}/ws`));
    await new Promise((resolve, reject) => {
      client.socket.once("open", resolve);
      client.socket.once("error", reject);
    });
    return client;
  }

  constructor(socket) {
    this.socket = socket;
    this.nextId = 1;
    this.pending = new Map();
    this.changes = [];
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString());
      if (message.id !== undefined && this.pending.has(message.id)) {
        const { resolve } = this.pending.get(message.id);
        this.pending.delete(message.id);
        resolve(message);
      } else if (message.method === "parameterChanged") {
        this.changes.push(message.params);
      }
    });
  }

  /** The whole response: `{result}` or `{error}`. */
  call(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 5000);
      this.pending.set(id, {
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
      this.socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, ...(params ? { params } : {}) }));
    });
  }

  async request(method, params) {
    const message = await this.call(method, params);
    if (message.error) throw new Error(`${method}: ${message.error.message} (${message.error.code})`);
    return message.result;
  }

  close() {
    this.socket.close();
  }
}

// ---- the page -------------------------------------------------------------------------------

/** Differences between the instance's parameters and what the page shows ([] when equal). */
async function differences(page, parameters) {
  const shown = await shownValues(page);
  const diffs = [];
  for (const p of parameters) {
    const s = shown[p.name];
    if (!s) {
      diffs.push(`${p.name}: not shown`);
      continue;
    }
    if (s.value !== p.value) diffs.push(`${p.name}: shows ${s.value}, instance has ${p.value}`);
    if (s.text !== undefined && asPluginText(s.text) !== p.text) diffs.push(`${p.name}: shows "${s.text}", instance has "${p.text}"`);
  }
  return diffs;
}

/** Counts meter frames (received; missed, judged by their `t`) and animation frames for `seconds`. */
function measureFrames(page, seconds) {
  return page.evaluate(
    (seconds) =>
      new Promise((resolve) => {
        const stats = window.__webstrip.stats;
        const start = { frames: stats.meterFrames, missed: stats.meterFramesMissed, t: stats.lastMeterT };
        const times = [];
        const begin = performance.now();
        const tick = (now) => {
          times.push(now);
          if (now - begin < seconds * 1000) {
            requestAnimationFrame(tick);
            return;
          }
          const intervals = times.slice(1).map((t, i) => t - times[i]);
          const sorted = [...intervals].sort((a, b) => a - b);
          const period = sorted[Math.floor(sorted.length / 2)];
          const droppedPaints = intervals.reduce((n, dt) => n + Math.max(0, Math.round(dt / period) - 1), 0);
          resolve({
            paints: times.length,
            paintPeriod: period,
            droppedPaints,
            worstGapMs: sorted.at(-1),
            meterFrames: stats.meterFrames - start.frames,
            meterMissed: stats.meterFramesMissed - start.missed,
            meterSpan: stats.lastMeterT - start.t,
          });
        };
        requestAnimationFrame(tick);
      }),
    seconds,
  );
}

async function main() {
  if (!bin) {
    log("FAIL - WEBSTRIP_BIN is not set (path of the standalone `webstrip` binary)");
    log("0 passed, 1 failed");
    process.exit(1);
  }
  const port = await freePort();
  server = new Standalone(port);
  await server.ready();
  log(`# standalone on http://127.0.0.1:${port}/ (${bin})`);

  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 760, height: 330 } });
  const pageErrors = collectPageErrors(page);
  await page.goto(`http://127.0.0.1:${port}/`);
  let other = await Client.connect(port);

  await check("the page shows every parameter with the instance's values", async () => {
    // Give the instance non-default values first, so defaults cannot pass by accident.
    await other.request("setParameter", { id: "output", value: -3.5 });
    await other.request("setParameter", { id: "invert_r", value: 1 });
    await until("the page to connect", async () => (await phase(page)) === "connected", 10_000);
    let diffs = [];
    await until("the page to show the instance's values", async () => {
      const { parameters } = await other.request("getAllParameters");
      diffs = await differences(page, parameters);
      return diffs.length === 0;
    }).catch(() => {
      throw new Error(diffs.join("; "));
    });
    const { parameters } = await other.request("getAllParameters");
    return `${parameters.length} parameters`;
  });

  await check("dragging a knob changes the value the second client sees, inside one gesture", async () => {
    const knob = page.getByRole("slider", { name: "Pan", exact: true });
    const box = await knob.boundingBox();
    assert(box, "no Pan knob");
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    other.changes.length = 0;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) {
      await page.mouse.move(x, y - i * 5);
      await sleep(16);
    }
    await until("the second client to see Pan change", () => other.changes.some((c) => c.id === "pan" && c.value !== 0));
    const during = await other.call("setParameter", { id: "pan", value: -80 });
    assert(during.error?.code === -32002, `the page holds no gesture mid-drag: ${JSON.stringify(during)}`);
    for (let i = 9; i <= 12; i++) {
      await page.mouse.move(x, y - i * 5);
      await sleep(16);
    }
    const late = await other.call("setParameter", { id: "pan", value: -80 });
    assert(late.error?.code === -32002, `the gesture ended before the release: ${JSON.stringify(late)}`);
    await page.mouse.up();
    // The drag: 60 px up of 200 px → +0.3 normalized → Pan +60 %.
    const final = await until("the final Pan value", async () => {
      const { value } = await other.request("getParameter", { id: "pan" });
      const shown = Number(await knob.getAttribute("aria-valuenow"));
      return Math.abs(value - 60) < 0.01 && shown === value ? value : null;
    });
    const seen = other.changes.filter((c) => c.id === "pan").map((c) => c.value);
    // After the release the gesture is gone: the second client may set Pan again.
    await until("the gesture to end", async () => !(await other.call("setParameter", { id: "pan", value: final })).error, 2000);
    return `second client saw ${seen.length} changes, ${seen[0]} … ${seen.at(-1)}; sets refused (-32002) mid-drag`;
  });

  await check("a set from the second client moves the knob", async () => {
    await other.request("setParameter", { id: "pan", value: 0 });
    await other.request("setParameter", { id: "width", value: 150 });
    await until("the Width knob at 150, with the plugin's own text", async () => {
      const { text } = await other.request("getParameter", { id: "width" });
      const knob = page.getByRole("slider", { name: "Width", exact: true });
      return (await knob.getAttribute("aria-valuenow")) === "150" && (await knob.getAttribute("aria-valuetext")) === text;
    });
    await until("the Pan knob at 0", async () =>
      (await page.getByRole("slider", { name: "Pan", exact: true }).getAttribute("aria-valuenow")) === "0",
    );
  });

  await check("the keyboard steps a knob and a double-click sets its default", async () => {
    const knob = page.getByRole("slider", { name: "Output", exact: true });
    const start = (await other.request("getParameter", { id: "output" })).value;
    await knob.focus();
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    let stepped = start;
    const { parameters } = await other.request("getAllParameters");
    const grid = parameters.find((p) => p.id === "output")?.stepSize;
    await until(`the second client to see Output raised by two steps${grid ? ` on its ${grid} dB grid` : ""}`, async () => {
      const { value } = await other.request("getParameter", { id: "output" });
      stepped = value;
      const onGrid = !grid || Math.abs(value / grid - Math.round(value / grid)) < 1e-3;
      return value >= start + 2 * (grid ?? 0.1) - 1e-4 && onGrid;
    });
    await knob.dblclick();
    await until("Output back at its default", async () => {
      const { value } = await other.request("getParameter", { id: "output" });
      return value === 0 && (await knob.getAttribute("aria-valuenow")) === "0";
    });
    return `Output ${start} → ${stepped} → 0 dB`;
  });

  await check("with the tone on, the meters move (and read the tone's level)", async () => {
    // The output's peak-hold readouts (L, R), with the true minus sign read as "-".
    const readouts = () =>
      page.evaluate(() =>
        [...document.querySelectorAll("[data-meter=out] .meter-readout:not(.meter-readout-rms)")].map((el) =>
          (el.textContent ?? "").replace("\u2212", "-"),
        ),
      );
    const before = await readouts();
    // A neutral strip, so the meters read the tone itself.
    for (const [id, value] of Object.entries({ input: 0, pan: 0, width: 100, invert_l: 0, invert_r: 0, mute: 0, bypass: 0 })) {
      await other.request("setParameter", { id, value });
    }
    await other.request("setParameter", { id: "output", value: 0 });
    await other.request("setParameter", { id: "tone_level", value: -12 });
    await other.request("setParameter", { id: "tone", value: 1 });
    const after = await until("the peak readouts near -12 dBFS", async () => {
      const values = (await readouts()).map(Number);
      return values.length === 2 && values.every((v) => Math.abs(v - -12) < 1.0) ? values : null;
    });
    // The RMS bar's window slides down from translateY(100%) (empty) as the level rises.
    const bar = await page.evaluate(() => document.querySelector("[data-meter=out] .meter-rms")?.style.transform ?? "");
    const shift = Number(/translateY\(([\d.]+)%\)/.exec(bar)?.[1] ?? 100);
    assert(shift < 100, `the RMS bar did not move (${bar})`);
    return `readouts ${before.join("/")} → ${after.join("/")} dBFS`;
  });

  await check("the correlation meter reads +1 for the mono tone and −1 with one channel inverted", async () => {
    const read = () => page.textContent("[aria-label='Correlation value']");
    const plus = await until("+1.00", async () => ((await read()) === "+1.00" ? "+1.00" : null));
    await other.request("setParameter", { id: "invert_l", value: 1 });
    const minus = await until("−1.00", async () => ((await read()) === "\u22121.00" ? "\u22121.00" : null));
    await other.request("setParameter", { id: "invert_l", value: 0 });
    const inputs = await page.evaluate(() =>
      [...document.querySelectorAll("[data-meter=in] .meter-readout")].map((el) => el.textContent),
    );
    return `${plus} → ${minus}; input meters (no host input: silence) ${inputs.join(" ")}`;
  });

  await check("main-thread time and first paint with meters at 60 Hz (measured, reported)", async () => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const metric = async () => {
      const { metrics } = await cdp.send("Performance.getMetrics");
      const get = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
      return { task: get("TaskDuration"), script: get("ScriptDuration"), at: get("Timestamp") };
    };
    const a = await metric();
    await sleep(5000);
    const b = await metric();
    const share = (b.task - a.task) / (b.at - a.at);
    const scriptShare = (b.script - a.script) / (b.at - a.at);
    const fresh = await browser.newPage({ viewport: { width: 720, height: 420 } });
    await fresh.goto(`http://127.0.0.1:${port}/`);
    await fresh.waitForSelector("[role=slider]");
    const paint = await fresh.evaluate(() => {
      const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
      return { fcp };
    });
    const controlsAt = await fresh.evaluate(() => performance.now());
    await fresh.close();
    const summary =
      `main thread ${(share * 100).toFixed(1)} % of a core (script ${(scriptShare * 100).toFixed(1)} %) over 5 s with meters at 60 Hz; ` +
      `first contentful paint ${paint.fcp.toFixed(0)} ms, controls shown by ${controlsAt.toFixed(0)} ms; load ${os.loadavg()[0].toFixed(2)}`;
    notes.push(`performance: ${summary}`);
    return summary;
  });

  await check("fine steps, PageUp and typed entry as the plugin reads them", async () => {
    const pan = page.getByRole("slider", { name: "Pan", exact: true });
    const width = page.getByRole("slider", { name: "Width", exact: true });
    const value = async (id) => (await other.request("getParameter", { id })).value;
    const expectValue = (id, want) => until(`${id} at ${want}`, async () => Math.abs((await value(id)) - want) < 0.01);
    const results = [];
    await other.request("setParameter", { id: "pan", value: 6 });
    await until("the page at Pan 6", async () => Math.abs(Number(await pan.getAttribute("aria-valuenow")) - 6) < 1e-3, 5000).catch(async (e) => {
      throw new Error(`${e.message}; page shows ${await pan.getAttribute("aria-valuenow")}`);
    });
    await pan.focus();
    await page.keyboard.press("Shift+ArrowUp");
    await expectValue("pan", 7);
    results.push("Pan 6 → Shift+Up 7");
    await other.request("setParameter", { id: "width", value: 106 });
    await until("the page at Width 106", async () => Math.abs(Number(await width.getAttribute("aria-valuenow")) - 106) < 1e-3);
    await width.focus();
    await page.keyboard.press("Shift+ArrowUp");
    await expectValue("width", 107);
    results.push("Width 106 → Shift+Up 107");
    await sleep(500); // the key burst's gesture ends
    await other.request("setParameter", { id: "pan", value: 6 });
    await until("the page at Pan 6", async () => Math.abs(Number(await pan.getAttribute("aria-valuenow")) - 6) < 1e-3);
    await pan.focus();
    await page.keyboard.press("PageUp");
    await expectValue("pan", 26);
    results.push("Pan 6 → PageUp 26");
    await sleep(500);
    const type = async (id, text) => {
      await page.click(`[data-param=${id}] .control-value`);
      const field = page.locator(`[data-param=${id}] input`);
      await field.fill(text);
      await field.press("Enter");
    };
    // Letters for sides only where the plugin writes Pan that way ("30L"/"C"/"30R").
    const panText = (await other.request("getParameter", { id: "pan" })).text;
    const sided = /^(\d+[LR]|C)$/.test(panText);
    const cases = sided ? [["30L", -30], ["L30", -30], ["-30", -30], ["30R", 30], ["c", 0]] : [["-30", -30], ["0", 0]];
    if (!sided) results.push(`(the plugin writes Pan "${panText}": side letters not checked)`);
    for (const [text, want] of cases) {
      await type("pan", text);
      await expectValue("pan", want);
      results.push(`"${text}" → ${await pan.getAttribute("aria-valuetext")}`);
    }
    const all = (await other.request("getAllParameters")).parameters;
    if (all.some((p) => p.id === "mono")) {
      await type("width", "mono");
      await expectValue("width", 0);
      results.push('Width "mono" → 0');
    }
    await type("output", "+20");
    await expectValue("output", 12);
    const note = await until("the clamped note", () => page.textContent("[data-param=output] .control-note").catch(() => null), 2000);
    assert(/Clamped to \+?12/.test(note), `clamped note: ${note}`);
    results.push(`Output "+20" → ${note}`);
    await type("pan", "left-ish");
    const alert = await until("the invalid flag", () => page.textContent("[data-param=pan] [role=alert]").catch(() => null), 2000);
    const invalid = await page.getAttribute("[data-param=pan] input", "aria-invalid");
    const kept = await page.inputValue("[data-param=pan] input");
    assert(invalid === "true" && kept === "left-ish", `invalid text not kept and flagged: ${invalid} ${kept}`);
    await page.press("[data-param=pan] input", "Escape");
    results.push(`"left-ish" flagged in place: ${alert}`);
    for (const [id, v] of Object.entries({ pan: 0, width: 100, output: 0 })) await other.request("setParameter", { id, value: v });
    return results.join("; ");
  });

  await check("a wheel over empty space changes nothing and scrolls nothing", async () => {
    const values = async () => (await other.request("getAllParameters")).parameters.map((p) => `${p.id}=${p.value}`).join(",");
    // Settled first: the previous check's last sets may still be reaching the host.
    let before = await values();
    await until("the values to settle", async () => {
      await sleep(300);
      const now = await values();
      const same = now === before;
      before = now;
      return same;
    });
    const spot = await page.evaluate(() => {
      // The empty middle of the Output panel, between the Gain knob's row and the toggles.
      const controls = [...document.querySelectorAll("[role=slider],[role=switch],[role=radiogroup],.knob,.toggle,.correlation,.level-meter")];
      const panel = document.querySelector(".panel-output").getBoundingClientRect();
      for (let y = panel.bottom - 4; y > panel.top; y -= 3) {
        const x = panel.left + 6;
        const el = document.elementFromPoint(x, y);
        if (el && !controls.some((c) => c.contains(el))) return { x, y, on: el.className };
      }
      return null;
    });
    assert(spot, "no empty spot found");
    await page.mouse.move(spot.x, spot.y);
    for (let i = 0; i < 5; i++) {
      await page.mouse.wheel(0, -100);
      await sleep(30);
    }
    await sleep(600);
    const after = await values();
    const scrolled = await page.evaluate(() => document.scrollingElement.scrollTop + document.querySelector("#root").scrollTop);
    assert(before === after, `values changed: ${before} → ${after}`);
    assert(scrolled === 0, `the page scrolled by ${scrolled}`);
    return `5 notches at (${spot.x.toFixed(0)}, ${spot.y.toFixed(0)}) over .${spot.on}: nothing changed`;
  });

  await check(`meters stream and paint for ${frameSeconds} s (the 1 % drop budget is measured and reported)`, async () => {
    // The budget (≤ 1 % of 60 Hz frames dropped) is a speed figure, reported here and in the
    // notes, not asserted: a timed assertion fails whenever another process hogs the two cores.
    // What is asserted is that meters keep arriving and the page keeps painting them.
    const m = await measureFrames(page, frameSeconds);
    const meterDrop = m.meterMissed / Math.max(1, m.meterFrames + m.meterMissed);
    const paintDrop = m.droppedPaints / Math.max(1, m.paints + m.droppedPaints);
    const within = meterDrop <= BUDGET_DROP && paintDrop <= BUDGET_DROP;
    const summary =
      `meter frames ${m.meterFrames} received (nominal ${frameSeconds * 60}), ${m.meterMissed} missed ` +
      `(${(meterDrop * 100).toFixed(2)} %; ${(m.meterFrames / m.meterSpan).toFixed(1)} frames/s over ${m.meterSpan.toFixed(2)} s of frame time); ` +
      `animation frames ${m.paints} at ${m.paintPeriod.toFixed(2)} ms, ${m.droppedPaints} dropped ` +
      `(${(paintDrop * 100).toFixed(2)} %, worst gap ${m.worstGapMs.toFixed(1)} ms); load ${os.loadavg()[0].toFixed(2)}; ` +
      (within ? "within the 1 % budget" : "OVER the 1 % budget");
    notes.push(`frame budget: ${summary}`);
    assert(m.meterFrames >= frameSeconds * 60 * 0.5, `meters stalled: ${summary}`);
    assert(m.paints >= frameSeconds * 60 * 0.5, `the page stopped painting: ${summary}`);
    return summary;
  });

  await check("stop and restart on the same port: the page shows reconnecting, then the exact current values", async () => {
    other.close();
    await server.stop();
    await until("the page to show reconnecting", async () => (await phase(page)) === "reconnecting", 5000);
    const label = await page.textContent(".connection .connection-label");
    assert(label === "Offline", `status says "${label}"`);
    // The whole window says so in plain words (the address only in the details' tooltip) and the
    // controls are inert: the knob that had the focus lost it and takes no keys.
    const overlay = await until("the offline overlay", () => page.$("[role=alertdialog]"), 3000);
    const words = await overlay.textContent();
    assert(/not connected/.test(words) && !/1006|ws:\/\/|code/.test(words), `overlay says "${words}"`);
    const details = await page.getAttribute(".offline-details", "title");
    assert(details?.includes("ws://"), `no address in the details tooltip: ${details}`);
    const inert = await page.evaluate(() => document.querySelector("main")?.inert === true && !document.activeElement?.closest("main"));
    assert(inert, "the strip is not inert while offline");
    await page.keyboard.press("ArrowUp");
    // Let the page back off for a while, so it is really waiting when the server returns.
    await sleep(1500);
    server = new Standalone(port);
    await server.ready();
    other = await Client.connect(port);
    // The new instance starts from its defaults; change some values before the page is back.
    await other.request("setParameter", { id: "input", value: 6.5 });
    await other.request("setParameter", { id: "mute", value: 1 });
    await other.request("setParameter", { id: "tone", value: 2 });
    await until("the page to reconnect", async () => (await phase(page)) === "connected", 10_000);
    await until("the overlay to go", async () => (await page.$("[role=alertdialog]")) === null, 3000);
    const notice = await until("the resync notice", () => page.textContent(".resync-notice").catch(() => null), 3000);
    assert(/^Updated from the plugin: Input/.test(notice), `resync notice says "${notice}"`);
    let diffs = [];
    await until("the page to show the new instance's values", async () => {
      const { parameters } = await other.request("getAllParameters");
      diffs = await differences(page, parameters);
      return diffs.length === 0;
    }).catch(() => {
      throw new Error(diffs.join("; "));
    });
    return `status went "${label}" (full-window overlay, controls inert) → connected; values exact; notice "${notice}"`;
  });

  await check("every size from 360×240 to 1920×1080: every control inside the window, none overlapping; screenshots", async () => {
    await other.request("setParameter", { id: "mute", value: 0 });
    await other.request("setParameter", { id: "tone", value: 1 });
    await other.request("setParameter", { id: "tone_level", value: -9 });
    await other.request("setParameter", { id: "pan", value: -20 });
    await other.request("setParameter", { id: "width", value: 130 });
    await other.request("setParameter", { id: "invert_r", value: 1 });
    await other.request("setParameter", { id: "invert_r", value: 0 });
    if ((await other.request("getAllParameters")).parameters.some((p) => p.id === "dc_filter")) {
      await other.request("setParameter", { id: "dc_filter", value: 1 });
    }
    const lines = [];
    for (const [width, height] of SIZES) {
      const sized = await browser.newPage({ viewport: { width, height } });
      await sized.goto(`http://127.0.0.1:${port}/`);
      await until("the controls", async () => (await sized.$$("[role=slider]")).length >= 5, 10_000);
      await sleep(900);
      const layout = await sized.evaluate(layoutProblems);
      const file = path.join(repo, "target", `ui-e2e-${width}x${height}.png`);
      mkdirSync(path.dirname(file), { recursive: true });
      await sized.screenshot({ path: file });
      if (width === 720) await sized.screenshot({ path: screenshotPath });
      await sized.close();
      assert(layout.problems.length === 0, `${width}×${height}: ${layout.problems.join("; ")}`);
      lines.push(`${width}×${height}: ${layout.count} controls, 1 em = ${layout.em}, smallest text ${layout.smallest}, lowest contrast ${layout.contrast}`);
    }
    return lines.join("; ");
  });

  await check("a ?token= in the page URL reaches the WebSocket (standalone with --token)", async () => {
    const tokenPort = await freePort();
    const guarded = new Standalone(tokenPort, ["--token", "e2e secret"]);
    try {
      await guarded.ready();
      const tokenPage = await browser.newPage({ viewport: { width: 760, height: 330 } });
      try {
        await tokenPage.goto(`http://127.0.0.1:${tokenPort}/?token=${encodeURIComponent("e2e secret")}`);
        await until("the page with the token to connect", async () => (await phase(tokenPage)) === "connected", 10_000);
        await tokenPage.goto(`http://127.0.0.1:${tokenPort}/`);
        await sleep(1500);
        const without = await phase(tokenPage);
        assert(without === "reconnecting", `without the token the page is "${without}"`);
      } finally {
        await tokenPage.close();
      }
    } finally {
      await guarded.stop();
    }
    return "connected with the token, refused (and retrying) without";
  });

  await check("no errors in the page", async () => {
    assert(pageErrors.length === 0, pageErrors.join("\n"));
  });

  other.close();
}

const guard = setTimeout(() => {
  log("FAIL - the end-to-end run took over 180 s");
  finish(1);
}, 180_000);

async function finish(forced = 0) {
  clearTimeout(guard);
  await browser?.close().catch(() => undefined);
  await server?.stop().catch(() => undefined);
  for (const note of notes) log(`# ${note}`);
  report(forced);
}

main()
  .catch((error) => {
    log(`FAIL - ${error instanceof Error ? error.stack : String(error)}`);
    if (server) log(`# standalone output:\n${server.output}`);
    return finish(1);
  })
  .then(() => finish());
