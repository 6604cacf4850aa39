import { useEffect, useRef, useState } from "react";
import { RpcError } from "../ipc/errors";
import { useBridgeClient } from "../ipc/hooks";

type State =
  | { phase: "idle" }
  | { phase: "opening" }
  | { phase: "open"; url: string; dev: boolean }
  | { phase: "failed"; reason: string };

const COPIED = "Copied";
/** How long "Copied" stays. */
const COPIED_MS = 2500;

/** What went wrong, for the status: the plugin's message and its reason (`data`), if any. */
export function describeFailure(error: unknown): string {
  if (error instanceof RpcError) {
    return typeof error.data === "string" && error.data !== "" ? `${error.detail}: ${error.data}` : error.detail;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * "Open in browser", for the editor's own page inside a host (App shows it only where `getInfo`
 * says `canOpenInBrowser`): starts the instance's browser server on demand (`openInBrowser`) and
 * shows the page's URL, token included, to copy into a browser — the UI dev server's page instead
 * when the host's environment names one (`WEBUI_DEV_URL`). The editor is a webview (WebKitGTK
 * on Linux) that opens no browser windows: the link is a bonus, the address is the point.
 */
export function OpenInBrowser() {
  const bridge = useBridgeClient();
  const [state, setState] = useState<State>({ phase: "idle" });
  const [note, setNote] = useState("");
  const field = useRef<HTMLInputElement>(null);

  // The button goes away once the address is there: focus (and select) the address instead.
  const shownUrl = state.phase === "open" ? state.url : null;
  useEffect(() => {
    if (shownUrl === null) return;
    field.current?.focus();
    field.current?.select();
  }, [shownUrl]);

  useEffect(() => {
    if (note !== COPIED) return;
    const timer = setTimeout(() => {
      setNote("");
    }, COPIED_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [note]);

  const open = () => {
    setState({ phase: "opening" });
    setNote("");
    bridge.request("openInBrowser").then(
      (link) => {
        // With a UI dev server in the host's environment, its page (hot reload) is the one a UI
        // developer wants; it drives the same instance.
        // (An older plugin's answer has no devUrl at all.)
        const devUrl: unknown = link.devUrl;
        setState(
          typeof devUrl === "string" && devUrl !== ""
            ? { phase: "open", url: devUrl, dev: true }
            : { phase: "open", url: link.url, dev: false },
        );
      },
      (error: unknown) => {
        setState({ phase: "failed", reason: describeFailure(error) });
      },
    );
  };

  const copy = async (url: string) => {
    // No clipboard API outside secure contexts (and some webviews): select it for Ctrl+C then.
    const clipboard = (navigator as Partial<Navigator>).clipboard;
    try {
      if (!clipboard) throw new Error("no clipboard API");
      await clipboard.writeText(url);
      setNote(COPIED);
    } catch {
      field.current?.focus();
      field.current?.select();
      setNote("Selected: copy with Ctrl+C (⌘C)");
    }
  };

  const status = state.phase === "failed" ? state.reason : note;
  return (
    <div className="browser" role="group" aria-label="Open in browser" data-phase={state.phase}>
      <span
        className={`browser-status${state.phase === "failed" ? " is-error" : ""}`}
        role="status"
        aria-live="polite"
        title={status || undefined}
      >
        {status}
      </span>
      {state.phase === "open" ? (
        <>
          <input
            ref={field}
            className="browser-url"
            type="text"
            readOnly
            value={state.url}
            aria-label="Browser address"
            title={state.dev ? `The UI dev server's page (hot reload), driving this instance: ${state.url}` : state.url}
            spellCheck={false}
            onFocus={(event) => {
              event.currentTarget.select();
            }}
          />
          <button
            type="button"
            className="browser-button"
            onClick={() => {
              void copy(state.url);
            }}
          >
            Copy
          </button>
          <a className="browser-button browser-link" href={state.url} target="_blank" rel="noreferrer">
            Open
          </a>
        </>
      ) : (
        <button
          type="button"
          className="browser-button"
          disabled={state.phase === "opening"}
          title="Start this instance's browser server and show its address"
          onClick={open}
        >
          {state.phase === "opening" ? "Opening…" : "Open in browser"}
        </button>
      )}
    </div>
  );
}
