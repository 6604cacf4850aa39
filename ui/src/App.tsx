import { memo, useEffect, type ReactNode } from "react";
import {
  ConnectionStatus,
  CorrelationMeter,
  Knob,
  LevelMeter,
  OfflineOverlay,
  OpenInBrowser,
  ResyncNotice,
  Selector,
  Toggle,
  useBridgeClient,
  useConnectionStatus,
  useOffline,
  useParameter,
  useParameterIds,
  type Accent,
  type MeterFrame,
} from "webui-toolkit";

// The Webstrip layout: the only file that knows Webstrip's parameter ids. Everything is sized in
// `em` of the root font size, which follows the window (styles.css, "scale"): the strip is one
// drawing scaled as a whole, so every size from 360×240 to full screen shows all of it.

const pickOutput = (frame: MeterFrame) => frame.channels;
// Older plugins' frames have neither (undefined: the meter keeps its last state).
const pickInput = (frame: MeterFrame) => frame.input as MeterFrame["input"] | undefined;
const pickCorrelation = (frame: MeterFrame) => frame.correlation as MeterFrame["correlation"] | undefined;

const TOGGLES: Record<string, { caption: string; accent: Accent }> = {
  invert_l: { caption: "Ø L", accent: "blue" },
  invert_r: { caption: "Ø R", accent: "blue" },
  swap: { caption: "L⇄R", accent: "blue" },
  mono: { caption: "Mono", accent: "blue" },
  dc_filter: { caption: "DC cut", accent: "green" },
  mute: { caption: "Mute", accent: "red" },
  bypass: { caption: "Bypass", accent: "amber" },
};

/** The ids placed by the layout below; any other parameter goes to "More". */
const PLACED = new Set([
  "input",
  "tone",
  "tone_level",
  "dc_filter",
  "pan",
  "width",
  "invert_l",
  "invert_r",
  "swap",
  "mono",
  "output",
  "mute",
  "bypass",
]);

/** The right control for a parameter's kind (for parameters the layout does not know). */
const Control = memo(function Control({ id }: { id: string }) {
  const bridge = useBridgeClient();
  switch (bridge.getParameter(id)?.kind) {
    case "float":
    case "int":
      return <Knob id={id} size="small" />;
    case "bool":
      return <Toggle id={id} {...TOGGLES[id]} />;
    case "enum":
      return <Selector id={id} vertical />;
    default:
      return null;
  }
});

function Panel({ title, name, children }: { title: string; name: string; children: ReactNode }) {
  return (
    <section className={`panel panel-${name}`} aria-label={title}>
      <h2 className="panel-title">{title}</h2>
      <div className="panel-body">{children}</div>
    </section>
  );
}

export function App() {
  const ids = useParameterIds();
  const connection = useConnectionStatus();
  const online = connection.phase === "connected";
  const offline = useOffline(online);
  const bypass = useParameter("bypass");
  const bypassed = (bypass.value ?? 0) >= 0.5;
  const info = connection.info;
  const trackName = info?.trackName ?? null;
  const more = ids.filter((id) => !PLACED.has(id));
  // Several instances in several tabs: the tab names the host's track.
  useEffect(() => {
    document.title = trackName ? `${trackName} · Webstrip` : "Webstrip";
  }, [trackName]);
  // Controls are inert while offline: a knob that had the focus takes no keys that go nowhere.
  useEffect(() => {
    if (!online && document.activeElement instanceof HTMLElement) document.activeElement.blur();
  }, [online]);

  return (
    <div
      className={`app${online ? "" : " is-offline"}${bypassed ? " is-bypassed" : ""}`}
      data-transport={connection.kind}
    >
      <header className="topbar" inert={!online}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Webstrip</span>
          {info?.trackName && (
            <span className="brand-track" title={`On the host's track “${info.trackName}”`}>
              {info.trackName}
            </span>
          )}
        </div>
        {bypassed && (
          <span className="bypass-badge" role="status">
            Bypassed
          </span>
        )}
        <div className="topbar-end">
          {/* True only for the editor's own page in a host: never in a browser or the standalone. */}
          {info?.canOpenInBrowser === true && <OpenInBrowser />}
          <ConnectionStatus />
        </div>
      </header>
      <main className="strip" inert={!online}>
        {ids.length === 0 ? (
          <div className="waiting">Waiting for the plugin…</div>
        ) : (
          <>
            <section className="panel panel-meter" aria-label="Input meters">
              <LevelMeter label="In" pick={pickInput} />
            </section>
            <Panel title="Input" name="input">
              <Knob id="input" caption="Trim" />
              <div className="processing">
                <Selector id="tone" vertical />
              </div>
              <div className="cell-bottom">
                <Toggle id="dc_filter" {...TOGGLES.dc_filter} />
              </div>
              <div className="cell-bottom processing">
                <Knob id="tone_level" size="small" caption="Tone level" />
              </div>
            </Panel>
            <Panel title="Stereo" name="stereo">
              <div className="row processing">
                <Knob id="pan" />
                <Knob id="width" />
              </div>
              <div className="column processing">
                <div className="toggle-grid">
                  {["invert_l", "invert_r", "swap", "mono"].map((id) => (
                    <Toggle key={id} id={id} {...TOGGLES[id]} />
                  ))}
                </div>
                <CorrelationMeter pick={pickCorrelation} />
              </div>
            </Panel>
            <Panel title="Output" name="output">
              <div className="processing">
                <Knob id="output" caption="Gain" />
              </div>
              <div className="column">
                <Toggle id="mute" {...TOGGLES.mute} />
                <Toggle id="bypass" {...TOGGLES.bypass} />
              </div>
            </Panel>
            {more.length > 0 && (
              <Panel title="More" name="more">
                {more.map((id) => (
                  <Control key={id} id={id} />
                ))}
              </Panel>
            )}
            <section className="panel panel-meter" aria-label="Output meters">
              <LevelMeter label="Out" pick={pickOutput} />
            </section>
          </>
        )}
      </main>
      <ResyncNotice />
      {offline && <OfflineOverlay />}
    </div>
  );
}
