//! The bridge's calls into the host: nice-plug's `GuiContext`, called only on the host's main (GUI)
//! thread when the host offers a way there, in the order the clients' requests were accepted.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;

use nice_plug::context::gui::GuiContext;
use nice_plug::params::internals::ParamPtr;

/// One call into the `GuiContext`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum HostOp {
    Begin(ParamPtr),
    Set(ParamPtr, f32),
    End(ParamPtr),
}

impl HostOp {
    fn ptr(&self) -> ParamPtr {
        match *self {
            HostOp::Begin(ptr) | HostOp::Set(ptr, _) | HostOp::End(ptr) => ptr,
        }
    }
}

pub(crate) struct HostCalls {
    context: Option<GuiContext>,
    /// Calls waiting for the main thread (only when `deferred`).
    pending: VecDeque<HostOp>,
    /// Whether calls wait for [`HostCalls::run_pending`] on the main thread, or run at once.
    deferred: bool,
}

impl HostCalls {
    pub fn new(context: GuiContext, deferred: bool) -> Self {
        Self {
            context: Some(context),
            pending: VecDeque::new(),
            deferred,
        }
    }

    /// Whether the editor session is still open.
    pub fn is_open(&self) -> bool {
        self.context.is_some()
    }

    /// Makes (or queues) one call. Returns whether the main thread must be asked to run the queue.
    pub fn send(&mut self, op: HostOp) -> bool {
        let Some(context) = &self.context else {
            return false;
        };
        if !self.deferred {
            call(context, op);
            return false;
        }
        let was_empty = self.pending.is_empty();
        self.queue(op);
        was_empty
    }

    /// Queues `op`, folding it into what is queued for the same parameter: the host only needs
    /// the newest value per main-thread turn, and the wrapper's event queue is bounded (2048 in
    /// nice-plug's CLAP wrapper; a full queue loses changes).
    ///
    /// - `Set` after a queued `Set` of the same parameter replaces its value;
    /// - `Begin` right after a queued `End` of the same parameter cancels that `End` (two
    ///   back-to-back gestures become one).
    ///
    /// So the queue holds at most a few calls per parameter, however fast clients send.
    fn queue(&mut self, op: HostOp) {
        let last_for_param = self
            .pending
            .iter_mut()
            .enumerate()
            .rev()
            .find(|(_, queued)| queued.ptr() == op.ptr());
        match (op, last_for_param) {
            (HostOp::Set(_, value), Some((_, HostOp::Set(_, queued)))) => *queued = value,
            (HostOp::Begin(_), Some((index, HostOp::End(_)))) => {
                self.pending.remove(index);
            }
            _ => self.pending.push_back(op),
        }
    }

    /// Runs the queued calls (on the host's main thread).
    pub fn run_pending(&mut self) {
        if let Some(context) = &self.context {
            for op in self.pending.drain(..) {
                call(context, op);
            }
        }
    }

    /// Runs what is queued, then `last`, and closes the context: the context is not used again.
    ///
    /// A wrapper that drops the editor while it is itself being destroyed (a host that destroys
    /// the plugin without closing the GUI first) panics on these calls; the panic is contained
    /// here so it cannot cross the plugin's C ABI and abort the host.
    pub fn close(&mut self, last: impl IntoIterator<Item = HostOp>) {
        let Some(context) = self.context.take() else {
            return;
        };
        let ops: Vec<HostOp> = self.pending.drain(..).chain(last).collect();
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| {
            for op in ops {
                call(&context, op);
            }
        }));
    }
}

impl HostCalls {
    /// Closes the context without another call: the instance is being destroyed, so the host has
    /// nothing left to hear (and nice-plug's context can no longer reach its wrapper).
    pub fn abandon(&mut self) {
        self.context = None;
        self.pending.clear();
    }
}

fn call(context: &GuiContext, op: HostOp) {
    let setter = context.param_setter();
    // SAFETY: every pointer comes from the instance's own params (the bridge's `ParamTable`),
    // which stay alive as long as the bridge.
    unsafe {
        match op {
            HostOp::Begin(ptr) => setter.raw_context.raw_begin_set_parameter(ptr),
            HostOp::Set(ptr, normalized) => setter
                .raw_context
                .raw_set_parameter_normalized(ptr, normalized),
            HostOp::End(ptr) => setter.raw_context.raw_end_set_parameter(ptr),
        }
    }
}
