//! A host's process and activate context for calling `Webstrip` directly: no events, no
//! transport changes (the tests and `benches/process.rs` share it).

use nice_plug::context::process::{SendEventError, Transport};
use nice_plug::prelude::*;
use webstrip::Webstrip;
use webui_toolkit::MainThreadTask;

/// The host side of a direct call.
pub struct Context {
    pub transport: Transport,
}

impl ProcessContext<Webstrip> for Context {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    fn execute_background(&self, _task: MainThreadTask) {}
    fn execute_gui(&self, _task: MainThreadTask) {}
    fn transport(&self) -> &Transport {
        &self.transport
    }
    fn next_event(&mut self) -> Option<PluginNoteEvent<Webstrip>> {
        None
    }
    fn try_send_event(
        &mut self,
        event: PluginNoteEvent<Webstrip>,
    ) -> Result<(), (PluginNoteEvent<Webstrip>, SendEventError)> {
        Err((event, SendEventError::NoOutputBuffer))
    }
    fn set_latency_samples(&self, _samples: u32) {}
    fn request_restart(&self) {}
    fn set_current_voice_capacity(&self, _capacity: u32) {}
}

impl ActivateContext<Webstrip> for Context {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    fn execute(&self, _task: MainThreadTask) {}
    fn set_latency_samples(&self, _samples: u32) {}
    fn set_current_voice_capacity(&self, _capacity: u32) {}
}
