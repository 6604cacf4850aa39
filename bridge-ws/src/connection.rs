//! One TCP connection: routed by its request head to the UI files or to a WebSocket session that
//! carries text between the socket and one bridge [`Client`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bridge::{Bridge, Client, ClientOptions};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, watch};
use tokio::time::timeout;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use crate::guard::{Guard, query_param};
use crate::http::{self, Request};
use crate::{MAX_MESSAGE_BYTES, WS_PATH};

/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a write to a client may block before the client is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing connection keeps reading (so the peer receives the close frame, not a reset).
const LINGER: Duration = Duration::from_millis(500);
/// The kernel's send buffer per WebSocket connection. Bounded (no autotuning to megabytes) so a
/// client that stops reading fills its bridge queue soon and is closed with 1008, instead of
/// hiding a backlog of stale messages in the kernel.
const SEND_BUFFER_BYTES: usize = 64 * 1024;

/// What every connection of a server shares.
pub(crate) struct Context {
    pub bridge: Bridge,
    pub guard: Guard,
}

/// Serves one accepted connection until it ends or the server shuts down.
pub(crate) async fn serve(
    mut stream: TcpStream,
    peer: SocketAddr,
    context: Arc<Context>,
    shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let (request, rest) = match timeout(HEAD_TIMEOUT, http::read_head(&mut stream)).await {
        Ok(Ok(Some(head))) => head,
        _ => return,
    };
    if request.path != WS_PATH {
        let _ = http::serve_static(&mut stream, &request).await;
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
        .max_frame_size(Some(MAX_MESSAGE_BYTES));
    let _ = socket2::SockRef::from(&stream).set_send_buffer_size(SEND_BUFFER_BYTES);
    let socket =
        WebSocketStream::from_partially_read(stream, rest, Role::Server, Some(config)).await;
    Session::run(socket, peer, &context.bridge, shutdown).await;
}

/// Answers a connection over the server's limit with 503.
pub(crate) async fn refuse_busy(mut stream: TcpStream) {
    let _ = timeout(
        HEAD_TIMEOUT,
        http::respond_text(&mut stream, 503, "too many connections\n", false),
    )
    .await;
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
}

impl Session {
    async fn run(
        socket: WebSocketStream<TcpStream>,
        peer: SocketAddr,
        bridge: &Bridge,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let (sink, mut source) = socket.split();
        let mut session = Session { sink, peer };
        let wake = Arc::new(Notify::new());
        let waker = wake.clone();
        let Some(client) = bridge.connect(ClientOptions {
            transport: "websocket".into(),
            editor_page: false,
            waker: Some(Box::new(move || waker.notify_one())),
        }) else {
            session
                .close(source, CloseCode::Away, "the plugin closed this session")
                .await;
            return;
        };
        tracing::debug!("WebSocket client {peer} connected");

        let end = loop {
            tokio::select! {
                _ = shutdown.changed() => break End::Close(CloseCode::Away, "server shutting down"),
                frame = source.next() => {
                    if let Some(end) = session.received(frame, &client).await {
                        break end;
                    }
                }
                () = wake.notified() => {
                    if let Some(end) = session.send_pending(&client, false).await {
                        break end;
                    }
                }
            }
        };
        drop(client);
        match end {
            End::Peer => tracing::debug!("WebSocket client {peer} disconnected"),
            End::Close(code, reason) => session.close(source, code, reason).await,
        }
    }

    /// Handles one frame from the peer (`None`: the stream ended).
    async fn received(
        &mut self,
        frame: Option<Result<Message, WsError>>,
        client: &Client,
    ) -> Option<End> {
        match frame {
            Some(Ok(Message::Text(text))) => {
                if let Some(response) = client.handle(text.as_str())
                    && !self.feed(response.into()).await
                {
                    return Some(End::Peer);
                }
                // Notifications that arrived meanwhile (e.g. the echo of this set) go in the same
                // write as the response.
                self.send_pending(client, true).await
            }
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
                tracing::warn!(
                    "WebSocket client {} could not keep up with parameter changes: closing it \
                     (it resynchronizes when it reconnects)",
                    self.peer
                );
                return Some(End::Close(
                    CloseCode::Policy,
                    "too slow: parameter changes were dropped; reconnect to resync",
                ));
            }
            if !self.feed(Utf8Bytes::from(&*message)).await {
                return Some(End::Peer);
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

    /// Queues a text message for the next flush (tungstenite writes once its buffer is full).
    async fn feed(&mut self, text: Utf8Bytes) -> bool {
        let fed = timeout(WRITE_TIMEOUT, self.sink.feed(Message::Text(text))).await;
        self.written(fed)
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
