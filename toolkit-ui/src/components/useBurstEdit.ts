import { useCallback, useEffect, useRef } from "react";
import type { Edit, SetTarget } from "../ipc/client";

/**
 * Groups discrete steps (wheel notches, held arrow keys) into one edit: the first step begins a
 * gesture, each step moves the value, and the gesture ends `idleMs` after the last step (or at
 * once with `finish`).
 */
export function useBurstEdit(beginEdit: () => Edit, idleMs = 400) {
  const edit = useRef<Edit | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const finish = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    const current = edit.current;
    edit.current = null;
    if (current) void current.end();
  }, []);

  const step = useCallback(
    (target: SetTarget) => {
      edit.current ??= beginEdit();
      edit.current.set(target);
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = setTimeout(finish, idleMs);
    },
    [beginEdit, finish, idleMs],
  );

  useEffect(() => finish, [finish]);

  return { step, finish };
}
