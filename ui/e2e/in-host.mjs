#!/usr/bin/env node
// End-to-end test of the in-host browser server: the real UI, in Debian's Chromium
// (playwright-core), against a Webstrip instance inside a real CLAP host.
//
//   CLAP_TEST_HOST_BIN=/path/to/clap-test-host WEBSTRIP_CLAP=/path/to/Webstrip.clap npm run e2e:in-host
//
// Spawns `$CLAP_TEST_HOST_BIN run $WEBSTRIP_CLAP org.webstrip.webstrip` (one instance processing a
// quiet sine in real time; it prints the parameter events the plugin emits and takes
// `set <key> <value>` on stdin) with WEBUI_BROWSER_PORT=0 and NICE_LOG=<temp file>, reads the
// instance's `browser server at http://127.0.0.1:PORT/?token=…` line from that log, opens it and
// checks the page against the host. Prints one line per check and a final `N passed, M failed`;
// exits non-zero on any failure. Saves a screenshot to <repo>/target/ui-e2e-in-host.png.
//
// Then the UI developer's loop: a second host with WEBUI_DEV_URL naming a real Vite dev server
// (Vite's JS API, serving a copy of ui/ on a free port, so the test may edit it), whose page (the
// logged `devUrl`) drives that instance, and a style edit reaches the open page by hot reload.
// Env: CHROMIUM (default /usr/bin/chromium).

import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import {
  asPluginText,
  assert,
  check,
  collectPageErrors,
  launchChromium,
  log,
  phase,
  report,
  shownValues,
  sleep,
  until,
} from "./harness.mjs";
import { Host, assertOneGesture, gestureShape } from "./host.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const screenshotPath = path.join(repo, "target", "ui-e2e-in-host.png");
const hostBin = process.env.CLAP_TEST_HOST_BIN;
const bundle = process.env.WEBSTRIP_CLAP;
const PLUGIN_ID = "org.webstrip.webstrip";
/** The parameters' display names (the page's aria-labels) and the host's keys for them. */
const PARAMETERS = {
  Input: "input",
  Output: "output",
  Pan: "pan",
  Width: "width",
  "Invert L": "invert_l",
  "Invert R": "invert_r",
  Mute: "mute",
  Bypass: "bypass",
  Tone: "tone",
  "Tone Level": "tone_level",
};

let host = null;
let devHost = null;
let vite = null;
let browser = null;
const tmp = mkdtempSync(path.join(os.tmpdir(), "webstrip-e2e-in-host-"));

// ---- the host -------------------------------------------------------------------------------

/** A Webstrip instance in the CLAP test host (`name`: its log file's; `env`: more environment). */
function startHost(name = "plugin", env = {}) {
  return new Host({ bin: hostBin, bundle, pluginId: PLUGIN_ID, dir: tmp, name, env });
}

// ---- the wire -------------------------------------------------------------------------------

/** The WebSocket handshake's outcome: 101 when it opened, else the HTTP status it was refused with. */
function handshake(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, handshakeTimeout: 3000 });
    socket.once("open", () => {
      socket.close();
      resolve(101);
    });
    socket.once("unexpected-response", (_request, response) => {
      resolve(response.statusCode);
      socket.terminate();
    });
    socket.once("error", reject);
  });
}

/** Connecting to `port` on `address`: "open" or the error code (ECONNREFUSED …). */
function tcpProbe(port, address = "127.0.0.1") {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: address });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve("timeout");
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve("open");
    });
    socket.once("error", (error) => resolve(error.code ?? String(error)));
  });
}

/** A page served from another origin (127.0.0.1 on a port of its own) that opens `wsUrl`. */
async function foreignPageResult(page, wsUrl) {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end("<!doctype html><title>elsewhere</title>");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const origin = `http://127.0.0.1:${server.address().port}`;
    await page.goto(`${origin}/`);
    const outcome = await page.evaluate(
      (url) =>
        new Promise((resolve) => {
          const socket = new WebSocket(url);
          const timer = setTimeout(() => resolve("no answer in 3 s"), 3000);
          socket.onopen = () => {
            clearTimeout(timer);
            socket.close();
            resolve("opened");
          };
          socket.onclose = (event) => {
            clearTimeout(timer);
            resolve(`closed ${event.code}`);
          };
        }),
      wsUrl,
    );
    return { origin, outcome };
  } finally {
    server.close();
  }
}

