//! What the GUI tests (the editor in the CLAP and VST3 hosts, the standalone's window) share:
//! a private X server, and a look at the editor helper processes they start and at the ports this
//! process listens on; the X tools they drive; a host's own window to embed an editor in; where
//! the page put its controls.

mod page_layout;
mod param_view;
mod procs;
mod window;
mod x_tools;
mod xvfb;

pub use page_layout::{LAYOUT_VAR, PageLayout};
pub use param_view::ParamView;
pub use procs::{alive, children_named, listening_sockets, write_broken_helper};
pub use window::{Capture, ParentWindow};
pub use x_tools::{drag_up, screenshot, xdotool};
pub use xvfb::Xvfb;
