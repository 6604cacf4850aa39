import { act, render } from "@testing-library/react";
import { App } from "../src/App";
import { BridgeClientContext, BridgeClient, type Info } from "webui-toolkit";
import { FakeTransport, flush, type FakePlugin } from "webui-toolkit/testing";
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
  const bridge = new BridgeClient(transport, { onError: () => undefined }).start();
  render(
    <BridgeClientContext.Provider value={bridge}>
      <App />
    </BridgeClientContext.Provider>,
  );
  await act(async () => {
    transport.connect();
    await flush(20);
  });
  return { transport, plugin, bridge };
}
