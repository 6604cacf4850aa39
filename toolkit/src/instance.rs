//! One instance's UI bridge, shared by every transport that serves the UI: the open editor's
//! helper pipe, inside a host the browser server ([`crate::browser`]), in the standalone app its
//! WebSocket server. Each attaches the same way: it holds a [`BridgeLease`]. The bridge starts when the first of them needs
//! it and shuts down when the last lets go (a [`BridgeLease`] each), so there is one meter reader,
//! one change counter and one gesture owner per parameter per instance.
//!
//! In a host, nice-plug (patched, see `vendor/README.md`) hands the instance a `GuiContext` at
//! creation, and its `AsyncExecutor` reaches the host's main thread: the bridge then works with no
//! editor open. The standalone gives neither; its editor session brings its own context.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use bridge::protocol::BrowserAddress;
use bridge::{Bridge, MainThreadRequest, MeterSource, PluginInfo};
use nice_plug::context::gui::{AsyncExecutor, GuiContext};
use nice_plug::prelude::{Params, Plugin, TaskExecutor};

use crate::WebUi;
use crate::browser::{self, BrowserServer};
use crate::editor::Editor;

/// Numbers the instances of this process, for the log.
static INSTANCES: AtomicU32 = AtomicU32::new(0);

/// What the instance asks of the host's main thread (nice-plug's background task type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MainThreadTask {
    /// Make the `GuiContext` calls the bridge's clients queued.
    RunHostCalls,
}

/// Keeps the instance's bridge running; the last lease dropped shuts it down.
pub struct BridgeLease {
    bridge: Bridge,
}

impl BridgeLease {
    /// The bridge this lease keeps running.
    pub fn bridge(&self) -> &Bridge {
        &self.bridge
    }
}

impl Drop for BridgeLease {
    fn drop(&mut self) {
        // Ends the remaining clients' gestures (the host sees the ends) and stops the sampler.
        self.bridge.shutdown();
    }
}

/// The instance's side of its host, once the wrapper gave it.
struct HostSide<P: Plugin> {
    context: Option<GuiContext>,
    executor: Option<Arc<AsyncExecutor<P>>>,
}

