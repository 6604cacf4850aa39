//! Helpers for the tests that spawn the real `webstrip` binary and talk WebSocket to it.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

/// How long the app may take to start listening (debug build, busy CI).
pub const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a test waits for one expected message.
pub const MESSAGE_TIMEOUT: Duration = Duration::from_secs(10);

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// A running `webstrip` process; killed when dropped.
pub struct App {
    pub child: Child,
    pub port: u16,
    pub stderr: Arc<Mutex<String>>,
}

impl App {
    /// Starts `webstrip --dev-server --port <free> -b dummy <extra>` and waits until it listens.
    pub fn start(extra: &[&str]) -> App {
        let port = free_port();
        let port_text = port.to_string();
        let mut args = vec!["--dev-server", "--port", &port_text, "-b", "dummy"];
        args.extend_from_slice(extra);
        let app = App::spawn(&args, port);
        app.wait_listening();
        app
    }

    /// Spawns the binary with exactly `args`, stderr captured, without a display.
    pub fn spawn(args: &[&str], port: u16) -> App {
        App::spawn_with(args, port, &[])
    }

    /// Spawns the binary with exactly `args` and the variables `env` (e.g. a `DISPLAY`; none is
    /// inherited), stderr captured.
    pub fn spawn_with(args: &[&str], port: u16, env: &[(&str, &str)]) -> App {
        let mut child = Command::new(env!("CARGO_BIN_EXE_webstrip"))
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn webstrip");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("piped stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        App {
            child,
            port,
            stderr,
        }
    }

    /// Waits until the port accepts connections.
    pub fn wait_listening(&self) {
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "webstrip did not listen on {}; stderr:\n{}",
                self.port,
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the app printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits up to [`MESSAGE_TIMEOUT`] for `needle` to appear on stderr.
    pub fn stderr_shows(&self, needle: &str) -> bool {
        let deadline = Instant::now() + MESSAGE_TIMEOUT;
        while !self.stderr().contains(needle) {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    /// Waits up to `timeout` for the process to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Sends `signal` to the process.
    pub fn signal(&self, signal: i32) {
        // SAFETY: plain kill(2) on our own child.
        let result = unsafe { libc::kill(self.child.id() as i32, signal) };
        assert_eq!(result, 0, "kill");
    }

    /// `ws://127.0.0.1:PORT/ws` with `query` appended.
    pub fn url(&self, query: &str) -> String {
        format!("ws://127.0.0.1:{}/ws{query}", self.port)
    }

    /// A WebSocket client without Origin or token.
    pub fn connect(&self) -> Ws {
        Ws::connect(&self.url(""), &[]).expect("WebSocket handshake")
    }

    /// A plain HTTP GET; returns the status and the body.
    pub fn http_get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.http_get_full(path);
        (status, body)
    }

    /// A plain HTTP GET; returns the status, the `Content-Type` and the body.
    pub fn http_get_full(&self, path: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(MESSAGE_TIMEOUT))
            .expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        )
        .expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let content_type = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-type")
                    .then(|| value.trim().to_owned())
            })
            .unwrap_or_default();
        (status, content_type, body.to_owned())
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A synchronous WebSocket client speaking JSON-RPC.
pub struct Ws {
    pub socket: WebSocket<TcpStream>,
    next_id: u64,
    /// Notifications received while waiting for a response.
    pub backlog: VecDeque<Value>,
}

impl Ws {
    /// Connects to `url` with extra handshake `headers`; the HTTP status on refusal.
    pub fn connect(url: &str, headers: &[(&'static str, &str)]) -> Result<Ws, u16> {
        let mut request = url.into_client_request().expect("request");
        for (name, value) in headers {
            request
                .headers_mut()
                .insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        let host = request.uri().authority().expect("authority").to_string();
        let stream = TcpStream::connect(host).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        stream
            .set_read_timeout(Some(MESSAGE_TIMEOUT))
            .expect("timeout");
        let config = WebSocketConfig::default().max_message_size(Some(1 << 20));
        match tungstenite::client::client_with_config(request, stream, Some(config)) {
            Ok((socket, _)) => Ok(Ws {
                socket,
                next_id: 1,
                backlog: VecDeque::new(),
            }),
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
                Err(response.status().as_u16())
            }
            Err(err) => panic!("handshake: {err}"),
        }
    }

    /// Sends a request and returns its response (notifications meanwhile go to the backlog).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut request = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            request["params"] = params;
        }
        self.send(&request);
        loop {
            let message = self.read().expect("response");
            if message.get("id") == Some(&json!(id)) {
                return message;
            }
            assert!(message.get("id").is_none(), "unexpected response {message}");
            self.backlog.push_back(message);
        }
    }

    /// `call` returning `result` (panics on an error response).
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// Sends one JSON message.
    pub fn send(&mut self, message: &Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .expect("send");
    }

    /// The next JSON message from the server (`None`: closed or timed out).
    pub fn read(&mut self) -> Option<Value> {
        loop {
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    return Some(serde_json::from_str(text.as_str()).expect("JSON"));
                }
                Ok(Message::Close(frame)) => {
                    eprintln!("closed by the server: {frame:?}");
                    return None;
                }
                Err(err) => {
                    eprintln!("read failed: {err}");
                    return None;
                }
                Ok(_) => {}
            }
        }
    }

    /// The next notification called `method`, from the backlog first (others are dropped).
    pub fn notification(&mut self, method: &str) -> Value {
        while let Some(message) = self.backlog.pop_front() {
            if message["method"] == method {
                return message;
            }
        }
        loop {
            let message = self
                .read()
                .unwrap_or_else(|| panic!("no {method} notification"));
            if message["method"] == method {
                return message;
            }
        }
    }

    /// Reads until the server closes; returns the close code.
    pub fn close_code(&mut self) -> Option<u16> {
        loop {
            match self.socket.read() {
                Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }
}
