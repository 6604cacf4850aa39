//! One TCP connection: routed by its request head to the UI files or to a WebSocket session that
//! carries text between the socket and one bridge [`Client`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bridge::protocol::Transport;
use bridge::{Bridge, Client, ClientOptions, Outgoing};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, oneshot, watch};
use tokio::time::timeout;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use crate::admission::{Admission, PendingTicket, SessionTicket};
use crate::budget::Budget;
use crate::guard::{Guard, query_param};
use crate::http::{self, Request};
use crate::{MAX_MESSAGE_BYTES, WS_PATH};

/// How long a write to a client may block before the client is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing connection keeps reading (so the peer receives the close frame, not a reset).
const LINGER: Duration = Duration::from_millis(500);
/// The kernel's send buffer per WebSocket connection. Bounded (no autotuning to megabytes) so a
/// client that stops reading fills its bridge queue soon and is closed with 1008, instead of
/// hiding a backlog of stale messages in the kernel.
const SEND_BUFFER_BYTES: usize = 64 * 1024;
/// What tungstenite buffers before it writes. Once the buffer is past this and the socket is
/// full, the next write waits: so a client that stops reading makes the server hold at most this,
/// one answer (at most `bridge::MAX_BATCH` requests' worth) and its bridge queue (whose overflow
/// closes it with 1008), not a backlog.
const WRITE_BUFFER_BYTES: usize = 64 * 1024;

/// What every connection of a server shares.
pub(crate) struct Context {
    pub bridge: Bridge,
    pub guard: Guard,
    pub admission: Arc<Admission>,
    /// The UI served at `/`.
    pub assets: ui_assets::Assets,
}

/// Serves one accepted connection until it ends or the server shuts down.
pub(crate) async fn serve(
    mut stream: TcpStream,
    peer: SocketAddr,
    context: Arc<Context>,
    shutdown: watch::Receiver<bool>,
    pending: oneshot::Receiver<PendingTicket>,
) {
    // Held until the session starts (or the connection ends): this connection's place among the
    // half-open ones.
    let Ok(pending) = pending.await else {
        return;
    };
    let _ = stream.set_nodelay(true);
    let head_timeout = context.admission.limits().head_timeout;
    let (request, rest) = match timeout(head_timeout, http::read_head(&mut stream)).await {
        Ok(Ok(Some(head))) => head,
        _ => return,
    };
    if request.path != WS_PATH {
        let _ = timeout(
            WRITE_TIMEOUT,
            http::serve_static(&mut stream, &request, &context.assets),
        )
        .await;
        return;
    }
    if let Err((status, reason)) = check_upgrade(&request) {
        let _ = http::respond_text(&mut stream, status, reason, false).await;
        return;
    }
    let token = query_param(&request.query, "token");
    if let Err(refusal) = context.guard.check(
        request.header("Origin"),
        request.header("Host"),
        token.as_deref(),
        request.header("Authorization"),
    ) {
        tracing::warn!(
            "WebSocket refused ({}) for {peer}: {}",
            refusal.status,
            refusal.reason
        );
        let body = format!("{}\n", refusal.reason);
        let _ = http::respond_text(&mut stream, refusal.status, &body, false).await;
        return;
    }
    let Some(ticket) = context.admission.open_session() else {
        tracing::warn!("WebSocket refused (503) for {peer}: every session is in use and active");
        let _ = http::respond_text(&mut stream, 503, "too many sessions\n", false).await;
        return;
    };
    let key = request.header("Sec-WebSocket-Key").unwrap_or_default();
    let accept = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\n\r\n",
        derive_accept_key(key.as_bytes())
    );
    if stream.write_all(accept.as_bytes()).await.is_err() {
        return;
    }
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES))
        .write_buffer_size(WRITE_BUFFER_BYTES);
    let _ = socket2::SockRef::from(&stream).set_send_buffer_size(SEND_BUFFER_BYTES);
    let socket =
        WebSocketStream::from_partially_read(stream, rest, Role::Server, Some(config)).await;
    drop(pending);
    Session::run(socket, peer, &context, ticket, shutdown).await;
}

/// Checks that a request to the WebSocket path is a WebSocket handshake.
fn check_upgrade(request: &Request) -> Result<(), (u16, &'static str)> {
    if request.method != "GET" {
        return Err((405, "WebSocket handshakes use GET\n"));
    }
    if !request.header_has("Upgrade", "websocket") || !request.header_has("Connection", "upgrade") {
        return Err((
            426,
            "this is the WebSocket endpoint: connect with a WebSocket client\n",
        ));
    }
    if request.header("Sec-WebSocket-Version") != Some("13") {
        return Err((426, "only WebSocket version 13 is supported\n"));
    }
    if request
        .header("Sec-WebSocket-Key")
        .is_none_or(str::is_empty)
    {
        return Err((400, "missing Sec-WebSocket-Key\n"));
    }
    Ok(())
}

