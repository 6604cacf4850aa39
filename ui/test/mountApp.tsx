import { act, render } from "@testing-library/react";
import { App } from "../src/App";
import { BridgeContext, IpcBridge, type Info } from "@webstrip/toolkit-ui";
import { FakeTransport, flush, type FakePlugin } from "@webstrip/toolkit-ui/testing";
import { fakeWebstrip } from "./webstrip";

/**
 * Renders the whole app on a {@link FakePlugin} whose `getInfo` answer has `info` (after
 * `prepare` set it up further) and connects it; returns the fakes and the bridge.
 */
export async function mountApp(info: Partial<Info> = {}, prepare: (plugin: FakePlugin) => void = () => undefined) {
  const transport = new FakeTransport();
  const plugin = fakeWebstrip(transport);
  plugin.info = info;
  prepare(plugin);
  const bridge = new IpcBridge(transport, { onError: () => undefined }).start();
  render(
    <BridgeContext.Provider value={bridge}>
      <App />
    </BridgeContext.Provider>,
  );
  await act(async () => {
    transport.connect();
    await flush(20);
  });
  return { transport, plugin, bridge };
}
