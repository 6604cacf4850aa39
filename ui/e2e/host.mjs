// A plugin instance inside `clap-test-host run`, for the end-to-end scripts (ui/e2e/in-host.mjs,
// examples/gain/ui/e2e/run.mjs).

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { assert, until } from "./harness.mjs";

/**
 * `clap-test-host run BUNDLE PLUGIN_ID`: one instance processing a quiet sine in real time, with
 * its browser server on a free port (`WEBUI_BROWSER_PORT=0`); its stdout as lines, its stdin for
 * commands (`set <key> <value>`), the plugin's log file (`NICE_LOG`).
 */
export class Host {
  /**
   * `bin`: clap-test-host; `dir`: where the log goes (`<name>.log`); `env`: more of the host's
   * environment.
   */
  constructor({ bin, bundle, pluginId, dir, name = "plugin", env = {} }) {
    this.logPath = path.join(dir, `${name}.log`);
    this.lines = [];
    this.stderr = "";
    const environment = { ...process.env, WEBUI_BROWSER_PORT: "0", NICE_LOG: this.logPath, ...env };
    this.child = spawn(bin, ["run", bundle, pluginId], { env: environment, stdio: ["pipe", "pipe", "pipe"] });
    createInterface({ input: this.child.stdout }).on("line", (line) => this.lines.push(line));
    this.child.stderr.on("data", (chunk) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8000);
    });
    this.exited = new Promise((resolve) => this.child.on("exit", (code, signal) => resolve({ code, signal })));
  }

  running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The instance's browser server URL, once the plugin logged it. */
  async url() {
    return this.logged("its browser server URL", /browser server at (\S+)/);
  }

  /** The dev server's page pointed at the instance, once the plugin logged it. */
  async devUrl() {
    return this.logged("its dev server page", /with the UI dev server: (\S+)\)/);
  }

  /** The first group of `pattern` in the plugin's log, once it is there. */
  async logged(what, pattern) {
    const url = await until(
      `the plugin to log ${what}`,
      () => {
        if (!this.running()) return "exited";
        let text;
        try {
          text = readFileSync(this.logPath, "utf8");
        } catch {
          return null;
        }
        return pattern.exec(text)?.[1] ?? null;
      },
      15_000,
      50,
    );
    if (url === "exited") throw new Error(`the host exited early:\n${this.output()}`);
    return url;
  }

  /** Waits for the first line from index `from` on that `matches`; returns [line, index]. */
  async line(what, matches, from = 0, timeoutMs = 5000) {
    return until(
      what,
      () => {
        const at = this.lines.findIndex((line, i) => i >= from && matches(line));
        return at >= 0 ? [this.lines[at], at] : null;
      },
      timeoutMs,
      10,
    );
  }

  /** The `event …` lines from index `from` on, parsed. */
  events(from = 0) {
    return this.lines
      .slice(from)
      .filter((line) => line.startsWith("event "))
      .map((line) => {
        const [, kind, id, key, value, ...text] = line.split(" ");
        return { kind, id: Number(id), key, value: value === undefined ? undefined : Number(value), text: text.join(" ") };
      });
  }

  send(line) {
    this.child.stdin.write(`${line}\n`);
  }

  /** Ends stdin (the host's signal to quit); returns how it exited. */
  async close() {
    if (!this.running()) return this.exited;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  output() {
    let logged = "";
    try {
      logged = readFileSync(this.logPath, "utf8").slice(-4000);
    } catch {
      // no log yet
    }
    return `--- stdout\n${this.lines.slice(-40).join("\n")}\n--- stderr\n${this.stderr}\n--- plugin log\n${logged}`;
  }
}

/** Events as text: `gesture-begin value value gesture-end`. */
export function gestureShape(events) {
  return events.map((e) => (e.kind === "value" ? "value" : e.kind)).join(" ");
}

/** Checks that `events` (of one parameter) are one gesture: begin, values, end. */
export function assertOneGesture(events, key) {
  const shape = gestureShape(events);
  assert(
    /^gesture-begin( value)+ gesture-end$/.test(shape),
    `expected gesture-begin, value(s), gesture-end for ${key}, the host saw: ${shape || "nothing"}`,
  );
  return events.filter((e) => e.kind === "value");
}
