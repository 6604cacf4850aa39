/**
 * One `requestAnimationFrame` loop for every meter on the page: callbacks get the frame's time
 * and the seconds since the previous frame (at most 0.25 s). The loop runs while anyone listens.
 */
type FrameCallback = (now: number, dt: number) => void;

const callbacks = new Set<FrameCallback>();
let raf = 0;
let last = 0;

function tick(now: number): void {
  const dt = Math.min(0.25, Math.max(0, (now - last) / 1000));
  last = now;
  raf = callbacks.size > 0 ? requestAnimationFrame(tick) : 0;
  for (const callback of callbacks) callback(now, dt);
}

/** Calls `callback` on every animation frame until the returned function is called. */
export function onAnimationFrame(callback: FrameCallback): () => void {
  callbacks.add(callback);
  if (raf === 0) {
    last = performance.now();
    raf = requestAnimationFrame(tick);
  }
  return () => {
    callbacks.delete(callback);
    if (callbacks.size === 0 && raf !== 0) {
      cancelAnimationFrame(raf);
      raf = 0;
    }
  };
}
