import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), "utf8");

describe("version", () => {
  it("ui/package.json carries the workspace version of the root Cargo.toml", () => {
    const cargo = read("../../Cargo.toml");
    const section = /^\[workspace\.package\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(cargo)?.[1];
    const version = section && /^version\s*=\s*"([^"]+)"/m.exec(section)?.[1];
    const pkg = JSON.parse(read("../package.json")) as { version: string };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(pkg.version).toBe(version);
  });
});
