//! What the plugin's tests share.

pub mod context;
