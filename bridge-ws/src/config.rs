//! What a server is told: where to listen, which browser origins to accept, the token.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use ui_assets::Assets;

use crate::limits::Limits;

/// Origins of the UI's Vite dev server, always accepted.
pub const VITE_DEV_ORIGINS: [&str; 2] = ["http://localhost:5173", "http://127.0.0.1:5173"];

/// How a server listens and whom it lets in.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Address and port to listen on (port 0: any free port).
    pub addr: SocketAddr,
    /// When set, WebSocket clients must present it (`?token=` or `Authorization: Bearer`).
    pub token: Option<String>,
    /// Browser origins accepted besides the server's own and the Vite dev server's, e.g.
    /// `http://192.168.1.5:9000`.
    pub allowed_origins: Vec<String>,
    /// How long stopping the server (dropping its handle) waits at most for open connections to
    /// answer their close frames. A browser answers within milliseconds; a client that reads
    /// nothing makes the drop take this long.
    pub close_grace: Duration,
    /// What one client may cost the server.
    pub limits: Limits,
    /// The UI served at `/` (the plugin's own, `ui_assets::include_ui!`); none: `/` answers 503.
    pub assets: Assets,
}

/// The standalone's [`ServerConfig::close_grace`].
pub const DEFAULT_CLOSE_GRACE: Duration = Duration::from_millis(250);

impl ServerConfig {
    /// Listens on 127.0.0.1:`port`, no token, no extra origins.
    pub fn loopback(port: u16) -> Self {
        Self {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            token: None,
            allowed_origins: Vec::new(),
            close_grace: DEFAULT_CLOSE_GRACE,
            limits: Limits::default(),
            assets: Assets::new(&[], "(no UI given to the server)"),
        }
    }

    /// Refuses a non-loopback address without a token, and an empty token.
    pub fn validate(&self) -> Result<(), StartError> {
        if self.token.as_deref() == Some("") {
            return Err(StartError::EmptyToken);
        }
        if !self.addr.ip().is_loopback() && self.token.is_none() {
            return Err(StartError::NonLoopbackWithoutToken(self.addr.ip()));
        }
        Ok(())
    }
}

/// A fresh random token of 128 bits, as 32 lowercase hex digits (from the OS's random source).
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Why a server did not start.
#[derive(Debug)]
pub enum StartError {
    /// A non-loopback address was asked for without a token.
    NonLoopbackWithoutToken(IpAddr),
    /// The token is empty.
    EmptyToken,
    /// Another process listens on the port.
    AddrInUse(SocketAddr),
    /// Binding failed otherwise (permission, address not available, …).
    Bind(SocketAddr, std::io::Error),
    /// The runtime or its thread could not be created.
    Runtime(std::io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NonLoopbackWithoutToken(ip) => write!(
                f,
                "refusing to listen on {ip} without a token: anyone on the network could control \
                 the plugin (pass --token, or bind 127.0.0.1)"
            ),
            Self::EmptyToken => write!(f, "the token must not be empty"),
            Self::AddrInUse(addr) => write!(
                f,
                "port {} is already in use ({addr}); pick another with --port",
                addr.port()
            ),
            Self::Bind(addr, err) => write!(f, "cannot listen on {addr}: {err}"),
            Self::Runtime(err) => write!(f, "cannot start the server's runtime: {err}"),
        }
    }
}

impl std::error::Error for StartError {}
