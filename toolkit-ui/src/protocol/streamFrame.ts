// Generated from bridge/src/stream_frame.rs by `WEBUI_BLESS=1 cargo test -p bridge generated`.
export const STREAM_FRAME_MAGIC = 0x46535557;
export const STREAM_FRAME_VERSION = 1;
export const STREAM_FRAME_HEADER_BYTES = 24;
export const STREAM_FRAME_MAX_VALUES = 4096;
