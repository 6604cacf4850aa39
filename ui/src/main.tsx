import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BridgeClientContext, BridgeClient, getTransport } from "webui-toolkit";
import "webui-toolkit/styles.css";
import { App } from "./App";
import "./styles.css";

const bridge = new BridgeClient(getTransport()).start();

// Diagnostics for developers and the end-to-end test: counters only, no control.
Object.defineProperty(window, "__webstrip", {
  value: Object.freeze({ stats: bridge.stats, transport: bridge.transport.kind }),
  configurable: true,
});

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing");
createRoot(root).render(
  <StrictMode>
    <BridgeClientContext.Provider value={bridge}>
      <App />
    </BridgeClientContext.Provider>
  </StrictMode>,
);