/// The bridge of one plugin instance and what starts it: the toolkit's part of the plugin.
pub struct Instance<P: WebUi> {
    params: Arc<dyn Params>,
    meters: Arc<dyn MeterSource>,
    host: Mutex<HostSide<P>>,
    bridge: Mutex<Weak<BridgeLease>>,
    browser: Mutex<Option<BrowserServer>>,
    /// The host's name for the instance's track, once it gave one.
    track_name: Mutex<Option<String>>,
    number: u32,
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<P: WebUi> Instance<P> {
    /// The toolkit's part of the instance owning `params`; `meters` becomes its only meter reader.
    pub fn new(params: Arc<dyn Params>, meters: Arc<dyn MeterSource>) -> Arc<Self> {
        Arc::new(Self {
            params,
            meters,
            host: Mutex::new(HostSide {
                context: None,
                executor: None,
            }),
            bridge: Mutex::new(Weak::new()),
            browser: Mutex::new(None),
            track_name: Mutex::new(None),
            number: INSTANCES.fetch_add(1, Ordering::Relaxed) + 1,
        })
    }

    /// `Plugin::task_executor`: runs what the bridge queued for the host's main thread.
    pub fn task_executor(self: &Arc<Self>) -> TaskExecutor<P> {
        let instance = self.clone();
        Box::new(move |task| match task {
            MainThreadTask::RunHostCalls => instance.run_host_calls(),
        })
    }

    /// `Plugin::editor`: the instance's editor. In a host it also keeps the wrapper's executor
    /// (the way to the host's main thread) and starts the browser server when the environment
    /// asks for it ([`browser::BRIDGE_ENV`]).
    pub fn editor(self: &Arc<Self>, executor: AsyncExecutor<P>) -> Editor<P> {
        if self.in_host() {
            self.set_executor(executor);
            self.start_browser_from_env();
        }
        // Else the standalone: its executor holds its wrapper, so keeping it here would keep the
        // wrapper alive forever; its editor session brings what the bridge needs.
        Editor::new(self.clone())
    }

    /// `ClapPlugin`/`Vst3Plugin::instance_context`: a host is creating this instance and gives it
    /// a context of its own (nice-plug, patched, calls this before `Plugin::editor`), so the
    /// bridge can serve clients with no editor open.
    pub fn attach_host(&self, context: GuiContext) {
        self.set_context(context);
    }

    /// Starts the browser server when the host's environment asks for it; logs its URL, or why
    /// not.
    fn start_browser_from_env(self: &Arc<Self>) {
        let value = std::env::var(browser::BRIDGE_ENV).ok();
        let port = match browser::requested_port(value.as_deref()) {
            Ok(Some(port)) => port,
            Ok(None) => return,
            Err(err) => {
                nice_plug::nice_error!("{err}: no browser server");
                return;
            }
        };
        let number = self.number;
        match self.open_browser(Some(port)) {
            Ok(address) => {
                browser::log_address(P::NAME, number, self.track_name().as_deref(), &address)
            }
            Err(err) => {
                nice_plug::nice_error!("{} instance {number}: no browser server: {err}", P::NAME)
            }
        }
    }

    /// This instance's number within the process (1, 2, …), for the log.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The host's name for the instance's track, if it gave one.
    pub fn track_name(&self) -> Option<String> {
        locked(&self.track_name).clone()
    }

    /// The host named (or renamed) the instance's track (nice-plug's `track_info_updated`; an
    /// empty name is none): the bridge's clients hear it, and with the browser server running the
    /// log says which track its URL now drives.
    pub fn set_track_name(&self, name: &str) {
        let name = Some(name.trim())
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        {
            let mut known = locked(&self.track_name);
            if *known == name {
                return;
            }
            known.clone_from(&name);
        }
        let lease = locked(&self.bridge).upgrade();
        if let Some(lease) = lease {
            lease.bridge.set_track_name(name.as_deref());
        }
        if let (Some(name), Some(browser)) = (&name, locked(&self.browser).as_ref()) {
            browser::log_address(P::NAME, self.number, Some(name), browser.address());
        }
    }

    /// The wrapper's executor, to reach the host's main thread (`Plugin::editor`). Only in a host:
    /// the CLAP and VST3 executors hold their wrapper weakly, the standalone's strongly.
    fn set_executor(&self, executor: AsyncExecutor<P>) {
        locked(&self.host).executor = Some(Arc::new(executor));
    }

    /// The instance's `GuiContext` from the (patched) wrapper: a host runs this instance.
    fn set_context(&self, context: GuiContext) {
        locked(&self.host).context = Some(context);
    }

    /// Whether the wrapper gave the instance a context of its own, i.e. a host runs it.
    pub fn in_host(&self) -> bool {
        locked(&self.host).context.is_some()
    }

    /// A lease on the running bridge, starting it when nobody holds one. In a host it runs on the
    /// instance's context; otherwise (the standalone) on `session`: the context of the editor
    /// session asking, and its way to the main thread. `None` when neither is there.
    pub fn lease(
        self: &Arc<Self>,
        session: Option<(GuiContext, Option<MainThreadRequest>)>,
    ) -> Option<Arc<BridgeLease>> {
        let mut slot = locked(&self.bridge);
        if let Some(lease) = slot.upgrade() {
            return Some(lease);
        }
        let (context, main_thread, in_host) = {
            let host = locked(&self.host);
            match (&host.context, &host.executor) {
                (Some(context), Some(executor)) => {
                    let executor = executor.clone();
                    let request: MainThreadRequest =
                        Box::new(move || executor.execute_gui(MainThreadTask::RunHostCalls));
                    (context.clone(), Some(request), true)
                }
                _ => {
                    let (context, main_thread) = session?;
                    (context, main_thread, false)
                }
            }
        };
        let bridge = Bridge::start(
            self.params.clone(),
            context,
            self.meters.clone(),
            PluginInfo {
                name: P::NAME.to_owned(),
                version: P::VERSION.to_owned(),
                vendor: P::VENDOR.to_owned(),
            },
            main_thread,
        );
        if in_host {
            // With no editor open, nice-plug reports host automation to no one.
            bridge.watch_parameters();
            let instance = Arc::downgrade(self);
            bridge.set_browser_handler(Some(Box::new(move || {
                let instance = instance
                    .upgrade()
                    .ok_or_else(|| "the instance is closing".to_owned())?;
                instance.open_browser(None)
            })));
        }
        bridge.set_track_name(self.track_name().as_deref());
        let lease = Arc::new(BridgeLease { bridge });
        *slot = Arc::downgrade(&lease);
        Some(lease)
    }

    /// Runs the bridge's queued host calls (on the host's main thread).
    pub fn run_host_calls(&self) {
        let lease = locked(&self.bridge).upgrade();
        if let Some(lease) = lease {
            lease.bridge.on_main_thread();
        }
    }

    /// Starts the instance's browser server (or finds it running) and returns where a browser
    /// reaches it. `port`: the first port to try (see [`crate::browser`]); `None` for any free one.
    pub fn open_browser(self: &Arc<Self>, port: Option<u16>) -> Result<BrowserAddress, String> {
        let mut browser = locked(&self.browser);
        if let Some(running) = browser.as_ref() {
            return Ok(running.address().clone());
        }
        if !self.in_host() {
            return Err("the browser server runs only inside a host".into());
        }
        let lease = self
            .lease(None)
            .ok_or_else(|| "the instance has no bridge".to_owned())?;
        let started = BrowserServer::start(lease, port, P::UI)?;
        let address = started.address().clone();
        *browser = Some(started);
        Ok(address)
    }
}

impl<P: WebUi> Drop for Instance<P> {
    fn drop(&mut self) {
        // The instance is being destroyed: its wrapper is gone, so the bridge must not call the
        // host any more (its sampler and watcher threads end and are joined); then the browser
        // bridge closes its port and joins its server thread.
        if let Some(lease) = locked(&self.bridge).upgrade() {
            lease.bridge.detach();
        }
        drop(locked(&self.browser).take());
    }
}
