#!/usr/bin/env node
// End-to-end test of the example plugin's page: the built page of examples/gain/ui, in Debian's
// Chromium (playwright-core), over the WebSocket of the browser server of a gain instance inside
// a real CLAP host.
//
//   CLAP_TEST_HOST_BIN=/path/to/clap-test-host GAIN_CLAP=/path/to/Gain.clap npm run e2e
//
// Runs `$CLAP_TEST_HOST_BIN run $GAIN_CLAP <its plugin id>` (one instance processing a quiet sine
// in real time) with WEBUI_BROWSER_PORT=0, opens the URL the instance logs and checks the page against
// the host. The parameters come from the plugin (`getAllParameters`), never from this file. Prints
// one line per check and `N passed, M failed`; exits non-zero on any failure. Saves a screenshot
// to <repo>/target/ui-e2e-gain.png. Env: CHROMIUM (default /usr/bin/chromium).

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { asPluginText, assert, check, collectPageErrors, launchChromium, log, phase, report, sleep, until } from "../../../../ui/e2e/harness.mjs";
import { Host, assertOneGesture, gestureShape } from "../../../../ui/e2e/host.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const screenshotPath = path.join(repo, "target", "ui-e2e-gain.png");
const hostBin = process.env.CLAP_TEST_HOST_BIN;
const bundle = process.env.GAIN_CLAP;
const tmp = mkdtempSync(path.join(os.tmpdir(), "gain-e2e-"));
let host = null;
let browser = null;

/** The bundle's one plugin id: the first line of the host's listing of it. */
function pluginId() {
  const listing = execFileSync(hostBin, [bundle], { encoding: "utf8", timeout: 20_000 });
  const id = listing.split("\n")[0]?.trim();
  assert(id && !id.includes(" "), `no plugin id in the listing of ${bundle}:\n${listing}`);
  return id;
}

/** A second client on the instance's bridge: one request, its result. */
function request(wsUrl, method, params) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, { headers: { Origin: new URL(wsUrl.replace(/^ws/, "http")).origin } });
    socket.once("error", reject);
    socket.once("open", () => socket.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params })));
    socket.on("message", (data) => {
      const message = JSON.parse(String(data));
      if (message.id !== 1) return;
      socket.close();
      if (message.error) reject(new Error(`${method}: ${message.error.message}`));
      else resolve(message.result);
    });
  });
}

async function main() {
  if (!hostBin || !bundle) {
    log("FAIL - CLAP_TEST_HOST_BIN (the clap-test-host binary) and GAIN_CLAP (the example's .clap bundle) must be set");
    log("0 passed, 1 failed");
    process.exit(1);
  }
  const id = pluginId();
  host = new Host({ bin: hostBin, bundle, pluginId: id, dir: tmp });
  const url = await host.url();
  await host.line("the host to process", (line) => line.startsWith("ready "));
  const address = new URL(url);
  const wsUrl = `ws://${address.host}/ws?token=${address.searchParams.get("token")}`;
  log(`# ${path.basename(hostBin)} run ${bundle} ${id}: browser server at ${url}`);

  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 480, height: 360 } });
  const pageErrors = collectPageErrors(page);
  /** The knob's parameter, as the plugin describes it. */
  let param = null;
  const knob = () => page.getByRole("slider", { name: param.name, exact: true });

  await check("the page from the logged URL connects and shows the knob with the instance's value", async () => {
    await page.goto(url);
    await until("the page to connect", async () => (await phase(page)) === "connected", 10_000);
    const { parameters } = await request(wsUrl, "getAllParameters");
    const sliders = await page.getByRole("slider").all();
    assert(sliders.length === 1, `${sliders.length} knobs on the page`);
    const name = await sliders[0].getAttribute("aria-label");
    param = parameters.find((p) => p.name === name);
    assert(param, `the knob "${name}" is none of the plugin's parameters: ${parameters.map((p) => p.name).join(", ")}`);
    const shown = asPluginText(await knob().getAttribute("aria-valuetext"));
    assert(shown === param.text, `the knob shows "${shown}", the instance has "${param.text}"`);
    return `${parameters.length} parameter(s) (${parameters.map((p) => p.id).join(", ")}); the knob: ${param.name} = ${param.text}`;
  });

  await check("an arrow key on the knob reaches the host as one gesture with the page's value", async () => {
    const from = host.lines.length;
    await knob().focus();
    await page.keyboard.press("ArrowUp");
    await host.line(`the host's gesture-end for ${param.id}`, (l) => l.startsWith("event gesture-end ") && l.endsWith(` ${param.id}`), from, 3000);
    const values = assertOneGesture(host.events(from).filter((e) => e.key === param.id), param.id);
    const last = values.at(-1);
    await until("the page to show the host's value", async () => asPluginText(await knob().getAttribute("aria-valuetext")) === last.text, 2000);
    return `host saw gesture-begin, ${values.length} value(s), gesture-end: ${param.text} → ${last.text}`;
  });

  await check("host automation shows up on the knob within 1 s and is not echoed back", async () => {
    const from = host.lines.length;
    const before = await knob().getAttribute("aria-valuetext");
    const sent = Date.now();
    host.send(`set ${param.id} 0.25`);
    const [done] = await host.line("set done", (l) => l.startsWith("set done "), from, 2000);
    const hostText = done.split(" ").slice(4).join(" ");
    assert(hostText !== asPluginText(before), `the host's value "${hostText}" is what the page already showed`);
    await until("the knob to show the host's value", async () => asPluginText(await knob().getAttribute("aria-valuetext")) === hostText, 1000, 10);
    const latency = Date.now() - sent;
    await sleep(200);
    const echoed = host.events(from).filter((e) => e.key === param.id);
    assert(echoed.length === 0, `the plugin echoed host automation back: ${gestureShape(echoed)}`);
    return `"${before}" → "${hostText}" on the page ${latency} ms after the command`;
  });

  await check("the peak meter reads the host's sine", async () => {
    const readouts = () => page.locator("[data-meter=out] .meter-readout").allTextContents();
    const moving = await until("a peak readout above −∞", async () => {
      const texts = await readouts();
      return texts.some((t) => /\d/.test(t)) ? texts : null;
    }, 3000);
    await page.screenshot({ path: screenshotPath });
    return `readouts ${moving.join(" ")} dBFS; screenshot ${screenshotPath}`;
  });

  await check("no errors in the page", async () => {
    assert(pageErrors.length === 0, pageErrors.join("\n"));
  });

  await check("closing the host exits 0 and the page shows it lost the connection", async () => {
    const exit = await host.close();
    assert(exit.code === 0, `the host exited with ${JSON.stringify(exit)}:\n${host.output()}`);
    await until("the page to show it is offline", async () => (await phase(page)) !== "connected", 5000);
    await until("the offline overlay", async () => (await page.getByRole("alertdialog").textContent())?.includes("not connected"), 3000);
    return `exit 0; "${await page.getByRole("alertdialog").locator("h1").textContent()}"`;
  });
}

// Whatever hangs, the test ends (and says so) within a minute.
const guard = setTimeout(() => {
  log("FAIL - the test did not finish within 60 s");
  void finish(1);
}, 60_000);

async function finish(forced = 0) {
  clearTimeout(guard);
  await browser?.close().catch(() => undefined);
  await host?.close().catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
  report(forced);
}

main()
  .then(() => finish())
  .catch((error) => {
    log(`FAIL - ${error instanceof Error ? error.stack : String(error)}`);
    if (host) log(`# host output:\n${host.output()}`);
    return finish(1);
  });