// ---- the page -------------------------------------------------------------------------------

const knob = (page, name) => page.getByRole("slider", { name, exact: true });

async function main() {
  if (!hostBin || !bundle) {
    log("FAIL - CLAP_TEST_HOST_BIN (the clap-test-host binary) and WEBSTRIP_CLAP (the Webstrip.clap bundle) must be set");
    log("0 passed, 1 failed");
    process.exit(1);
  }
  const started = Date.now();
  host = startHost();
  const url = await host.url();
  await host.line("the host to process", (line) => line.startsWith("ready "));
  const address = new URL(url);
  const port = Number(address.port);
  const token = address.searchParams.get("token");
  log(`# ${path.basename(hostBin)} run ${bundle}: browser server at ${url} (${Date.now() - started} ms)`);

  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 760, height: 330 } });
  const pageErrors = collectPageErrors(page);

  await check("the page from the logged URL connects and shows every parameter", async () => {
    const opened = Date.now();
    await page.goto(url);
    await until("the page to connect", async () => (await phase(page)) === "connected", 10_000);
    const connectedMs = Date.now() - opened;
    const shown = await until("10 parameters on the page", async () => {
      const values = await shownValues(page);
      return Object.keys(values).length >= 10 ? values : null;
    });
    const names = Object.keys(shown).sort();
    // Every parameter the test knows (the plugin may have appended more: Mono, Swap, DC).
    const missing = Object.keys(PARAMETERS).filter((name) => !names.includes(name));
    assert(missing.length === 0, `the page shows ${names.join(", ")}; missing ${missing.join(", ")}`);
    // The defaults, as the plugin formats them for the host ("0.0 dB", "100 %"; older: "0.00 dB").
    assert(
      /^0\.0+ dB$/.test(shown.Output.text) && /^100(\.00)? %$/.test(shown.Width.text),
      `Output "${shown.Output.text}", Width "${shown.Width.text}"`,
    );
    // The token is a secret: the page never shows it (screenshots, screen sharing).
    const text = await page.evaluate(() => document.body.innerText + document.body.innerHTML);
    assert(!text.includes(token), "the page shows the token");
    return `connected ${connectedMs} ms after the load; ${names.length} parameters; the token is not shown`;
  });

  await check("a held arrow key on the Width knob reaches the host as one gesture (begin, values, end)", async () => {
    const from = host.lines.length;
    const width = knob(page, "Width");
    await width.focus();
    // Held: a keydown and two auto-repeats, then the release (the page ends its gesture at keyup;
    // separate presses are separate gestures).
    for (let i = 0; i < 3; i++) {
      await page.keyboard.down("ArrowUp");
      await sleep(30);
    }
    await page.keyboard.up("ArrowUp");
    await host.line("the host's gesture-end for width", (l) => l.startsWith("event gesture-end ") && l.endsWith(" width"), from, 3000);
    // Anything else the plugin emits in the meantime would show up here.
    await sleep(100);
    const events = host.events(from);
    const others = events.filter((e) => e.key !== "width");
    assert(others.length === 0, `events for other parameters: ${JSON.stringify(others)}`);
    const values = assertOneGesture(events, "width");
    const last = values.at(-1);
    const shownText = await width.getAttribute("aria-valuetext");
    assert(last.text === shownText, `the host's last value reads "${last.text}", the page shows "${shownText}"`);
    assert(last.value > 0.5, `Width did not go up: ${last.value}`);
    return `host saw ${gestureShape(events)}; ${values.map((v) => v.text).join(" → ")}`;
  });

  await check("dragging the Pan knob reaches the host as one gesture that ends at the release", async () => {
    const from = host.lines.length;
    const pan = knob(page, "Pan");
    const box = await pan.boundingBox();
    assert(box, "no Pan knob");
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) {
      await page.mouse.move(x, y - i * 5);
      await sleep(16);
    }
    await host.line("the host's first value for pan", (l) => l.startsWith("event value ") && / pan /.test(l), from, 3000);
    await sleep(300);
    const mid = host.events(from).filter((e) => e.key === "pan");
    assert(!mid.some((e) => e.kind === "gesture-end"), `the gesture ended before the release: ${gestureShape(mid)}`);
    await page.mouse.up();
    await host.line("the host's gesture-end for pan", (l) => l.startsWith("event gesture-end ") && l.endsWith(" pan"), from, 3000);
    const events = host.events(from);
    const values = assertOneGesture(events, "pan");
    // 40 px up of 200 px → +0.2 normalized → Pan +40 % → CLAP 0.7.
    const last = values.at(-1);
    assert(Math.abs(last.value - 0.7) < 1e-6, `the host's last Pan value is ${last.value} (${last.text})`);
    await until("the page to show the same Pan", async () => (await pan.getAttribute("aria-valuetext")) === last.text, 2000);
    return `host saw gesture-begin, ${values.length} values, gesture-end (${values[0].text} … ${last.text})`;
  });

  await check("host automation (set output 0.25) shows up on the Output knob within 1 s, not echoed back", async () => {
    const from = host.lines.length;
    const output = knob(page, "Output");
    const before = await output.getAttribute("aria-valuetext");
    const sent = Date.now();
    // Not 0.5: on Output's law (skewed around 0 dB) that is the default, 0 dB.
    host.send("set output 0.25");
    const [done] = await host.line("set done", (l) => l.startsWith("set done "), from, 2000);
    const hostText = done.split(" ").slice(4).join(" ");
    assert(hostText !== before, `the host's value "${hostText}" is what the page already showed`);
    await until("the Output knob to show the host's value", async () => asPluginText(await output.getAttribute("aria-valuetext")) === hostText, 1000, 10);
    const latency = Date.now() - sent;
    await sleep(200);
    const echoed = host.events(from).filter((e) => e.key === "output");
    assert(echoed.length === 0, `the plugin echoed host automation back: ${gestureShape(echoed)}`);
    return `"${before}" → "${hostText}" on the page ${latency} ms after the command`;
  });

  await check("the user renames the host's track: the tab and the top bar name it", async () => {
    const from = host.lines.length;
    assert((await page.title()) === "Webstrip", `the title before any track name: "${await page.title()}"`);
    const sent = Date.now();
    host.send("track Lead Vocals");
    await host.line("track done", (l) => l === "track done", from, 2000);
    await until("the tab to name the track", async () => (await page.title()) === "Lead Vocals · Webstrip", 1000, 10);
    const latency = Date.now() - sent;
    const shown = await page.getByTitle("On the host's track “Lead Vocals”").textContent();
    assert(shown === "Lead Vocals", `the top bar shows "${shown}"`);
    return `title "${await page.title()}" ${latency} ms after the rename; top bar "${shown}"`;
  });

  await check("the same URL without the token: the page does not connect (the WebSocket gets 401)", async () => {
    const bare = `http://127.0.0.1:${port}/`;
    const other = await browser.newPage({ viewport: { width: 760, height: 330 } });
    try {
      const response = await other.goto(bare);
      assert(response?.ok(), `GET / without the token: ${response?.status()}`);
      await sleep(1500);
      const state = await phase(other);
      assert(state !== "connected", "the page connected without the token");
      const label = await other.textContent(".connection .connection-label");
      const shown = Object.keys(await shownValues(other)).length;
      const without = await handshake(`ws://127.0.0.1:${port}/ws`);
      const wrong = await handshake(`ws://127.0.0.1:${port}/ws?token=${"0".repeat(32)}`);
      assert(without === 401 && wrong === 401, `handshake without the token ${without}, with a wrong one ${wrong}`);
      return `page "${state}" ("${label}"), ${shown} parameters shown; WebSocket 401 without and with a wrong token`;
    } finally {
      await other.close();
    }
  });

  await check("loopback only, and a page from another origin cannot connect (403)", async () => {
    assert(address.hostname === "127.0.0.1", `the URL's host is ${address.hostname}`);
    assert(/^[0-9a-f]{32}$/.test(token ?? ""), `the token is not 32 hex digits: ${token}`);
    // Nothing on the machine's other addresses.
    const elsewhere = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === "IPv4")
      .map((a) => a.address);
    const probes = [];
    for (const a of elsewhere) probes.push(`${a}: ${await tcpProbe(port, a)}`);
    assert(!probes.some((p) => p.endsWith(": open")), `the port is reachable elsewhere: ${probes.join(", ")}`);
    const wsUrl = `ws://127.0.0.1:${port}/ws?token=${token}`;
    const evil = await handshake(wsUrl, { Origin: "http://evil.example" });
    assert(evil === 403, `Origin http://evil.example with the token: ${evil}`);
    const foreign = await browser.newPage();
    try {
      const { origin, outcome } = await foreignPageResult(foreign, wsUrl);
      assert(outcome !== "opened", `a page from ${origin} opened the WebSocket with the token`);
      return `host 127.0.0.1; ${probes.length ? probes.join(", ") : "no other IPv4 address"}; Origin http://evil.example → 403; a Chromium page from ${origin} with the token → ${outcome}`;
    } finally {
      await foreign.close();
    }
  });

  await check("the screenshot is saved", async () => {
    await page.evaluate(() => document.activeElement?.blur());
    await sleep(300);
    mkdirSync(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
    return screenshotPath;
  });

  await check("no errors in the page", async () => {
    assert(pageErrors.length === 0, pageErrors.join("\n"));
  });

  await check("closing the host (stdin EOF) closes the port and the page shows it lost the connection", async () => {
    const exit = await host.close();
    assert(exit.code === 0, `the host exited with ${JSON.stringify(exit)}:\n${host.output()}`);
    assert(host.lines.at(-1) === "bye", `the host's last line: ${host.lines.at(-1)}`);
    const probe = await tcpProbe(port);
    assert(probe === "ECONNREFUSED", `connecting to ${port} after the exit: ${probe}`);
    await until("the page to show reconnecting", async () => (await phase(page)) !== "connected", 5000);
    const label = await page.textContent(".connection .connection-label");
    return `exit 0; port ${port}: ${probe}; page "${await phase(page)}" ("${label}")`;
  });

  await devServerLoop();
}

