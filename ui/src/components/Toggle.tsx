import { memo } from "react";
import { useParameter } from "../ipc/hooks";

/** An on/off switch for a bool parameter. `tone` picks the accent colour when on. */
export const Toggle = memo(function Toggle({
  id,
  caption,
  accent = "blue",
}: {
  id: string;
  /** Short text on the button (defaults to the parameter's name). */
  caption?: string;
  accent?: "blue" | "red" | "amber";
}) {
  const { param, set } = useParameter(id);
  if (!param) return null;
  const on = param.value >= 0.5;
  return (
    <button
      type="button"
      role="switch"
      className={`toggle accent-${accent}${on ? " is-on" : ""}`}
      aria-checked={on}
      aria-label={param.name}
      title={`${param.name}: ${param.text}`}
      data-param={param.id}
      onClick={() => {
        set({ value: on ? 0 : 1 });
      }}
    >
      <span className="toggle-led" aria-hidden="true" />
      <span className="toggle-caption">{caption ?? param.name}</span>
    </button>
  );
});
