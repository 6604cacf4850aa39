//! Binary streams: declared by the meter source, subscribed per client and per stream at their own
//! rate, read once per due tick for every subscriber, newest frame wins, bad subscriptions refused.

mod support;

use std::time::{Duration, Instant};

use bridge::stream_frame::StreamFrame;
use bridge::{Client, Next, Outgoing};
use serde_json::json;
use support::*;

/// The stream frames `client` receives within `window` (text messages are skipped).
fn frames_within(client: &Client, window: Duration) -> Vec<StreamFrame> {
    let start = Instant::now();
    let mut frames = Vec::new();
    while start.elapsed() < window {
        if let Next::Message(Outgoing::Binary(bytes)) =
            client.next_timeout(Duration::from_millis(5))
        {
            frames.push(StreamFrame::decode(&bytes).expect("a stream frame"));
        }
    }
    frames
}

#[test]
fn get_streams_lists_the_declared_streams() {
    let (_host, bridge, _) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    let list = ok(&client, "getStreams", json!({}));
    assert_eq!(
        list,
        json!({ "streams": [
            { "id": 0, "name": "count", "layout": "[reading number, -1, 0.5]", "maxValues": 3 },
            { "id": 1, "name": "wide", "layout": "5000 ones, cut to 3", "maxValues": 3 },
        ]})
    );
}

#[test]
fn bad_subscriptions_are_refused_and_change_nothing() {
    let (_host, bridge, meters) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    let refused = call(
        &client,
        "subscribeStream",
        json!({ "stream": "nope", "hz": 30 }),
    );
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
    assert_eq!(
        refused["error"]["data"]["streams"],
        json!(["count", "wide"])
    );
    for hz in [
        json!(-1),
        json!(0.5),
        json!(1e-300),
        json!("60"),
        json!(null),
    ] {
        let refused = call(
            &client,
            "subscribeStream",
            json!({ "stream": "count", "hz": hz }),
        );
        assert!(refused["error"]["code"].is_i64(), "{hz}: {refused}");
    }
    let refused = call(
        &client,
        "subscribeStream",
        json!({ "stream": "count", "hz": 10, "extra": 1 }),
    );
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
    assert!(frames_within(&client, Duration::from_millis(300)).is_empty());
    assert_eq!(*meters.stream_reads.lock(), [0, 0]);
}

#[test]
fn frames_arrive_at_the_subscribed_rate_and_decode_to_the_readings() {
    let (_host, bridge, meters) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    let applied = ok(
        &client,
        "subscribeStream",
        json!({ "stream": "count", "hz": 500 }),
    );
    assert_eq!(applied, json!({ "stream": "count", "id": 0, "hz": 60.0 }));
    let frames = frames_within(&client, Duration::from_secs(1));
    // 60 Hz, with room for a loaded machine skipping a few ticks.
    assert!((50..=62).contains(&frames.len()), "{} frames", frames.len());
    for pair in frames.windows(2) {
        assert_eq!(pair[1].seq, pair[0].seq.wrapping_add(1));
        assert!(pair[1].t > pair[0].t);
    }
    let last = frames.last().unwrap();
    assert_eq!(last.stream, 0);
    assert_eq!(last.values, vec![last.seq as f32, -1.0, 0.5]);
    // Nobody asked for the other stream: it was never read. Nobody asked for meters either.
    assert_eq!(meters.stream_reads.lock()[1], 0);
    assert_eq!(*meters.reads.lock(), 0);

    // A reading longer than the declared size is cut to it.
    ok(
        &client,
        "subscribeStream",
        json!({ "stream": "count", "hz": 0 }),
    );
    ok(
        &client,
        "subscribeStream",
        json!({ "stream": "wide", "hz": 20 }),
    );
    let frames = frames_within(&client, Duration::from_millis(500));
    let wide: Vec<_> = frames.iter().filter(|f| f.stream == 1).collect();
    assert!(!wide.is_empty());
    assert!(wide.iter().all(|f| f.values == [1.0; 3]));
    assert!(
        frames.len() <= 13,
        "{} frames at 20 Hz in 0.5 s",
        frames.len()
    );
}

#[test]
fn each_client_has_its_rate_a_stream_is_read_once_per_tick_and_the_newest_frame_wins() {
    let (_host, bridge, meters) = setup(Apply::OnFlush);
    let fast = connect(&bridge);
    let slow = connect(&bridge);
    let stalled = connect(&bridge);
    ok(
        &fast,
        "subscribeStream",
        json!({ "stream": "count", "hz": 60 }),
    );
    ok(
        &slow,
        "subscribeStream",
        json!({ "stream": "count", "hz": 10 }),
    );
    ok(
        &stalled,
        "subscribeStream",
        json!({ "stream": "count", "hz": 60 }),
    );
    let start = Instant::now();
    let mut fast_frames = 0;
    let mut slow_frames = 0;
    while start.elapsed() < Duration::from_secs(1) {
        for (client, count) in [(&fast, &mut fast_frames), (&slow, &mut slow_frames)] {
            while let Some(message) = client.try_next() {
                assert!(matches!(message, Outgoing::Binary(_)));
                *count += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!((50..=62).contains(&fast_frames), "fast: {fast_frames}");
    assert!((8..=11).contains(&slow_frames), "slow: {slow_frames}");
    // One reading per tick served all three clients.
    let reads = meters.stream_reads.lock()[0];
    assert!(reads <= 62, "{reads} readings for 3 subscribers in 1 s");
    // The stalled client, which never read, has exactly one frame waiting: the newest.
    let waiting: Vec<_> = std::iter::from_fn(|| stalled.try_next()).collect();
    assert_eq!(waiting.len(), 1);
    let Outgoing::Binary(bytes) = &waiting[0] else {
        panic!("a frame")
    };
    let newest = StreamFrame::decode(bytes).unwrap();
    assert!(u64::from(newest.seq) + 2 >= meters.stream_reads.lock()[0]);
}

#[test]
fn a_restarted_page_gets_no_frames_until_it_subscribes_again() {
    let (_host, bridge, _) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    ok(
        &client,
        "subscribeStream",
        json!({ "stream": "count", "hz": 60 }),
    );
    assert!(!frames_within(&client, Duration::from_millis(200)).is_empty());
    client.restart();
    // A frame handed over before the restart may still be taken.
    let _ = frames_within(&client, Duration::from_millis(50));
    assert!(frames_within(&client, Duration::from_millis(300)).is_empty());
}
