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
    if (s.text !== undefined && s.text !== p.text) diffs.push(`${p.name}: shows "${s.text}", instance has "${p.text}"`);
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
    await until("the Width knob at 150", async () => {
      const knob = page.getByRole("slider", { name: "Width", exact: true });
      return (await knob.getAttribute("aria-valuenow")) === "150" && (await knob.getAttribute("aria-valuetext")) === "150.00 %";
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
    await until("the second client to see Output +1 dB", async () => {
      const { value } = await other.request("getParameter", { id: "output" });
      return Math.abs(value - (start + 1)) < 1e-6;
    });
    await knob.dblclick();
    await until("Output back at its default", async () => {
      const { value } = await other.request("getParameter", { id: "output" });
      return value === 0 && (await knob.getAttribute("aria-valuenow")) === "0";
    });
    return `Output ${start} → ${start + 1} → 0 dB`;
  });

  await check("with the tone on, the meters move (and read the tone's level)", async () => {
    const readouts = () =>
      page.evaluate(() => [...document.querySelectorAll(".meter-readout")].map((el) => el.textContent));
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
    const bar = await page.evaluate(() => document.querySelector(".meter-rms")?.style.transform ?? "");
    const shift = Number(/translateY\(([\d.]+)%\)/.exec(bar)?.[1] ?? 100);
    assert(shift < 100, `the RMS bar did not move (${bar})`);
    return `readouts ${before.join("/")} → ${after.join("/")} dBFS`;
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
    const label = await page.textContent("[role=status] .connection-label");
    assert(/Reconnecting/.test(label ?? ""), `status says "${label}"`);
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
    let diffs = [];
    await until("the page to show the new instance's values", async () => {
      const { parameters } = await other.request("getAllParameters");
      diffs = await differences(page, parameters);
      return diffs.length === 0;
    }).catch(() => {
      throw new Error(diffs.join("; "));
    });
    return `status went "${label}" → connected; values exact`;
  });

  await check("the screenshot is saved", async () => {
    await other.request("setParameter", { id: "mute", value: 0 });
    await other.request("setParameter", { id: "tone", value: 1 });
    await other.request("setParameter", { id: "tone_level", value: -9 });
    await other.request("setParameter", { id: "pan", value: -20 });
    // No keyboard focus ring from the earlier checks in the picture.
    await page.evaluate(() => document.activeElement?.blur());
    await sleep(800);
    mkdirSync(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
    return screenshotPath;
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