type Sink = SplitSink<WebSocketStream<TcpStream>, Message>;
type Source = SplitStream<WebSocketStream<TcpStream>>;

/// Why a session ends.
enum End {
    /// The peer closed (or the connection broke): nothing more to send.
    Peer,
    /// The server closes with this code and reason.
    Close(CloseCode, &'static str),
}

/// A WebSocket session: one bridge client.
struct Session {
    sink: Sink,
    peer: SocketAddr,
    /// Notified (by the bridge, through the client's waker) when the client has news.
    wake: Arc<Notify>,
}

impl Session {
    async fn run(
        socket: WebSocketStream<TcpStream>,
        peer: SocketAddr,
        context: &Context,
        ticket: SessionTicket,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let limits = context.admission.limits().clone();
        let (sink, mut source) = socket.split();
        let wake = Arc::new(Notify::new());
        let waker = wake.clone();
        let mut session = Session {
            sink,
            peer,
            wake: wake.clone(),
        };
        let Some(client) = context.bridge.connect(ClientOptions {
            transport: Transport::Websocket,
            editor_page: false,
            waker: Some(Box::new(move || waker.notify_one())),
        }) else {
            session
                .close(source, CloseCode::Away, "the plugin closed this session")
                .await;
            return;
        };
        tracing::debug!("WebSocket client {peer} connected");

        let mut budget = Budget::new(limits.busy_share, limits.busy_burst);
        let mut heard = Instant::now();
        let mut pings = tokio::time::interval_at(
            tokio::time::Instant::now() + limits.ping_every,
            limits.ping_every,
        );
        let end = loop {
            // A session in debt is not read until its budget refills: its peer waits, nobody else.
            let debt = budget.delay();
            tokio::select! {
                _ = shutdown.changed() => break End::Close(CloseCode::Away, "server shutting down"),
                () = ticket.evicted.notified() => {
                    tracing::info!("WebSocket client {peer}: closed to make room (silent longest)");
                    break End::Close(CloseCode::Away, "server full: this session was silent longest");
                }
                frame = source.next(), if debt.is_none() => {
                    heard = Instant::now();
                    if matches!(frame, Some(Ok(Message::Text(_)))) {
                        ticket.message_received();
                    }
                    let (end, busy) = session.received(frame, &client).await;
                    if let Some(end) = end {
                        break end;
                    }
                    budget.charge(busy);
                    // Let every other session take its turn before this one's next message.
                    tokio::task::yield_now().await;
                }
                () = tokio::time::sleep(debt.unwrap_or_default()), if debt.is_some() => {}
                () = wake.notified() => {
                    if let Some(end) = session.send_pending(&client, false).await {
                        break end;
                    }
                }
                _ = pings.tick() => {
                    if heard.elapsed() >= limits.dead_after {
                        tracing::info!("WebSocket client {peer}: nothing heard for {:?}: closing", limits.dead_after);
                        break End::Close(CloseCode::Away, "no answer to pings");
                    }
                    if !session.ping().await {
                        break End::Peer;
                    }
                }
            }
        };
        drop(client);
        drop(ticket);
        match end {
            End::Peer => tracing::debug!("WebSocket client {peer} disconnected"),
            End::Close(code, reason) => session.close(source, code, reason).await,
        }
    }

    /// Sends a WebSocket ping (the peer's pong, like anything it sends, shows it is alive).
    async fn ping(&mut self) -> bool {
        let sent = timeout(
            WRITE_TIMEOUT,
            self.sink.send(Message::Ping(Default::default())),
        )
        .await;
        self.written(sent)
    }

    /// Handles one frame from the peer (`None`: the stream ended); returns how the session
    /// ends, if it does, and how long the server's thread was busy with it (dispatching, not
    /// waiting for the peer to read).
    async fn received(
        &mut self,
        frame: Option<Result<Message, WsError>>,
        client: &Client,
    ) -> (Option<End>, Duration) {
        if let Some(Ok(Message::Text(text))) = frame {
            let started = Instant::now();
            let response = client.handle(text.as_str());
            let busy = started.elapsed();
            if let Some(response) = response
                && let Err(end) = self.feed(client, Message::Text(response.into())).await
            {
                return (Some(end), busy);
            }
            // Notifications that arrived meanwhile (e.g. the echo of this set) go in the same
            // write as the response.
            return (self.send_pending(client, true).await, busy);
        }
        (self.received_other(frame).await, Duration::ZERO)
    }

