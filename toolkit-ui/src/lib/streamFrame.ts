/**
 * Decodes the binary stream frame (bridge/src/stream_frame.rs, docs/PROTOCOL.md): a 24-byte
 * little-endian header, then `count` f32 values, viewed in place (no copy, no allocation beyond
 * the view) when the buffer is 4-byte aligned.
 */
import {
  STREAM_FRAME_HEADER_BYTES,
  STREAM_FRAME_MAGIC,
  STREAM_FRAME_MAX_VALUES,
  STREAM_FRAME_VERSION,
} from "../protocol/streamFrame";

export interface StreamFrame {
  stream: number;
  seq: number;
  /** Seconds since the bridge started. */
  t: number;
  values: Float32Array;
}

/** Decodes one frame; throws an Error saying why the bytes are not one. */
export function decodeStreamFrame(buffer: ArrayBuffer, byteOffset = 0, byteLength?: number): StreamFrame {
  const length = byteLength ?? buffer.byteLength - byteOffset;
  if (length < STREAM_FRAME_HEADER_BYTES) {
    throw new Error(`shorter than the ${STREAM_FRAME_HEADER_BYTES}-byte stream frame header`);
  }
  const view = new DataView(buffer, byteOffset, length);
  if (view.getUint32(0, true) !== STREAM_FRAME_MAGIC) {
    throw new Error("not a stream frame (wrong magic)");
  }
  const version = view.getUint16(4, true);
  if (version !== STREAM_FRAME_VERSION) {
    throw new Error(`stream frame version ${version}, expected ${STREAM_FRAME_VERSION}`);
  }
  const count = view.getUint32(12, true);
  if (count > STREAM_FRAME_MAX_VALUES || length !== STREAM_FRAME_HEADER_BYTES + 4 * count) {
    throw new Error("stream frame length does not match its count");
  }
  const start = byteOffset + STREAM_FRAME_HEADER_BYTES;
  const values =
    start % 4 === 0
      ? new Float32Array(buffer, start, count)
      : new Float32Array(buffer.slice(start, start + 4 * count));
  return {
    stream: view.getUint16(6, true),
    seq: view.getUint32(8, true),
    t: view.getFloat64(16, true),
    values,
  };
}
