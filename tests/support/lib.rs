//! What Webstrip's integration tests share, once each: where the bundles and the helper are
//! (`paths`), the worker-subprocess pattern (`worker`), the CLAP host fixtures of the editor tests
//! (`editor`), and the VST3 COM host on the plugin's own factory (`vst3_host`). The tests are
//! organised by peer: `tests/clap/`, `tests/vst3/`, `tests/editor/` (Rust, this package),
//! `tests/vst3/*.py` (pedalboard) and `tests/ardour/` (Ardour 7).

pub mod editor;
pub mod paths;
pub mod rpc;
pub mod vst3_host;
pub mod worker;
