//! Who may open a WebSocket: the Origin check (browsers; against DNS rebinding and foreign pages)
//! and the token check (`?token=` or `Authorization: Bearer`, compared in constant time).

use std::net::SocketAddr;

use crate::config::{ServerConfig, VITE_DEV_ORIGINS};

/// Why a handshake was refused: the HTTP status and a reason for the log and the response body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub status: u16,
    pub reason: String,
}

/// The checks of one server.
pub(crate) struct Guard {
    origins: Vec<String>,
    token: Option<String>,
}

impl Guard {
    /// The guard of a server listening on `local` with `config`.
    pub fn new(config: &ServerConfig, local: SocketAddr) -> Self {
        let port = local.port();
        let mut origins = vec![
            format!("http://127.0.0.1:{port}"),
            format!("http://localhost:{port}"),
            format!("http://[::1]:{port}"),
        ];
        let ip = local.ip();
        if !ip.is_unspecified() && !ip.is_loopback() {
            origins.push(match ip {
                std::net::IpAddr::V4(v4) => format!("http://{v4}:{port}"),
                std::net::IpAddr::V6(v6) => format!("http://[{v6}]:{port}"),
            });
        }
        origins.extend(VITE_DEV_ORIGINS.iter().map(|o| o.to_string()));
        origins.extend(config.allowed_origins.iter().map(|o| normalize(o)));
        Self {
            origins,
            token: config.token.clone(),
        }
    }

    /// Checks a handshake's `Origin`, `Host` and `Authorization` headers and `token` query
    /// parameter.
    ///
    /// With a token, a page served by this server under whatever address the browser used (e.g.
    /// `http://192.168.1.5:9000` when bound to 0.0.0.0) is same-origin: `Origin` equals
    /// `http://` + `Host`. Without a token that is not trusted: a DNS-rebinding page controls
    /// both headers.
    pub fn check(
        &self,
        origin: Option<&str>,
        host: Option<&str>,
        query_token: Option<&str>,
        authorization: Option<&str>,
    ) -> Result<(), Refusal> {
        if let Some(origin) = origin {
            let origin = normalize(origin);
            let same_origin = self.token.is_some()
                && host.is_some_and(|host| origin == normalize(&format!("http://{host}")));
            if !same_origin && !self.origins.contains(&origin) {
                return Err(Refusal {
                    status: 403,
                    reason: format!("origin {origin} is not allowed (see --allow-origin)"),
                });
            }
        }
        let Some(expected) = &self.token else {
            return Ok(());
        };
        let bearer = authorization.and_then(|value| {
            let (scheme, credentials) = value.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| credentials.trim())
        });
        let presented = query_token.or(bearer);
        match presented {
            Some(token) if constant_time_eq(token.as_bytes(), expected.as_bytes()) => Ok(()),
            Some(_) => Err(Refusal {
                status: 401,
                reason: "wrong token".into(),
            }),
            None => Err(Refusal {
                status: 401,
                reason: "a token is required (?token= or Authorization: Bearer)".into(),
            }),
        }
    }
}

/// Lower-cases an origin and drops a trailing slash, as browsers send them.
fn normalize(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut difference = u8::from(a.len() != b.len());
    for (i, &x) in a.iter().enumerate() {
        // Wrong-length input is still compared against `b` (cycled) so the time does not reveal
        // how much of a prefix matched.
        let y = if b.is_empty() { 0 } else { b[i % b.len()] };
        difference |= x ^ y;
    }
    std::hint::black_box(difference) == 0
}

/// The value of `name` in a URL query (`a=1&token=x`), percent-decoded.
pub(crate) fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| percent_decode(value))
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(token: Option<&str>) -> Guard {
        let mut config = ServerConfig::loopback(9000);
        config.token = token.map(str::to_owned);
        config.allowed_origins = vec!["https://Example.org/".into()];
        Guard::new(&config, "127.0.0.1:9000".parse().unwrap())
    }

    #[test]
    fn origins() {
        let g = guard(None);
        assert!(g.check(None, None, None, None).is_ok());
        for ok in [
            "http://127.0.0.1:9000",
            "http://localhost:9000",
            "http://localhost:5173",
            "http://127.0.0.1:5173",
            "https://example.org",
        ] {
            assert!(g.check(Some(ok), None, None, None).is_ok(), "{ok}");
        }
        for bad in ["http://evil.example", "http://localhost:9001", "null"] {
            assert_eq!(
                g.check(Some(bad), None, None, None).unwrap_err().status,
                403
            );
        }
    }

    #[test]
    fn tokens() {
        let g = guard(Some("s3cret"));
        assert_eq!(g.check(None, None, None, None).unwrap_err().status, 401);
        assert_eq!(
            g.check(None, None, Some("s3cre"), None).unwrap_err().status,
            401
        );
        assert_eq!(
            g.check(None, None, Some("s3cretx"), None)
                .unwrap_err()
                .status,
            401
        );
        assert!(g.check(None, None, Some("s3cret"), None).is_ok());
        assert!(g.check(None, None, None, Some("Bearer s3cret")).is_ok());
        assert_eq!(
            g.check(None, None, None, Some("Basic s3cret"))
                .unwrap_err()
                .status,
            401
        );
        // A foreign origin is refused before the token is looked at.
        assert_eq!(
            g.check(Some("http://evil.example"), None, Some("s3cret"), None)
                .unwrap_err()
                .status,
            403
        );
    }

    #[test]
    fn same_origin_by_host_only_with_a_token() {
        let page = Some("http://192.168.1.5:9000");
        let host = Some("192.168.1.5:9000");
        assert_eq!(
            guard(None)
                .check(page, host, None, None)
                .unwrap_err()
                .status,
            403
        );
        assert!(guard(Some("t")).check(page, host, Some("t"), None).is_ok());
        assert_eq!(
            guard(Some("t"))
                .check(page, Some("other:9000"), Some("t"), None)
                .unwrap_err()
                .status,
            403
        );
    }

    #[test]
    fn queries() {
        assert_eq!(
            query_param("a=1&token=a%2Fb+c", "token").as_deref(),
            Some("a/b c")
        );
        assert_eq!(query_param("token", "token").as_deref(), Some(""));
        assert_eq!(query_param("x=1", "token"), None);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
