import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BridgeContext, IpcBridge, getTransport } from "@webstrip/toolkit-ui";
import "@webstrip/toolkit-ui/styles.css";
import { Gain } from "./Gain";
import "./styles.css";

// The native editor's IPC inside a host, else a WebSocket to the plugin's bridge.
const bridge = new IpcBridge(getTransport()).start();

createRoot(document.getElementById("root") ?? document.body).render(
  <StrictMode>
    <BridgeContext.Provider value={bridge}>
      <Gain />
    </BridgeContext.Provider>
  </StrictMode>,
);
