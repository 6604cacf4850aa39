//! Just enough HTTP/1.1 for one port: read a request head, answer plain responses (the UI files,
//! errors) with `Connection: close`, and hand WebSocket upgrades on.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use ui_assets::Assets;

use crate::assets;

/// Largest request head accepted.
const MAX_HEAD_BYTES: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;

/// A parsed request head.
pub(crate) struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    headers: Vec<(String, String)>,
}

impl Request {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether header `name` lists `token` (comma-separated, case-insensitive).
    pub fn header_has(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }
}

/// Reads a request head. Returns it with the bytes read past it, or `None` when the peer closed
/// or sent something that is not HTTP/1.x (answered with 400 where possible).
pub(crate) async fn read_head(stream: &mut TcpStream) -> io::Result<Option<(Request, Vec<u8>)>> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buffer) {
            Ok(httparse::Status::Complete(length)) => {
                let target = request.path.unwrap_or("/");
                let (path, query) = target.split_once('?').unwrap_or((target, ""));
                let head = Request {
                    method: request.method.unwrap_or("").to_owned(),
                    path: path.to_owned(),
                    query: query.to_owned(),
                    headers: request
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_owned(),
                                String::from_utf8_lossy(h.value).trim().to_owned(),
                            )
                        })
                        .collect(),
                };
                return Ok(Some((head, buffer.split_off(length))));
            }
            Ok(httparse::Status::Partial) if buffer.len() < MAX_HEAD_BYTES => {}
            Ok(httparse::Status::Partial) => {
                respond_text(stream, 431, "request head too large\n", false).await?;
                return Ok(None);
            }
            Err(_) => {
                respond_text(stream, 400, "bad request\n", false).await?;
                return Ok(None);
            }
        }
    }
}

/// Answers a request that is not a WebSocket upgrade: the UI's files, or an error.
pub(crate) async fn serve_static(
    stream: &mut TcpStream,
    request: &Request,
    ui: &Assets,
) -> io::Result<()> {
    let head_only = request.method == "HEAD";
    if request.method != "GET" && !head_only {
        return respond_text(stream, 405, "only GET and HEAD\n", false).await;
    }
    if !ui.built() {
        return respond_text(stream, 503, &assets::not_built(ui), head_only).await;
    }
    match ui.find(&request.path) {
        Some(asset) => respond(stream, 200, asset.content_type, asset.body, head_only).await,
        None => respond_text(stream, 404, "not found\n", head_only).await,
    }
}

/// Writes a `text/plain` response.
pub(crate) async fn respond_text(
    stream: &mut TcpStream,
    status: u16,
    body: &str,
    head_only: bool,
) -> io::Result<()> {
    respond(
        stream,
        status,
        "text/plain; charset=utf-8",
        body.as_bytes(),
        head_only,
    )
    .await
}

/// Writes a complete response and closes the connection's write side.
pub(crate) async fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    if !head_only {
        stream.write_all(body).await?;
    }
    stream.flush().await?;
    stream.shutdown().await
}

/// The reason phrase of the statuses this server uses.
fn reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}
