//! Who gets a place on a server: connections waiting for their request head (at most
//! [`Limits::max_pending`]; a new one closes the oldest) and WebSocket sessions (at most
//! [`Limits::max_sessions`]; when full, a new one replaces the session silent longest, if one has
//! been silent long enough). So neither a flood of half-open heads nor one of idle sessions locks
//! a live UI out: the flood competes only with itself.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::Notify;
use tokio::task::AbortHandle;

use crate::limits::Limits;

/// The places of one server.
pub(crate) struct Admission {
    limits: Limits,
    /// Times below are milliseconds since this.
    base: Instant,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    next_id: u64,
    pending: VecDeque<(u64, AbortHandle)>,
    sessions: Vec<Slot>,
}

struct Slot {
    id: u64,
    activity: Arc<Activity>,
    evict: Arc<Notify>,
}

/// When a session last sent a JSON-RPC message.
pub(crate) struct Activity {
    connected_ms: u64,
    /// `u64::MAX`: never.
    last_message_ms: AtomicU64,
}

/// A connection's place while it sends its head; dropping it frees the place.
pub(crate) struct PendingTicket {
    admission: Arc<Admission>,
    id: u64,
}

/// A WebSocket session's place; dropping it frees the place.
pub(crate) struct SessionTicket {
    admission: Arc<Admission>,
    id: u64,
    activity: Arc<Activity>,
    /// Notified when the session must close to make room.
    pub evicted: Arc<Notify>,
}

impl Admission {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            base: Instant::now(),
            state: Mutex::new(State::default()),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn now_ms(&self) -> u64 {
        self.base.elapsed().as_millis() as u64
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // Nothing panics while holding it; a poisoned lock still holds consistent data.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new id for a connection about to be spawned.
    pub fn next_id(&self) -> u64 {
        let mut state = self.state();
        state.next_id += 1;
        state.next_id
    }

    /// Records connection `id` (its task: `task`) as waiting for its head; over the limit, the
    /// oldest waiting connection is aborted (its socket closes).
    pub fn wait_for_head(self: &Arc<Self>, id: u64, task: AbortHandle) -> PendingTicket {
        let oldest = {
            let mut state = self.state();
            state.pending.push_back((id, task));
            (state.pending.len() > self.limits.max_pending)
                .then(|| state.pending.pop_front())
                .flatten()
        };
        if let Some((id, task)) = oldest {
            tracing::debug!(
                "WebSocket server: closing connection {id}, the oldest of too many half-open ones"
            );
            task.abort();
        }
        PendingTicket {
            admission: self.clone(),
            id,
        }
    }

    /// A place for a new WebSocket session, making room by evicting the session silent longest
    /// if all are taken; `None` when none can be freed.
    pub fn open_session(self: &Arc<Self>) -> Option<SessionTicket> {
        let now = self.now_ms();
        let mut state = self.state();
        state.next_id += 1;
        let id = state.next_id;
        if state.sessions.len() >= self.limits.max_sessions {
            let victim = state
                .sessions
                .iter()
                .enumerate()
                .filter(|(_, slot)| self.evictable(&slot.activity, now))
                .min_by_key(|(_, slot)| slot.activity.quiet_since())
                .map(|(index, _)| index)?;
            let slot = state.sessions.swap_remove(victim);
            slot.evict.notify_one();
        }
        let activity = Arc::new(Activity {
            connected_ms: now,
            last_message_ms: AtomicU64::new(u64::MAX),
        });
        let evicted = Arc::new(Notify::new());
        state.sessions.push(Slot {
            id,
            activity: activity.clone(),
            evict: evicted.clone(),
        });
        Some(SessionTicket {
            admission: self.clone(),
            id,
            activity,
            evicted,
        })
    }

    fn evictable(&self, activity: &Activity, now: u64) -> bool {
        let ms = |d: std::time::Duration| d.as_millis() as u64;
        match activity.last_message_ms.load(Ordering::Relaxed) {
            u64::MAX => {
                now.saturating_sub(activity.connected_ms) >= ms(self.limits.new_session_grace)
            }
            last => now.saturating_sub(last) >= ms(self.limits.evictable_after),
        }
    }

    /// Open sessions.
    #[cfg(test)]
    pub fn sessions(&self) -> usize {
        self.state().sessions.len()
    }
}

impl Activity {
    /// Since when the session has been silent (its last message, else its connection).
    fn quiet_since(&self) -> u64 {
        match self.last_message_ms.load(Ordering::Relaxed) {
            u64::MAX => self.connected_ms,
            last => last,
        }
    }
}

impl SessionTicket {
    /// The session received a JSON-RPC message.
    pub fn message_received(&self) {
        let now = self.admission.now_ms();
        self.activity.last_message_ms.store(now, Ordering::Relaxed);
    }
}

impl Drop for PendingTicket {
    fn drop(&mut self) {
        self.admission
            .state()
            .pending
            .retain(|(id, _)| *id != self.id);
    }
}

impl Drop for SessionTicket {
    fn drop(&mut self) {
        self.admission
            .state()
            .sessions
            .retain(|slot| slot.id != self.id);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn limits() -> Limits {
        Limits {
            max_sessions: 2,
            max_pending: 2,
            evictable_after: Duration::from_millis(200),
            new_session_grace: Duration::from_millis(50),
            ..Limits::default()
        }
    }

    #[tokio::test]
    async fn the_oldest_half_open_connection_makes_room() {
        let admission = Arc::new(Admission::new(limits()));
        let task = |admission: &Arc<Admission>| {
            let handle = tokio::spawn(std::future::pending::<()>());
            let ticket = admission.wait_for_head(admission.next_id(), handle.abort_handle());
            (handle, ticket)
        };
        let (first, _a) = task(&admission);
        let (second, _b) = task(&admission);
        let (third, _c) = task(&admission);
        tokio::task::yield_now().await;
        assert!(first.await.unwrap_err().is_cancelled());
        assert!(!second.is_finished() && !third.is_finished());
    }

    #[test]
    fn a_full_server_replaces_the_longest_silent_session_only() {
        let admission = Arc::new(Admission::new(limits()));
        let talker = admission.open_session().unwrap();
        let idle = admission.open_session().unwrap();
        talker.message_received();
        // Nobody silent long enough yet: no room.
        assert!(admission.open_session().is_none());
        std::thread::sleep(Duration::from_millis(80));
        talker.message_received();
        // The session that never spoke goes first, after its grace.
        let newcomer = admission.open_session().expect("room made");
        assert_eq!(admission.sessions(), 2);
        drop(idle);
        assert_eq!(
            admission.sessions(),
            2,
            "the evicted slot was already freed"
        );
        newcomer.message_received();
        // A talker is safe until it has been silent for `evictable_after`.
        assert!(admission.open_session().is_none());
        std::thread::sleep(Duration::from_millis(220));
        newcomer.message_received();
        let _another = admission
            .open_session()
            .expect("the silent talker makes room");
        drop(talker);
        assert_eq!(admission.sessions(), 2);
    }
}