    /// Handles a frame that is not text.
    async fn received_other(&mut self, frame: Option<Result<Message, WsError>>) -> Option<End> {
        match frame {
            Some(Ok(Message::Text(_))) => None,
            Some(Ok(Message::Binary(_))) => Some(End::Close(
                CloseCode::Unsupported,
                "binary frames are not supported: send JSON-RPC text",
            )),
            Some(Ok(Message::Close(_))) | None => {
                // tungstenite queued the close reply; send it.
                let _ = timeout(WRITE_TIMEOUT, self.sink.flush()).await;
                Some(End::Peer)
            }
            Some(Ok(_)) => {
                // Ping (the pong is queued by tungstenite), pong, raw frame.
                if self.flush().await {
                    None
                } else {
                    Some(End::Peer)
                }
            }
            Some(Err(WsError::Capacity(CapacityError::MessageTooLong { size, max_size }))) => {
                tracing::warn!(
                    "WebSocket client {}: message of {size} bytes over the limit of {max_size}",
                    self.peer
                );
                Some(End::Close(CloseCode::Size, "message over 64 KiB"))
            }
            Some(Err(WsError::Utf8(_))) => {
                Some(End::Close(CloseCode::Invalid, "text frames must be UTF-8"))
            }
            Some(Err(WsError::Protocol(error))) => {
                tracing::debug!("WebSocket client {}: {error}", self.peer);
                Some(End::Close(CloseCode::Protocol, "protocol error"))
            }
            Some(Err(_)) => Some(End::Peer),
        }
    }

    /// Sends everything the client's outbox holds, in one write (`fed`: something is already
    /// waiting to be written).
    async fn send_pending(&mut self, client: &Client, mut fed: bool) -> Option<End> {
        while let Some(message) = client.try_next() {
            if client.has_overflowed() {
                return Some(self.too_slow());
            }
            let message = match message {
                Outgoing::Text(text) => Message::Text(Utf8Bytes::from(&*text)),
                // The bytes every subscriber shares, not copied.
                Outgoing::Binary(bytes) => Message::Binary(bytes::Bytes::from_owner(bytes)),
            };
            if let Err(end) = self.feed(client, message).await {
                return Some(end);
            }
            fed = true;
        }
        if fed && !self.flush().await {
            return Some(End::Peer);
        }
        if client.is_closed() {
            return Some(End::Close(
                CloseCode::Away,
                "the plugin closed this session",
            ));
        }
        None
    }

    /// Queues a message for the next flush (tungstenite writes once its buffer is full).
    ///
    /// While the write waits for a peer that does not read, the bridge may drop changes for the
    /// client (its queue overflowed): the session then ends with 1008 at once, not after
    /// [`WRITE_TIMEOUT`].
    async fn feed(&mut self, client: &Client, message: Message) -> Result<(), End> {
        let write = timeout(WRITE_TIMEOUT, self.sink.feed(message));
        tokio::pin!(write);
        let fed = loop {
            tokio::select! {
                fed = &mut write => break fed,
                () = self.wake.notified() => {
                    if client.has_overflowed() {
                        return Err(self.too_slow());
                    }
                }
            }
        };
        if self.written(fed) {
            Ok(())
        } else {
            Err(End::Peer)
        }
    }

    /// Logs and closes a client that could not keep up with parameter changes.
    fn too_slow(&self) -> End {
        tracing::warn!(
            "WebSocket client {} could not keep up with parameter changes: closing it \
             (it resynchronizes when it reconnects)",
            self.peer
        );
        End::Close(
            CloseCode::Policy,
            "too slow: parameter changes were dropped; reconnect to resync",
        )
    }

    /// Writes what was fed.
    async fn flush(&mut self) -> bool {
        let flushed = timeout(WRITE_TIMEOUT, self.sink.flush()).await;
        self.written(flushed)
    }

    /// Whether a write succeeded; logs a client that did not read for [`WRITE_TIMEOUT`].
    fn written(&self, result: Result<Result<(), WsError>, tokio::time::error::Elapsed>) -> bool {
        match result {
            Ok(Ok(())) => true,
            Ok(Err(_)) => false,
            Err(_) => {
                tracing::warn!(
                    "WebSocket client {} did not read for {WRITE_TIMEOUT:?}: dropping it",
                    self.peer
                );
                false
            }
        }
    }

    /// Sends a close frame, then reads until the peer closes (briefly) so it sees the frame.
    async fn close(mut self, source: Source, code: CloseCode, reason: &'static str) {
        tracing::debug!("closing WebSocket client {} ({code}): {reason}", self.peer);
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = timeout(WRITE_TIMEOUT, self.sink.send(Message::Close(Some(frame)))).await;
        let Ok(socket) = self.sink.reunite(source) else {
            return;
        };
        let mut stream = socket.into_inner();
        let _ = stream.shutdown().await;
        let mut discard = [0u8; 4096];
        let _ = timeout(LINGER, async {
            while matches!(stream.read(&mut discard).await, Ok(n) if n > 0) {}
        })
        .await;
    }
}
