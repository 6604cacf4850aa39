import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BridgeContext, IpcBridge, getTransport } from "@webstrip/toolkit-ui";
import "@webstrip/toolkit-ui/styles.css";
import { App } from "./App";
import "./styles.css";

const bridge = new IpcBridge(getTransport()).start();

// Diagnostics for developers and the end-to-end test: counters only, no control.
Object.defineProperty(window, "__webstrip", {
  value: Object.freeze({ stats: bridge.stats, transport: bridge.transport.kind }),
  configurable: true,
});

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing");
createRoot(root).render(
  <StrictMode>
    <BridgeContext.Provider value={bridge}>
      <App />
    </BridgeContext.Provider>
  </StrictMode>,
);
