//! The UI bridge: one JSON-RPC 2.0 protocol for every UI transport (native editor, Linux
//! editor helper pipe, WebSocket), independent of any of them.
//!
//! Module map, in the order a message travels:
//! - [`Client::handle`] (in `bridge.rs`) takes raw text from a transport;
//! - `dispatch.rs` decodes it (JSON, envelope and batches via `jsonrpc.rs`, params via
//!   [`protocol`]), checks it and acts through nice-plug's `GuiContext` (`param_table.rs` maps ids
//!   and values; `host_calls.rs` makes those calls on the host's main thread);
//! - the host's echo arrives at [`Bridge::param_value_changed`], which numbers the change (`seq`)
//!   and queues one `parameterChanged` per client in `registry.rs` → `outbox.rs`;
//! - `watcher.rs` (bridges in a host without an open editor) notices changes nobody reported;
//! - `sampler.rs` reads the meters and the streams (`streams.rs`, encoded as `stream_frame.rs`
//!   says) and offers the newest frame to each subscriber's outbox;
//! - the transport takes outgoing messages (text, or a stream's binary frame) from
//!   [`Client::try_next`] / [`Client::next_timeout`].

#![warn(missing_docs)]

mod bridge;
mod dispatch;
mod host_calls;
mod jsonrpc;
mod outbox;
mod param_table;
pub mod protocol;
#[cfg(test)]
mod protocol_doc;
mod registry;
mod sampler;
pub mod stream_frame;
mod streams;
mod supervise;
#[cfg(test)]
mod typescript;
mod watcher;

pub use bridge::{
    Bridge, BrowserHandler, Client, ClientOptions, MainThreadRequest, MeterSource, PluginInfo,
    ResizeHandler,
};
pub use dispatch::{MAX_BATCH, MAX_EDITOR_SIDE, MAX_MESSAGE_BYTES};
pub use jsonrpc::{ErrorCode, RpcError};
pub use outbox::{Next, Outgoing, QUEUE_LIMIT, Waker};
pub use registry::ClientId;
pub use sampler::{MAX_METER_HZ, MIN_METER_HZ};
pub use streams::{MAX_STREAMS, StreamSpec};
pub use watcher::WATCH_HZ;
