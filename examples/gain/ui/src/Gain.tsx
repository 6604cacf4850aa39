import {
  ConnectionStatus,
  Knob,
  LevelMeter,
  OfflineOverlay,
  useConnectionStatus,
  useOffline,
  useParameterIds,
  type MeterFrame,
} from "webui-toolkit";

/** The plugin's one parameter (its id in the plugin's `Params`). */
export const GAIN = "gain";

const peaks = (frame: MeterFrame) => frame.channels;

/** The example's page: the gain knob and the output's peak meter. */
export function Gain() {
  const { phase, info } = useConnectionStatus();
  const online = phase === "connected";
  const offline = useOffline(online);
  const ready = useParameterIds().includes(GAIN);
  return (
    <div className="gain">
      <main inert={!online}>
        <header>
          <h1>{info?.name ?? "Gain"}</h1>
          <ConnectionStatus />
        </header>
        <div className="gain-body">
          {ready ? <Knob id={GAIN} /> : <p>Waiting for the plugin…</p>}
          <LevelMeter label="Out" pick={peaks} />
        </div>
      </main>
      {offline && <OfflineOverlay />}
    </div>
  );
}
