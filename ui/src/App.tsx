import { memo, useEffect, type ReactNode } from "react";
import { useConnectionStatus, useParameterIds, useBridge } from "./ipc/hooks";
import { ConnectionStatus } from "./components/ConnectionStatus";
import { Knob } from "./components/Knob";
import { Meters } from "./components/Meters";
import { OpenInBrowser } from "./components/OpenInBrowser";
import { Selector } from "./components/Selector";
import { Toggle } from "./components/Toggle";

interface Section {
  title: string;
  ids: string[];
}

/** How the strip is laid out, by parameter id. Parameters not named here go to "More". */
const SECTIONS: Section[] = [
  { title: "Input", ids: ["input"] },
  { title: "Test tone", ids: ["tone", "tone_level"] },
  { title: "Stereo", ids: ["pan", "width", "invert_l", "invert_r"] },
  { title: "Output", ids: ["output", "mute", "bypass"] },
];

const TOGGLE_STYLE: Record<string, { caption: string; accent: "blue" | "red" | "amber" }> = {
  invert_l: { caption: "Ø L", accent: "blue" },
  invert_r: { caption: "Ø R", accent: "blue" },
  mute: { caption: "Mute", accent: "red" },
  bypass: { caption: "Bypass", accent: "amber" },
};

type Row = "selectors" | "knobs" | "toggles";

/** Which row of its panel a parameter's control goes in. */
function rowOf(kind: string | undefined): Row {
  if (kind === "enum") return "selectors";
  if (kind === "bool") return "toggles";
  return "knobs";
}

/** The right control for a parameter's kind. */
const Control = memo(function Control({ id, kind }: { id: string; kind: string | undefined }) {
  switch (kind) {
    case "float":
    case "int":
      return <Knob id={id} />;
    case "bool":
      return <Toggle id={id} {...TOGGLE_STYLE[id]} />;
    case "enum":
      return <Selector id={id} />;
    default:
      return null;
  }
});

/** A panel's controls: selectors, then knobs, then toggles, one row each. */
function Controls({ ids }: { ids: string[] }) {
  const bridge = useBridge();
  const rows: Record<Row, string[]> = { selectors: [], knobs: [], toggles: [] };
  for (const id of ids) rows[rowOf(bridge.getParameter(id)?.kind)].push(id);
  return (
    <>
      {(Object.keys(rows) as Row[])
        .filter((row) => rows[row].length > 0)
        .map((row) => (
          <div key={row} className={`row row-${row}`}>
            {rows[row].map((id) => (
              <Control key={id} id={id} kind={bridge.getParameter(id)?.kind} />
            ))}
          </div>
        ))}
    </>
  );
}

function Panel({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  return (
    <section className={`panel${className ? ` ${className}` : ""}`} aria-label={title}>
      <h2 className="panel-title">{title}</h2>
      <div className="panel-body">{children}</div>
    </section>
  );
}

export function App() {
  const ids = useParameterIds();
  const connection = useConnectionStatus();
  const known = new Set(SECTIONS.flatMap((s) => s.ids));
  const present = new Set(ids);
  const sections = [
    ...SECTIONS.map((s) => ({ ...s, ids: s.ids.filter((id) => present.has(id)) })),
    { title: "More", ids: ids.filter((id) => !known.has(id)) },
  ].filter((s) => s.ids.length > 0);
  const online = connection.phase === "connected";
  const info = connection.info;
  const trackName = info?.trackName ?? null;
  // Several instances in several tabs: the tab names the host's track.
  useEffect(() => {
    document.title = trackName ? `${trackName} · Webstrip` : "Webstrip";
  }, [trackName]);

  return (
    <div className={`app${online ? "" : " is-offline"}`} data-transport={connection.kind}>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Webstrip</span>
          {info && <span className="brand-version">v{info.version}</span>}
          {info?.trackName && (
            <span className="brand-track" title={`On the host's track “${info.trackName}”`}>
              {info.trackName}
            </span>
          )}
        </div>
        {/* True only for the editor's own page in a host: never in a browser or the standalone. */}
        {info?.canOpenInBrowser === true && <OpenInBrowser />}
        <ConnectionStatus />
      </header>
      <main className="strip">
        <div className="controls">
          {ids.length === 0 ? (
            <div className="waiting">Waiting for the plugin…</div>
          ) : (
            sections.map((section) => (
              <Panel key={section.title} title={section.title} className={`panel-${section.title.toLowerCase().replace(/\s+/g, "-")}`}>
                <Controls ids={section.ids} />
              </Panel>
            ))
          )}
        </div>
        <Panel title="Meters" className="panel-meters">
          <Meters />
        </Panel>
      </main>
    </div>
  );
}
