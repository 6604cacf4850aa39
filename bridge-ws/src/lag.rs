//! Notices when the bridge dropped a client's parameter notifications.
//!
//! The bridge keeps at most [`bridge::QUEUE_LIMIT`] notifications per client; past that it replaces
//! them with one `parametersReset` carrying the newest dropped change's `seq`. A genuine reset
//! (the host loaded state) carries the next `seq` after the last one the client received, so a
//! reset that skips numbers means the client could not keep up.

/// Follows the `seq` of the parameter notifications sent to one client.
pub(crate) struct LagDetector {
    last: u64,
}

const CHANGED: &str = r#"{"jsonrpc":"2.0","method":"parameterChanged""#;
const RESET: &str = r#"{"jsonrpc":"2.0","method":"parametersReset""#;

impl LagDetector {
    /// Starts after change `seq` (read after the client was registered).
    pub fn new(seq: u64) -> Self {
        Self { last: seq }
    }

    /// Looks at an outgoing message; returns `true` when it reports dropped notifications.
    pub fn overflowed(&mut self, message: &str) -> bool {
        let reset = message.starts_with(RESET);
        if !reset && !message.starts_with(CHANGED) {
            return false;
        }
        let Some(seq) = seq_of(message) else {
            return false;
        };
        let skipped = reset && seq > self.last + 1;
        self.last = self.last.max(seq);
        skipped
    }
}

/// The number after the last `"seq":` of a notification.
fn seq_of(message: &str) -> Option<u64> {
    let start = message.rfind(r#""seq":"#)? + r#""seq":"#.len();
    let digits = &message[start..];
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(seq: u64) -> String {
        format!(
            r#"{{"jsonrpc":"2.0","method":"parameterChanged","params":{{"id":"output","value":-6.0,"normalized":0.75,"text":"-6.00 dB","seq":{seq}}}}}"#
        )
    }

    fn reset(seq: u64) -> String {
        format!(r#"{{"jsonrpc":"2.0","method":"parametersReset","params":{{"seq":{seq}}}}}"#)
    }

    #[test]
    fn genuine_resets_pass() {
        let mut lag = LagDetector::new(3);
        assert!(!lag.overflowed(&changed(3)));
        assert!(!lag.overflowed(&changed(4)));
        assert!(!lag.overflowed(&reset(5)));
        assert!(!lag.overflowed(&changed(6)));
        assert!(!lag.overflowed(
            r#"{"jsonrpc":"2.0","method":"meterFrame","params":{"t":1.0,"channels":[]}}"#
        ));
        assert!(!lag.overflowed(r#"{"jsonrpc":"2.0","id":1,"result":{"seq":99}}"#));
        assert!(!lag.overflowed(&reset(7)));
    }

    #[test]
    fn skipped_changes_are_noticed() {
        let mut lag = LagDetector::new(0);
        assert!(!lag.overflowed(&changed(1)));
        assert!(lag.overflowed(&reset(1100)));
    }
}
