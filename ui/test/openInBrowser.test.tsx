// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ErrorCode, RpcError, describeFailure } from "webui-toolkit";
import { type FakeTransport, flush } from "webui-toolkit/testing";
import { mountApp } from "./mountApp";

const URL = "http://127.0.0.1:43121/?token=0123456789abcdef0123456789abcdef";

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(navigator, "clipboard");
});

const mount = mountApp;

const settle = () =>
  act(async () => {
    await flush(50);
  });

const control = () => screen.getByRole("group", { name: "Open in browser" });
const openButton = () => within(control()).getByRole("button", { name: "Open in browser" });
const status = () => within(control()).getByRole("status");
const address = () => within(control()).getByRole<HTMLInputElement>("textbox", { name: "Browser address" });
const requestsOf = (transport: FakeTransport, method: string) => transport.requests().filter((r) => r.method === method);

describe("Open in browser", () => {
  it("is not there unless getInfo says canOpenInBrowser (browser page, standalone, older plugins)", async () => {
    await mount({ canOpenInBrowser: false });
    expect(screen.getByRole("slider", { name: "Width" })).toBeTruthy();
    expect(screen.queryByRole("group", { name: "Open in browser" })).toBeNull();
    expect(screen.queryByRole("button", { name: /browser/i })).toBeNull();
    cleanup();

    // An older plugin's getInfo has no canOpenInBrowser at all.
    await mount({ canOpenInBrowser: undefined });
    expect(screen.queryByRole("group", { name: "Open in browser" })).toBeNull();
  });

  it("is there for the editor's page; a click asks once and shows the address to copy or follow", async () => {
    const { transport } = await mount({ canOpenInBrowser: true, transport: "pipe" }, (plugin) => {
      plugin.browser = { url: URL };
    });
    expect(requestsOf(transport, "openInBrowser")).toHaveLength(0); // on demand only
    expect(status().textContent).toBe("");
    fireEvent.click(openButton());
    await settle();

    const sent = requestsOf(transport, "openInBrowser");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.params).toBeUndefined();
    expect(address().value).toBe(URL);
    expect(address().readOnly).toBe(true);
    expect(document.activeElement).toBe(address());
    const link = within(control()).getByRole("link", { name: "Open" });
    expect(link.getAttribute("href")).toBe(URL);
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")).toBe("noreferrer");
    expect(within(control()).queryByRole("button", { name: "Open in browser" })).toBeNull();
    expect(within(control()).getByRole("button", { name: "Copy" })).toBeTruthy();
    // The strip is untouched.
    expect(screen.getByRole("slider", { name: "Width" }).getAttribute("aria-valuenow")).toBe("100");
  });

  it("offers the UI dev server's page instead when the plugin names one", async () => {
    const dev = "http://localhost:5173/?ws=ws://127.0.0.1:43121/ws&token=0123456789abcdef0123456789abcdef";
    await mount({ canOpenInBrowser: true }, (plugin) => {
      plugin.browser = { url: URL, devUrl: dev };
    });
    fireEvent.click(openButton());
    await settle();
    expect(address().value).toBe(dev);
    expect(address().title).toContain("dev server");
    expect(within(control()).getByRole("link", { name: "Open" }).getAttribute("href")).toBe(dev);
  });

  it("is disabled while the request is pending", async () => {
    const { transport, plugin } = await mount({ canOpenInBrowser: true }, (p) => {
      p.silent.add("openInBrowser");
    });
    fireEvent.click(openButton());
    await settle();
    const button = within(control()).getByRole<HTMLButtonElement>("button", { name: "Opening…" });
    expect(button.disabled).toBe(true);
    fireEvent.click(button);
    await settle();
    const sent = requestsOf(transport, "openInBrowser");
    expect(sent).toHaveLength(1);

    plugin.silent.delete("openInBrowser");
    await act(async () => {
      transport.deliver({ jsonrpc: "2.0", id: sent[0]?.id, result: { url: URL } });
      await flush();
    });
    expect(address().value).toBe(URL);
  });

  it("shows the plugin's error and its reason in the status, keeps the strip, and can try again", async () => {
    const { transport, plugin } = await mount({ canOpenInBrowser: true }, (p) => {
      p.browser = {
        error: { code: ErrorCode.Unavailable, message: "the browser server did not start", data: "port 43121 is taken" },
      };
    });
    fireEvent.click(openButton());
    await settle();
    expect(status().textContent).toBe("the browser server did not start: port 43121 is taken");
    expect(status().getAttribute("aria-live")).toBe("polite");
    expect(within(control()).queryByRole("textbox")).toBeNull();
    expect((openButton() as HTMLButtonElement).disabled).toBe(false);
    // The rest of the UI still works.
    fireEvent.click(screen.getByRole("switch", { name: "Mute" }));
    await settle();
    expect(plugin.param("mute").value).toBe(1);

    plugin.browser = { url: URL };
    fireEvent.click(openButton());
    await settle();
    expect(requestsOf(transport, "openInBrowser")).toHaveLength(2);
    expect(status().textContent).toBe("");
    expect(address().value).toBe(URL);
  });

  it("shows an error without a reason, and a lost connection, as they come", async () => {
    await mount({ canOpenInBrowser: true }, (p) => {
      p.browser = { error: { code: ErrorCode.Unavailable, message: "only the editor's own page can open the browser server" } };
    });
    fireEvent.click(openButton());
    await settle();
    expect(status().textContent).toBe("only the editor's own page can open the browser server");
    expect(status().className).toContain("is-error");
    expect(describeFailure(new Error("openInBrowser: not connected yet"))).toBe("openInBrowser: not connected yet");
    expect(describeFailure(new RpcError("openInBrowser", { code: -32003, message: "no", data: { port: 1 } }))).toBe("no");
  });

  it("copies the address with the clipboard API", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await mount({ canOpenInBrowser: true }, (p) => {
      p.browser = { url: URL };
    });
    fireEvent.click(openButton());
    await settle();
    fireEvent.click(within(control()).getByRole("button", { name: "Copy" }));
    await settle();
    expect(writeText).toHaveBeenCalledWith(URL);
    expect(status().textContent).toBe("Copied");
  });

  it("selects the address for the keyboard where there is no clipboard API (or it refuses)", async () => {
    await mount({ canOpenInBrowser: true }, (p) => {
      p.browser = { url: URL };
    });
    fireEvent.click(openButton());
    await settle();
    const field = address();
    field.setSelectionRange(0, 0);
    within(control()).getByRole("button", { name: "Copy" }).focus();
    fireEvent.click(within(control()).getByRole("button", { name: "Copy" }));
    await settle();
    expect(document.activeElement).toBe(field);
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, URL.length]);
    expect(status().textContent).toMatch(/Ctrl\+C/);

    const writeText = vi.fn(() => Promise.reject(new Error("not allowed")));
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    field.setSelectionRange(0, 0);
    fireEvent.click(within(control()).getByRole("button", { name: "Copy" }));
    await settle();
    expect(writeText).toHaveBeenCalledWith(URL);
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, URL.length]);
    expect(status().textContent).toMatch(/Ctrl\+C/);
  });
});
