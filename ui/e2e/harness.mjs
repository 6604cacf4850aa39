// What the end-to-end scripts share: the check/report harness (one line per check, a final
// `N passed, M failed`), waiting helpers, a free port, Debian's Chromium, and reading the page.

import net from "node:net";
import { chromium } from "playwright-core";

const results = [];

export function log(line) {
  process.stdout.write(`${line}\n`);
}

/** Runs one check: `ok   - name (ms)[: detail]` or `FAIL - name: reason`. */
export async function check(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    results.push({ name, ok: true });
    log(`ok   - ${name} (${Date.now() - started} ms)${detail ? `: ${detail}` : ""}`);
  } catch (error) {
    results.push({ name, ok: false });
    log(`FAIL - ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Prints `N passed, M failed` (`forced` adds failures outside any check) and exits. */
export function report(forced = 0) {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed + forced;
  log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(what, predicate, timeoutMs = 5000, everyMs = 25) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await predicate();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await sleep(everyMs);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Debian's Chromium (`$CHROMIUM`, default /usr/bin/chromium), headless. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Page errors and console errors (WebSocket connection errors aside), collected as they come. */
export function collectPageErrors(page) {
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().includes("WebSocket")) errors.push(message.text());
  });
  return errors;
}

/** What the page shows for each parameter, read from its ARIA. */
/** The plugin's text for what the page shows: the page typesets the plugin's "-" as "−" and "-inf" as "−∞". */
export function asPluginText(shown) {
  return (shown ?? "").replace(/\u2212\u221e/g, "-inf").replace(/\u2212/g, "-");
}

export async function shownValues(page) {
  return page.evaluate(() => {
    const shown = {};
    for (const el of document.querySelectorAll("[role=slider]")) {
      shown[el.getAttribute("aria-label")] = {
        value: Number(el.getAttribute("aria-valuenow")),
        text: el.getAttribute("aria-valuetext"),
      };
    }
    for (const el of document.querySelectorAll("[role=switch]")) {
      shown[el.getAttribute("aria-label")] = { value: el.getAttribute("aria-checked") === "true" ? 1 : 0 };
    }
    for (const group of document.querySelectorAll("[role=radiogroup]")) {
      const radios = [...group.querySelectorAll("[role=radio]")];
      const index = radios.findIndex((r) => r.getAttribute("aria-checked") === "true");
      shown[group.getAttribute("aria-label")] = { value: index, text: radios[index]?.textContent ?? "" };
    }
    return shown;
  });
}

/** The connection status's phase: connecting, connected, reconnecting or disconnected. */
export async function phase(page) {
  return page.getAttribute(".connection", "data-phase");
}
