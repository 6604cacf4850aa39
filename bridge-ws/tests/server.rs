//! The server as a library (as a plugin instance would use it): start on a bridge, serve, stop.
//! The bridge runs on the bridge crate's test host (`bridge/tests/support`).

#[path = "../../bridge/tests/support/mod.rs"]
mod support;

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Mutex;
use std::time::Duration;

use bridge_ws::{Listener, Server, ServerConfig, StartError};
use serde_json::{Value, json};
use support::Apply;
use tungstenite::{Message, WebSocket};

fn connect(addr: SocketAddr) -> WebSocket<TcpStream> {
    let stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let url = format!("ws://{addr}/ws");
    tungstenite::client(url.as_str(), stream)
        .expect("handshake")
        .0
}

fn call(ws: &mut WebSocket<TcpStream>, method: &str) -> Value {
    ws.send(Message::text(
        json!({"jsonrpc": "2.0", "id": 1, "method": method}).to_string(),
    ))
    .unwrap();
    loop {
        if let Message::Text(text) = ws.read().expect("response") {
            let value: Value = serde_json::from_str(text.as_str()).unwrap();
            if value.get("id").is_some() {
                return value;
            }
        }
    }
}

fn close_code(ws: &mut WebSocket<TcpStream>) -> Option<u16> {
    loop {
        match ws.read() {
            Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

/// The tests count this process's server threads: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Threads of this process named like a server's.
fn server_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|name| name.starts_with("webui-ws:"))
        })
        .count()
}

#[test]
fn dropping_the_handle_closes_clients_and_the_port_and_joins_the_thread() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (_host, bridge, _meters) = support::setup(Apply::Immediately);
    let server = Server::start(bridge.clone(), ServerConfig::loopback(0)).expect("start");
    let addr = server.local_addr();
    let mut ws = connect(addr);
    assert_eq!(call(&mut ws, "getInfo")["result"]["transport"], "websocket");
    assert_eq!(bridge.client_count(), 1);
    assert!(server_threads() >= 1);

    drop(server);
    assert_eq!(close_code(&mut ws), Some(1001));
    assert!(TcpStream::connect(addr).is_err(), "the port still accepts");
    TcpListener::bind(addr).expect("the port is free");
    assert_eq!(bridge.client_count(), 0, "the client left the bridge");
    assert_eq!(server_threads(), 0);
}

#[test]
fn a_bridge_shutdown_closes_its_clients() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (_host, bridge, _meters) = support::setup(Apply::Immediately);
    let server = Server::start(bridge.clone(), ServerConfig::loopback(0)).expect("start");
    let mut ws = connect(server.local_addr());
    assert_eq!(call(&mut ws, "ping")["result"], json!({"pong": true}));
    bridge.shutdown();
    assert_eq!(close_code(&mut ws), Some(1001));
    // Later clients are told at once.
    let mut late = connect(server.local_addr());
    assert_eq!(close_code(&mut late), Some(1001));
}

#[test]
fn start_errors() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let mut config = ServerConfig::loopback(addr.port());
    assert!(matches!(
        Listener::bind(config.clone()),
        Err(StartError::AddrInUse(a)) if a == addr
    ));

    config.addr = SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0);
    assert!(matches!(
        Listener::bind(config.clone()),
        Err(StartError::NonLoopbackWithoutToken(_))
    ));
    config.token = Some(String::new());
    assert!(matches!(
        Listener::bind(config.clone()),
        Err(StartError::EmptyToken)
    ));
    config.token = Some("t".into());
    let listener = Listener::bind(config).expect("with a token");
    assert_ne!(listener.local_addr().port(), 0);
}
