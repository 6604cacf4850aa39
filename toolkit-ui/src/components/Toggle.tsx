import { memo, useCallback } from "react";
import { useParameter } from "../ipc/hooks";
import { useContextMenu } from "./ContextMenu";

export type Accent = "blue" | "red" | "amber" | "green";

/** An on/off switch for a bool parameter: lit in its accent colour while on. */
export const Toggle = memo(function Toggle({
  id,
  caption,
  accent = "blue",
}: {
  id: string;
  /** Short text on the button (defaults to the parameter's name). */
  caption?: string;
  accent?: Accent;
}) {
  const { param, set, reset } = useParameter(id);
  const menu = useContextMenu(useCallback(() => [{ label: "Reset to default", action: reset }], [reset]));
  if (!param) return null;
  const on = param.value >= 0.5;
  return (
    <>
      <button
        type="button"
        role="switch"
        className={`toggle accent-${accent}${on ? " is-on" : ""}`}
        aria-checked={on}
        aria-label={param.name}
        title={`${param.name}: ${on ? "on" : "off"}`}
        data-param={param.id}
        onClick={() => {
          set({ value: on ? 0 : 1 });
        }}
        onContextMenu={menu.onContextMenu}
      >
        <span className="toggle-led" aria-hidden="true" />
        <span className="toggle-caption">{caption ?? param.name}</span>
      </button>
      {menu.menu}
    </>
  );
});
