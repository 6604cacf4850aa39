//! The toolkit's WebSocket + HTTP transport for the UI bridge.
//!
//! One port serves `ws://HOST:PORT/ws` (one bridge [`bridge::Client`] per connection, one JSON-RPC
//! message per text frame) and the built UI at `/` (embedded at build time). It runs on a tokio
//! runtime on a thread of its own per server, never on the audio thread; dropping the
//! [`ServerHandle`] closes the port and joins that thread. The same server can run in the
//! standalone app and inside a plugin instance in a host (token-guarded).
//!
//! Module map, in the order a connection travels:
//! - `server.rs`: binds ([`Listener::bind`]), accepts, owns the runtime and its shutdown;
//! - `admission.rs`: places for half-open connections and for sessions, within [`Limits`]
//!   (the oldest half-open connection, or the session silent longest, makes room);
//! - `http.rs`: reads and parses the request head, writes plain HTTP responses;
//! - `guard.rs`: the Origin and token checks at the handshake (403 / 401);
//! - `assets.rs`: `GET /` and the UI files (or 503 when the UI was not built);
//! - `connection.rs`: the WebSocket session: decodes frames and hands their text to
//!   [`bridge::Client::handle`], carries responses and the client's outbox to the socket, closes
//!   with 1009 (too big), 1003 (binary), 1008 (could not keep up: the bridge dropped changes for
//!   it, [`bridge::Client::has_overflowed`]), 1001 (shutting down, evicted, no answer to pings);
//!   `budget.rs` meters each session's work, and a session in debt is not read until it refills.
//!
//! Fairness: every session is a task on the server's one thread, and each yields after every
//! message it handles, so sessions take turns message by message; a message's cost is bounded
//! (64 KiB, at most [`bridge::MAX_BATCH`] requests) and so is a session's rate
//! ([`Limits::busy_share`]).

mod admission;
mod assets;
mod budget;
mod config;
mod connection;
mod guard;
mod http;
mod limits;
mod server;

pub use config::{DEFAULT_CLOSE_GRACE, ServerConfig, StartError, VITE_DEV_ORIGINS, random_token};
pub use limits::Limits;
pub use server::{Listener, Server, ServerHandle};

/// The largest message (and frame) a client may send; larger ones close the connection with 1009.
pub const MAX_MESSAGE_BYTES: usize = bridge::MAX_MESSAGE_BYTES;

/// The path of the WebSocket endpoint.
pub const WS_PATH: &str = "/ws";
