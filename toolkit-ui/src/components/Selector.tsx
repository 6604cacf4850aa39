import { memo, useCallback, useRef, type KeyboardEvent } from "react";
import { useParameter } from "../ipc/hooks";
import { useContextMenu } from "./ContextMenu";

/** A segmented selector (radio group) for an enum parameter; `vertical` stacks its choices. */
export const Selector = memo(function Selector({ id, vertical = false }: { id: string; vertical?: boolean }) {
  const { param, set, reset } = useParameter(id);
  const group = useRef<HTMLDivElement>(null);
  const menu = useContextMenu(useCallback(() => [{ label: "Reset to default", action: reset }], [reset]));
  if (!param) return null;
  const variants = param.variants ?? [];
  const selected = Math.round(param.value);

  const choose = (index: number) => {
    if (index === selected) return;
    set({ value: index });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const count = variants.length;
    if (count === 0) return;
    let next: number;
    switch (event.key) {
      case "ArrowRight":
      case "ArrowDown":
        next = (selected + 1) % count;
        break;
      case "ArrowLeft":
      case "ArrowUp":
        next = (selected - 1 + count) % count;
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = count - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    choose(next);
    group.current?.querySelectorAll<HTMLElement>("[role=radio]")[next]?.focus();
  };

  return (
    <div className={`selector${vertical ? " is-vertical" : ""}`} data-param={param.id} onContextMenu={menu.onContextMenu}>
      <div className="control-label">{param.name}</div>
      <div
        ref={group}
        className="segmented"
        role="radiogroup"
        aria-label={param.name}
        onKeyDown={onKeyDown}
      >
        {variants.map((name, index) => (
          <button
            key={name}
            type="button"
            role="radio"
            aria-checked={index === selected}
            tabIndex={index === selected ? 0 : -1}
            className={index === selected ? "is-on" : undefined}
            onClick={() => {
              choose(index);
            }}
          >
            {name}
          </button>
        ))}
      </div>
      {menu.menu}
    </div>
  );
});
