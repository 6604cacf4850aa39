import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BridgeClientContext, BridgeClient, getTransport } from "webui-toolkit";
import "webui-toolkit/styles.css";
import { Gain } from "./Gain";
import "./styles.css";

// The native editor's IPC inside a host, else a WebSocket to the plugin's bridge.
const bridge = new BridgeClient(getTransport()).start();

createRoot(document.getElementById("root") ?? document.body).render(
  <StrictMode>
    <BridgeClientContext.Provider value={bridge}>
      <Gain />
    </BridgeClientContext.Provider>
  </StrictMode>,
);
