import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";

export interface MenuItem {
  label: string;
  action: () => void;
}

interface Open {
  x: number;
  y: number;
  items: MenuItem[];
}

/**
 * A control's own right-click menu instead of the browser's: `onContextMenu` for the control,
 * `menu` to render next to it (fixed to the viewport, kept inside it). Keyboard: the menu key or
 * Shift+F10 opens it, arrows move, Enter picks, Escape closes; a click elsewhere closes it.
 */
export function useContextMenu(items: () => MenuItem[]) {
  const [open, setOpen] = useState<Open | null>(null);
  const returnFocus = useRef<HTMLElement | null>(null);

  const onContextMenu = useCallback(
    (event: MouseEvent<HTMLElement>) => {
      event.preventDefault();
      event.stopPropagation();
      returnFocus.current = event.currentTarget;
      let { clientX: x, clientY: y } = event;
      if (x === 0 && y === 0) {
        // From the keyboard: at the control.
        const box = event.currentTarget.getBoundingClientRect();
        x = box.left + box.width / 2;
        y = box.top + box.height / 2;
      }
      setOpen({ x, y, items: items() });
    },
    [items],
  );

  const close = useCallback((refocus: boolean) => {
    setOpen(null);
    if (refocus) returnFocus.current?.focus();
  }, []);

  const menu = open ? <Menu open={open} close={close} /> : null;
  return { onContextMenu, menu, isOpen: open !== null };
}

function Menu({ open, close }: { open: Open; close: (refocus: boolean) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: open.x, top: open.y });

  // Inside the viewport, whatever the pointer's position.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const box = el.getBoundingClientRect();
    const left = Math.max(2, Math.min(open.x, window.innerWidth - box.width - 2));
    const top = Math.max(2, Math.min(open.y, window.innerHeight - box.height - 2));
    setPosition({ left, top });
    el.querySelector<HTMLElement>("[role=menuitem]")?.focus();
  }, [open]);

  useEffect(() => {
    const onDown = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) close(false);
    };
    const onBlur = () => {
      close(false);
    };
    document.addEventListener("pointerdown", onDown, true);
    window.addEventListener("blur", onBlur);
    return () => {
      document.removeEventListener("pointerdown", onDown, true);
      window.removeEventListener("blur", onBlur);
    };
  }, [close]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === "Escape" || event.key === "Tab") {
      event.preventDefault();
      close(true);
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      items[(at + 1) % items.length]?.focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      items[(at - 1 + items.length) % items.length]?.focus();
    }
    event.stopPropagation();
  };

  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      style={{ left: position.left, top: position.top }}
      onKeyDown={onKeyDown}
      onContextMenu={(event) => {
        event.preventDefault();
      }}
    >
      {open.items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          tabIndex={-1}
          onClick={() => {
            close(true);
            item.action();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
