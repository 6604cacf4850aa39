//! Dispatch cost of `setParameter` and `getAllParameters`, the cost of one host echo broadcast to
//! 64 clients, and meter fan-out to 64 subscribers per frame.
//!
//! Run: `cargo bench -p bridge --bench dispatch`.

use std::hint::black_box;
use std::sync::Arc;

use bridge::protocol::{ChannelMeter, MeterFrame, Transport};
use bridge::{Bridge, ClientOptions, MeterSource, PluginInfo};
use criterion::{Criterion, criterion_group, criterion_main};
use nice_plug::context::PluginApi;
use nice_plug::context::gui::{GuiContext, GuiContextInner};
use nice_plug::params::internals::ParamPtr;
use nice_plug::prelude::*;

#[path = "../tests/support/mod.rs"]
mod support;

/// A host that accepts every edit and does nothing with it.
struct NullHost;

impl GuiContextInner for NullHost {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    unsafe fn raw_begin_set_parameter(&self, _param: ParamPtr) {}
    unsafe fn raw_set_parameter_normalized(&self, _param: ParamPtr, _normalized: f32) {}
    unsafe fn raw_end_set_parameter(&self, _param: ParamPtr) {}
    fn get_state(&self) -> PluginState {
        unimplemented!("not used by the bridge")
    }
    fn set_state(&self, _state: PluginState) {}
    fn request_restart(&self) {}
}

struct StereoMeters;

impl MeterSource for StereoMeters {
    fn read_into(&self, frame: &mut MeterFrame) {
        frame.correlation = Some(1.0);
        frame.input.clear();
        frame.input.extend(
            [ChannelMeter {
                peak: 0.5,
                rms: 0.25,
                clip: false,
            }; 2],
        );
        frame.channels.clear();
        frame.channels.extend(
            [ChannelMeter {
                peak: 0.5,
                rms: 0.25,
                clip: false,
            }; 2],
        );
    }
}

fn bridge() -> Bridge {
    Bridge::start(
        Arc::new(support::TestParams::default()),
        GuiContext::new(Arc::new(NullHost)),
        Arc::new(StereoMeters),
        PluginInfo {
            name: "Bench".into(),
            version: "0".into(),
            vendor: "Bench".into(),
        },
        None,
    )
}

fn dispatch(c: &mut Criterion) {
    let bridge = bridge();
    let client = bridge
        .connect(ClientOptions::new(Transport::InProcess))
        .unwrap();
    let set =
        r#"{"jsonrpc":"2.0","id":1,"method":"setParameter","params":{"id":"gain","value":-6.5}}"#;
    let get_all = r#"{"jsonrpc":"2.0","id":2,"method":"getAllParameters"}"#;
    let ping = r#"{"jsonrpc":"2.0","id":3,"method":"ping"}"#;
    c.bench_function("dispatch/setParameter", |b| {
        b.iter(|| client.handle(black_box(set)))
    });
    c.bench_function("dispatch/getAllParameters (4 params)", |b| {
        b.iter(|| client.handle(black_box(get_all)))
    });
    c.bench_function("dispatch/ping", |b| {
        b.iter(|| client.handle(black_box(ping)))
    });
}

fn fan_out(c: &mut Criterion) {
    let bridge = bridge();
    let clients: Vec<_> = (0..64)
        .map(|_| {
            bridge
                .connect(ClientOptions::new(Transport::InProcess))
                .unwrap()
        })
        .collect();
    c.bench_function("echo/parameterChanged to 64 clients", |b| {
        b.iter(|| {
            bridge.param_value_changed(black_box("gain"));
            for client in &clients {
                black_box(client.try_next());
            }
        })
    });
    for client in &clients {
        client.handle(r#"{"jsonrpc":"2.0","id":1,"method":"subscribeMeters","params":{"hz":60}}"#);
    }
    c.bench_function("meters/fan-out to 64 subscribers (one frame)", |b| {
        b.iter(|| bridge.send_meter_frame_now())
    });
    c.bench_function(
        "meters/fan-out to 64 subscribers + 64 takes (serialize)",
        |b| {
            b.iter(|| {
                bridge.send_meter_frame_now();
                for client in &clients {
                    black_box(client.try_next());
                }
            })
        },
    );
}

/// A 256-point stereo scope frame (correlation, then 256 `(mid, side)` pairs) as a binary stream
/// frame and as the JSON array of the same values; prints the bytes per second per client at 60 Hz.
fn stream_encoding(c: &mut Criterion) {
    use bridge::stream_frame::StreamFrame;
    let values: Vec<f32> = std::iter::once(0.97)
        .chain((0..512).map(|i| ((i as f32) * 0.37).sin() * 0.5))
        .collect();
    let frame = StreamFrame {
        stream: 1,
        seq: 1,
        t: 12.345,
        values,
    };
    let mut binary = Vec::new();
    frame.encode_into(&mut binary);
    let json = serde_json::to_string(&frame.values).unwrap();
    let meter = serde_json::to_string(&{
        let mut f = MeterFrame::default();
        StereoMeters.read_into(&mut f);
        f
    })
    .unwrap();
    println!(
        "bytes/s per client at 60 Hz: scope 256 points binary {} B/frame = {} B/s; as JSON numbers {} B/frame = {} B/s; JSON meter frame {} B/frame = {} B/s",
        binary.len(),
        binary.len() * 60,
        json.len(),
        json.len() * 60,
        meter.len(),
        meter.len() * 60
    );
    c.bench_function("stream/scope frame 256 points: binary encode", |b| {
        b.iter(|| black_box(&frame).encode_into(&mut binary))
    });
    c.bench_function("stream/scope frame 256 points: JSON encode", |b| {
        b.iter(|| serde_json::to_string(&black_box(&frame).values).unwrap())
    });
}

criterion_group!(benches, dispatch, fan_out, stream_encoding);
criterion_main!(benches);
