//! Meter subscriptions one client cannot use against the others: rates outside 1…60 Hz are
//! refused, a faster subscriber never waits for a slower one's tick, and a panic in the sampler
//! does not end everyone's meters.

mod support;

use std::time::{Duration, Instant};

use bridge::Next;
use serde_json::json;
use support::*;

/// Meter frames `client` receives within `window`, and when the first arrived.
fn frames_within(client: &bridge::Client, window: Duration) -> (usize, Option<Duration>) {
    let start = Instant::now();
    let mut frames = 0;
    let mut first = None;
    while start.elapsed() < window {
        if let Next::Message(m) = client.next_timeout(Duration::from_millis(5))
            && m.as_text().is_some_and(|m| m.contains("\"meterFrame\""))
        {
            frames += 1;
            first.get_or_insert(start.elapsed());
        }
    }
    (frames, first)
}

#[test]
fn rates_outside_the_range_are_refused_and_change_nothing() {
    let (_host, bridge, _) = setup(Apply::OnFlush);
    let good = connect(&bridge);
    let bad = connect(&bridge);
    ok(&good, "subscribeMeters", json!({ "hz": 60 }));
    for hz in [1e-300, 1e-9, 0.25, 0.999, -1.0, -0.0001] {
        assert_eq!(
            err(&bad, "subscribeMeters", json!({ "hz": hz })),
            -32001,
            "{hz} Hz"
        );
    }
    for hz in [json!("60"), json!(null), json!(true)] {
        assert_eq!(err(&bad, "subscribeMeters", json!({ "hz": hz })), -32602);
    }
    // The sampler still runs for the good client; the bad one is not subscribed.
    let (frames, _) = frames_within(&good, Duration::from_millis(500));
    assert!(frames >= 15, "{frames} frames in 0.5 s at 60 Hz");
    assert!(drain(&bad).is_empty());
    // The bounds themselves are accepted: 1 Hz, and 60 Hz (higher capped to it).
    assert_eq!(ok(&bad, "subscribeMeters", json!({ "hz": 1 }))["hz"], 1.0);
    assert_eq!(
        ok(&bad, "subscribeMeters", json!({ "hz": 1e300 }))["hz"],
        60.0
    );
    assert_eq!(ok(&bad, "subscribeMeters", json!({ "hz": 0 }))["hz"], 0.0);
}

#[test]
fn a_faster_subscriber_starts_at_once() {
    let (_host, bridge, _) = setup(Apply::OnFlush);
    let slow = connect(&bridge);
    let fast = connect(&bridge);
    ok(&slow, "subscribeMeters", json!({ "hz": 1 }));
    // The sampler now waits for the slow client's next tick, about a second away.
    std::thread::sleep(Duration::from_millis(100));
    drain(&slow);
    ok(&fast, "subscribeMeters", json!({ "hz": 60 }));
    let (frames, first) = frames_within(&fast, Duration::from_millis(400));
    let first = first.expect("no frame within 400 ms");
    eprintln!("first frame {first:?} after subscribing; {frames} frames in 400 ms");
    assert!(
        first < Duration::from_millis(200),
        "first frame after {first:?}"
    );
    assert!(frames >= 10, "{frames} frames in 400 ms at 60 Hz");
    // The slow client still gets about one frame a second, not 60.
    let slow_frames = drain(&slow).len();
    assert!(slow_frames <= 1, "{slow_frames} frames for a 1 Hz client");
}

#[test]
fn a_panicking_meter_source_does_not_end_the_meters() {
    let (_host, bridge, meters) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    *meters.panics.lock() = 3;
    ok(&client, "subscribeMeters", json!({ "hz": 60 }));
    let (frames, _) = frames_within(&client, Duration::from_millis(1000));
    assert_eq!(*meters.panics.lock(), 0, "the source was read");
    assert!(
        frames >= 20,
        "{frames} frames in 1 s after 3 panics in the sampler"
    );
    // The bridge still shuts down (the sampler thread is joined).
    bridge.shutdown();
    assert_eq!(
        client.next_timeout(Duration::from_millis(100)),
        Next::Closed
    );
}