/**
 * A copy of ui/ for Vite to serve and the test to edit (dependencies: the npm workspace's
 * node_modules, linked; the toolkit's UI package from the repository, through it).
 */
function uiCopy() {
  const ui = path.join(repo, "ui");
  const copy = path.join(tmp, "ui");
  for (const file of ["index.html", "package.json", "tsconfig.json", "vite.config.ts"]) {
    cpSync(path.join(ui, file), path.join(copy, file));
  }
  cpSync(path.join(repo, "tsconfig.base.json"), path.join(tmp, "tsconfig.base.json"));
  cpSync(path.join(ui, "src"), path.join(copy, "src"), { recursive: true });
  symlinkSync(path.join(repo, "node_modules"), path.join(copy, "node_modules"), "dir");
  return copy;
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The UI developer's loop: Vite's page on a DAW's instance, hot reload included. */
async function devServerLoop() {
  const copy = uiCopy();
  const { createServer } = await import("vite");
  const vitePort = await freePort();
  vite = await createServer({
    root: copy,
    configFile: path.join(copy, "vite.config.ts"),
    cacheDir: path.join(copy, ".vite"),
    logLevel: "silent",
    clearScreen: false,
    server: { host: "127.0.0.1", port: vitePort, strictPort: true, fs: { allow: [copy, path.join(repo, "toolkit-ui"), path.join(repo, "node_modules")] } },
  });
  await vite.listen();
  const devServer = `http://127.0.0.1:${vitePort}`;
  devHost = startHost("dev-plugin", { WEBUI_DEV_URL: devServer });
  const devUrl = await devHost.devUrl();
  await devHost.line("the second host to process", (line) => line.startsWith("ready "));
  const token = new URL(devUrl).searchParams.get("token");
  const page = await browser.newPage({ viewport: { width: 760, height: 330 } });
  const pageErrors = collectPageErrors(page);

  await check("the Vite dev server's page (the logged devUrl, Vite on a free port) drives the instance", async () => {
    assert(devUrl.startsWith(`${devServer}/?ws=ws://127.0.0.1:`), `the logged dev page: ${devUrl}`);
    const opened = Date.now();
    await page.goto(devUrl);
    await until("the page to connect", async () => (await phase(page)) === "connected", 15_000);
    const connectedMs = Date.now() - opened;
    const shown = await until("10 parameters on the page", async () => {
      const values = await shownValues(page);
      return Object.keys(values).length >= 10 ? values : null;
    });
    const text = await page.evaluate(() => document.body.innerText + document.body.innerHTML);
    assert(!text.includes(token), "the page shows the token");
    const from = devHost.lines.length;
    await knob(page, "Width").focus();
    await page.keyboard.press("ArrowUp");
    await devHost.line("the host's gesture-end for width", (l) => l.startsWith("event gesture-end ") && l.endsWith(" width"), from, 3000);
    assertOneGesture(devHost.events(from), "width");
    return `connected ${connectedMs} ms after the load (served by Vite at ${devServer}); ${Object.keys(shown).length} parameters; a key → one host gesture`;
  });

  await check("a style edit reaches the open page by hot reload: no page reload, still connected and driving the host", async () => {
    await page.evaluate(() => {
      window.__beforeEdit = true;
    });
    const brand = page.locator(".brand-name");
    const before = await brand.evaluate((el) => getComputedStyle(el).color);
    const saved = Date.now();
    appendFileSync(path.join(copy, "src", "styles.css"), "\n.brand-name { color: rgb(255, 0, 255); }\n");
    await until("the new style on the page", async () => (await brand.evaluate((el) => getComputedStyle(el).color)) === "rgb(255, 0, 255)", 5000, 10);
    const swapMs = Date.now() - saved;
    assert(await page.evaluate(() => window.__beforeEdit === true), "the page reloaded instead of swapping the style");
    assert((await phase(page)) === "connected", `the page's connection: ${await phase(page)}`);
    const from = devHost.lines.length;
    devHost.send("set output 0.25");
    const [done] = await devHost.line("set done", (l) => l.startsWith("set done "), from, 2000);
    const hostText = done.split(" ").slice(4).join(" ");
    await until("the Output knob to show the host's value", async () => asPluginText(await knob(page, "Output").getAttribute("aria-valuetext")) === hostText, 2000, 10);
    return `${before} → rgb(255, 0, 255) ${swapMs} ms after the save, same page; host automation → "${hostText}" on the page`;
  });

  await check("no errors in the dev server's page", async () => {
    assert(pageErrors.length === 0, pageErrors.join("\n"));
  });

  await page.close();
  await devHost.close();
  await vite.close();
  vite = null;
}

const guard = setTimeout(() => {
  log("FAIL - the in-host end-to-end run took over 90 s");
  void finish(1);
}, 90_000);

async function finish(forced = 0) {
  clearTimeout(guard);
  await browser?.close().catch(() => undefined);
  await host?.close().catch(() => undefined);
  await devHost?.close().catch(() => undefined);
  await vite?.close().catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
  report(forced);
}

main()
  .catch((error) => {
    log(`FAIL - ${error instanceof Error ? error.stack : String(error)}`);
    if (host) log(`# host output:\n${host.output()}`);
    if (devHost) log(`# second host output:\n${devHost.output()}`);
    return finish(1);
  })
  .then(() => finish());
