//! Binding, the accept loop on a runtime of its own, and shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use bridge::Bridge;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::admission::Admission;
use crate::config::{ServerConfig, StartError};
use crate::connection::{self, Context};
use crate::guard::Guard;

/// A bound, not yet serving, port: lets a program learn early that the port is taken (e.g. before
/// starting audio), then serve a bridge once it exists.
pub struct Listener {
    socket: std::net::TcpListener,
    config: ServerConfig,
    local: SocketAddr,
}

impl Listener {
    /// Checks `config` ([`ServerConfig::validate`]) and binds its address.
    pub fn bind(config: ServerConfig) -> Result<Self, StartError> {
        config.validate()?;
        let socket = std::net::TcpListener::bind(config.addr).map_err(|err| {
            if err.kind() == std::io::ErrorKind::AddrInUse {
                StartError::AddrInUse(config.addr)
            } else {
                StartError::Bind(config.addr, err)
            }
        })?;
        let local = socket
            .local_addr()
            .map_err(|err| StartError::Bind(config.addr, err))?;
        Ok(Self {
            socket,
            config,
            local,
        })
    }

    /// The address actually bound (the port chosen when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Starts serving `bridge` on this port, on a new thread running a tokio runtime.
    pub fn serve(self, bridge: Bridge) -> Result<ServerHandle, StartError> {
        self.socket
            .set_nonblocking(true)
            .map_err(StartError::Runtime)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?;
        let context = Arc::new(Context {
            bridge,
            guard: Guard::new(&self.config, self.local),
            admission: Arc::new(Admission::new(self.config.limits.clone())),
            assets: self.config.assets,
        });
        let (stop, stopped) = watch::channel(false);
        let socket = self.socket;
        let grace = self.config.close_grace;
        let thread = std::thread::Builder::new()
            .name(format!("webui-ws:{}", self.local.port()))
            .spawn(move || {
                let served = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    runtime.block_on(accept_loop(socket, context, stopped, grace));
                }));
                if let Err(panic) = served {
                    // Not silent: the port is closed, and the log says why.
                    tracing::error!(
                        "WebSocket server stopped: its thread panicked ({})",
                        panic_message(&*panic)
                    );
                }
                runtime.shutdown_timeout(Duration::from_millis(100));
            })
            .map_err(StartError::Runtime)?;
        Ok(ServerHandle {
            local: self.local,
            stop,
            thread: Some(thread),
        })
    }
}

/// The WebSocket + HTTP server of one bridge.
pub struct Server;

impl Server {
    /// Binds `config.addr` and serves `bridge` there ([`Listener::bind`], then
    /// [`Listener::serve`]).
    pub fn start(bridge: Bridge, config: ServerConfig) -> Result<ServerHandle, StartError> {
        Listener::bind(config)?.serve(bridge)
    }
}

/// A running server. Dropping it closes every connection (close code 1001), closes the port and
/// joins the server's thread.
pub struct ServerHandle {
    local: SocketAddr,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(
    socket: std::net::TcpListener,
    context: Arc<Context>,
    mut stopped: watch::Receiver<bool>,
    grace: Duration,
) {
    let listener = match tokio::net::TcpListener::from_std(socket) {
        Ok(listener) => listener,
        Err(err) => {
            tracing::error!("WebSocket server cannot listen: {err}");
            return;
        }
    };
    let mut connections = JoinSet::new();
    let admission = context.admission.clone();
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    // Every connection gets a place among the half-open ones; the oldest of
                    // those closes when there are too many (`admission.rs`).
                    let id = admission.next_id();
                    let (ticket_tx, ticket_rx) = tokio::sync::oneshot::channel();
                    let task = connections.spawn(connection::serve(
                        stream,
                        peer,
                        context.clone(),
                        stopped.clone(),
                        ticket_rx,
                    ));
                    let _ = ticket_tx.send(admission.wait_for_head(id, task));
                }
                Err(err) => {
                    // E.g. out of file descriptors: wait instead of spinning.
                    tracing::warn!("WebSocket server: accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(ended) = connections.join_next(), if !connections.is_empty() => {
                if let Err(error) = ended
                    && error.is_panic()
                {
                    tracing::error!(
                        "WebSocket server: a connection's task panicked ({}); the others go on",
                        panic_message(&*error.into_panic())
                    );
                }
            }
        }
    }
    drop(listener);
    // Open connections send their close frames and wait (briefly) for the answers.
    let _ = tokio::time::timeout(grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
}

/// The text of a panic's payload.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}
