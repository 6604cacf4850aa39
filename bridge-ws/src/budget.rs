//! A session's share of the server's thread: a token bucket of thread time, charged after each
//! message by how long handling it took (decoding, dispatch, answering). A session in debt is not
//! read again until the bucket refills: its peer waits (TCP backpressure), the server's thread
//! serves the others. Time, not message counts, because one small batch can cost what a hundred
//! pings do.

use std::time::{Duration, Instant};

pub(crate) struct Budget {
    /// Seconds of thread time available (negative: debt).
    seconds: f64,
    /// Seconds earned per second.
    share: f64,
    burst: f64,
    at: Instant,
}

impl Budget {
    /// A budget of `share` of a thread (0.05: 50 ms per second), `burst` at most at once.
    pub fn new(share: f64, burst: Duration) -> Self {
        Self {
            seconds: burst.as_secs_f64(),
            share,
            burst: burst.as_secs_f64(),
            at: Instant::now(),
        }
    }

    /// Takes `busy` from the bucket (it may go into debt).
    pub fn charge(&mut self, busy: Duration) {
        self.refill();
        self.seconds -= busy.as_secs_f64();
    }

    /// How long until the session may be read again (`None`: now).
    pub fn delay(&mut self) -> Option<Duration> {
        self.refill();
        (self.seconds < 0.0).then(|| Duration::from_secs_f64(-self.seconds / self.share))
    }

    fn refill(&mut self) {
        let now = Instant::now();
        let elapsed = now.duration_since(self.at).as_secs_f64();
        self.at = now;
        self.seconds = (self.seconds + elapsed * self.share).min(self.burst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debt_makes_the_session_wait_in_proportion() {
        let mut budget = Budget::new(0.1, Duration::from_millis(10));
        assert_eq!(budget.delay(), None);
        budget.charge(Duration::from_millis(10));
        assert_eq!(budget.delay(), None, "the burst is free");
        budget.charge(Duration::from_millis(5));
        let wait = budget.delay().expect("in debt");
        // 5 ms of work at a tenth of a thread: 50 ms.
        assert!(
            wait <= Duration::from_millis(50) && wait >= Duration::from_millis(45),
            "{wait:?}"
        );
        std::thread::sleep(wait + Duration::from_millis(2));
        assert_eq!(budget.delay(), None);
    }
}
