// @vitest-environment jsdom
import { act, cleanup, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { flush } from "webui-toolkit/testing";
import { mountApp } from "./mountApp";

afterEach(cleanup);

const mount = mountApp;

const settle = () =>
  act(async () => {
    await flush(20);
  });

const track = () => screen.queryByTitle(/^On the host's track/);

describe("the host's track name", () => {
  it("is not shown when the host gives none", async () => {
    await mount({ trackName: null });
    expect(screen.getByRole("slider", { name: "Width" })).toBeTruthy();
    expect(track()).toBeNull();
    expect(document.title).toBe("Webstrip");
  });

  it("names the track in the top bar and the tab, and follows renames", async () => {
    const { plugin } = await mount({ trackName: "Bass" });
    expect(track()?.textContent).toBe("Bass");
    expect(document.title).toBe("Bass · Webstrip");

    plugin.renameTrack("Drums");
    await settle();
    expect(track()?.textContent).toBe("Drums");
    expect(document.title).toBe("Drums · Webstrip");

    plugin.renameTrack(null);
    await settle();
    expect(track()).toBeNull();
    expect(document.title).toBe("Webstrip");
  });

  it("is read again after a parametersReset (a client that fell behind missed the change)", async () => {
    const { plugin, transport } = await mount({ trackName: "Bass" });
    const before = transport.requests().filter((r) => r.method === "getInfo").length;
    plugin.renameTrack("Keys", false);
    await settle();
    expect(track()?.textContent).toBe("Bass");
    plugin.reset();
    await settle();
    expect(transport.requests().filter((r) => r.method === "getInfo").length).toBe(before + 1);
    expect(track()?.textContent).toBe("Keys");
    expect(document.title).toBe("Keys · Webstrip");
  });
});
