//! What one client may cost a server: how many connections wait for their request head, how many
//! WebSocket sessions are open, how long a silent session keeps its place, how often it is pinged,
//! and how much work per second its messages may cause. One heavy or hostile client waits for its
//! own work; nobody else does.

use std::time::Duration;

/// The limits of one server ([`crate::ServerConfig::limits`]); [`Limits::default`] for real use,
/// shorter times in tests.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Open WebSocket sessions. When all are taken, a new one replaces the session that has been
    /// silent longest, if any is [`Limits::evictable_after`] silent; else it gets 503.
    pub max_sessions: usize,
    /// Connections still sending their request head (or being served a file). A new connection
    /// over the limit closes the oldest of them, so a flood of half-open heads cannot keep a
    /// browser's request (which completes in a millisecond) from being read.
    pub max_pending: usize,
    /// How long a request head may take in all.
    pub head_timeout: Duration,
    /// A session that sent no JSON-RPC message for this long (or none at all within
    /// [`Limits::new_session_grace`] of connecting) may be closed to make room for a new one. The
    /// UI sends a `ping` at least every 15 s, so a live tab never is.
    pub evictable_after: Duration,
    /// See [`Limits::evictable_after`].
    pub new_session_grace: Duration,
    /// The server sends a WebSocket ping this often.
    pub ping_every: Duration,
    /// A session from which nothing at all (not even a pong) arrived for this long is closed.
    pub dead_after: Duration,
    /// The share of the server's thread one session's messages may keep busy over time (0.2:
    /// 200 ms per second); a session over it is not read until it is back within.
    pub busy_share: f64,
    /// Thread time a session may take in one burst before [`Limits::busy_share`] holds it back.
    pub busy_burst: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_sessions: 256,
            max_pending: 64,
            head_timeout: Duration::from_secs(10),
            evictable_after: Duration::from_secs(45),
            new_session_grace: Duration::from_secs(2),
            ping_every: Duration::from_secs(20),
            dead_after: Duration::from_secs(60),
            busy_share: 0.2,
            busy_burst: Duration::from_millis(100),
        }
    }
}
