//! Several clients on one bridge: exactly-once notifications, gesture ownership and release,
//! meter subscriptions without backlog, overflow, shutdown.

mod support;

use std::time::{Duration, Instant};

use bridge::{Next, QUEUE_LIMIT};
use serde_json::{Value, json};
use support::*;

fn seqs_and_ids(notes: &[Value]) -> Vec<(u64, String)> {
    notes
        .iter()
        .map(|n| {
            assert_eq!(n["method"], "parameterChanged", "{n}");
            (
                n["params"]["seq"].as_u64().unwrap(),
                n["params"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_set_is_one_notification_for_every_client_in_both_apply_modes() {
    for apply in [Apply::OnFlush, Apply::Immediately] {
        let (host, bridge, _) = setup(apply);
        let clients: Vec<_> = (0..5).map(|_| connect(&bridge)).collect();
        ok(
            &clients[2],
            "setParameter",
            json!({ "id": "gain", "value": -6 }),
        );
        ok(
            &clients[4],
            "setParameter",
            json!({ "id": "mode", "value": 1 }),
        );
        host.flush();
        for client in &clients {
            assert_eq!(
                seqs_and_ids(&param_notifications(client)),
                [(1, "gain".to_owned()), (2, "mode".to_owned())]
            );
        }
    }
}

#[test]
fn host_automation_is_one_notification_and_repeats_are_none() {
    let (host, bridge, _) = setup(Apply::OnFlush);
    let a = connect(&bridge);
    let b = connect(&bridge);
    host.automate("gain", 0.25);
    host.automate("gain", 0.25); // unchanged: the wrapper does not echo it
    host.automate("on", 0.0);
    for client in [&a, &b] {
        let notes = param_notifications(client);
        assert_eq!(
            seqs_and_ids(&notes),
            [(1, "gain".to_owned()), (2, "on".to_owned())]
        );
        assert_eq!(notes[0]["params"]["value"], -12.0);
        assert_eq!(notes[1]["params"]["text"], "Off");
    }
    // The view after the notifications equals a fresh snapshot.
    let all = ok(&a, "getAllParameters", json!({}));
    assert_eq!(all["seq"], 2);
    assert_eq!(all["parameters"][0]["value"], -12.0);
}

#[test]
fn state_load_is_parameters_reset() {
    let (host, bridge, _) = setup(Apply::OnFlush);
    let a = connect(&bridge);
    host.load_state(&[("gain", 1.0), ("steps", 0.0)]);
    assert_eq!(
        param_notifications(&a),
        [json!({ "jsonrpc": "2.0", "method": "parametersReset", "params": { "seq": 1 } })]
    );
    let all = ok(&a, "getAllParameters", json!({}));
    assert_eq!(
        (all["seq"].clone(), all["parameters"][0]["value"].clone()),
        (json!(1), json!(24.0))
    );
}

#[test]
fn a_client_that_goes_away_ends_its_gestures() {
    let (host, bridge, _) = setup(Apply::OnFlush);
    let a = connect(&bridge);
    let b = connect(&bridge);
    ok(&a, "beginGesture", json!({ "id": "gain" }));
    ok(&a, "beginGesture", json!({ "id": "mode" }));
    ok(&a, "setParameter", json!({ "id": "gain", "value": 3 }));
    assert_eq!(
        err(&b, "setParameter", json!({ "id": "gain", "value": 4 })),
        -32002
    );
    host.take_events();
    drop(a);
    let mut events = host.take_events();
    events.sort_by_key(|e| format!("{e:?}"));
    assert_eq!(
        events,
        [HostEvent::End("gain".into()), HostEvent::End("mode".into())]
    );
    ok(&b, "beginGesture", json!({ "id": "gain" }));
    ok(&b, "setParameter", json!({ "id": "gain", "value": 4 }));
    assert_eq!(bridge.client_count(), 1);
    // Shutdown ends the gestures still open and closes every client.
    host.take_events();
    bridge.shutdown();
    assert_eq!(host.take_events(), [HostEvent::End("gain".into())]);
    assert_eq!(b.next_timeout(Duration::from_millis(10)), Next::Closed);
    let late = bridge::ClientOptions::new(bridge::protocol::Transport::InProcess);
    assert!(bridge.connect(late).is_none());
    drop(b);
    assert!(host.take_events().is_empty());
}

/// The host's track name: `getInfo` reports it, every client hears each change once, repeats and
/// blank names are no change, and a client that overflowed still converges (reset → getInfo).
#[test]
fn the_track_name_reaches_every_client_once_per_change() {
    let (host, bridge, _) = setup(Apply::OnFlush);
    let a = connect(&bridge);
    let b = connect(&bridge);
    assert_eq!(ok(&a, "getInfo", json!({}))["trackName"], Value::Null);
    bridge.set_track_name(Some("Bass"));
    bridge.set_track_name(Some("Bass"));
    bridge.set_track_name(Some("  Drums "));
    bridge.set_track_name(Some(""));
    bridge.set_track_name(None);
    for client in [&a, &b] {
        let notes: Vec<Value> = drain(client);
        assert_eq!(
            notes,
            [
                json!({ "jsonrpc": "2.0", "method": "trackNameChanged", "params": { "trackName": "Bass" } }),
                json!({ "jsonrpc": "2.0", "method": "trackNameChanged", "params": { "trackName": "Drums" } }),
                json!({ "jsonrpc": "2.0", "method": "trackNameChanged", "params": { "trackName": null } }),
            ]
        );
    }
    bridge.set_track_name(Some("Keys"));
    assert_eq!(ok(&b, "getInfo", json!({}))["trackName"], "Keys");
    // Not a parameter change: the next parameter change is seq 1, with no gap.
    host.automate("gain", 0.25);
    let notes = drain(&a);
    assert_eq!(notes[0]["params"]["trackName"], "Keys");
    assert_eq!(notes[1]["params"]["seq"], 1);
    // A client that never reads overflows into one reset; getInfo then has the newest name.
    let sleeper = connect(&bridge);
    for i in 0..=QUEUE_LIMIT {
        bridge.set_track_name(Some(&format!("Track {i}")));
    }
    assert!(sleeper.has_overflowed());
    let waiting = drain(&sleeper);
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0]["method"], "parametersReset");
    assert_eq!(
        ok(&sleeper, "getInfo", json!({}))["trackName"],
        format!("Track {QUEUE_LIMIT}")
    );
}

/// A page that starts over (the editor's page reloaded) on the same client: its gestures end and
/// its meter frames stop, but the client stays and serves the new page.
#[test]
fn a_restarted_client_ends_its_gestures_and_meters_and_stays() {
    let (host, bridge, meters) = setup(Apply::OnFlush);
    let page = connect(&bridge);
    let other = connect(&bridge);
    ok(&other, "beginGesture", json!({ "id": "mode" }));
    ok(&page, "beginGesture", json!({ "id": "gain" }));
    ok(&page, "setParameter", json!({ "id": "gain", "value": 3 }));
    ok(&page, "subscribeMeters", json!({ "hz": 60 }));
    assert!(
        page.next_timeout(Duration::from_secs(1)) != Next::Timeout,
        "frames flow"
    );
    host.take_events();

    page.restart();
    assert_eq!(host.take_events(), [HostEvent::End("gain".into())]);
    assert_eq!(bridge.client_count(), 2);
    std::thread::sleep(Duration::from_millis(100));
    drain(&page);
    let reads = *meters.reads.lock();
    std::thread::sleep(Duration::from_millis(200));
    assert!(drain(&page).is_empty(), "no meter frames after the restart");
    assert_eq!(*meters.reads.lock(), reads, "no reads without subscribers");
    // The other client's gesture is untouched; the new page may take the freed one.
    assert_eq!(
        err(&page, "setParameter", json!({ "id": "mode", "value": 1 })),
        -32002
    );
    ok(&page, "beginGesture", json!({ "id": "gain" }));
    ok(&page, "setParameter", json!({ "id": "gain", "value": 4 }));
    ok(&page, "endGesture", json!({ "id": "gain" }));
    assert_eq!(
        host.take_events(),
        [
            HostEvent::Begin("gain".into()),
            HostEvent::Set("gain".into(), 0.5833333),
            HostEvent::End("gain".into())
        ]
    );
}

#[test]
fn meters_at_the_subscribed_rate_newest_frame_only() {
    let (_host, bridge, meters) = setup(Apply::OnFlush);
    let fast = connect(&bridge);
    let slow = connect(&bridge);
    let idle = connect(&bridge);
    ok(&fast, "subscribeMeters", json!({ "hz": 60 }));
    ok(&slow, "subscribeMeters", json!({ "hz": 10 }));
    let start = Instant::now();
    let mut fast_frames = 0;
    while start.elapsed() < Duration::from_secs(1) {
        if let Next::Message(m) = fast.next_timeout(Duration::from_millis(50)) {
            assert!(m.as_text().unwrap().contains("\"meterFrame\""));
            fast_frames += 1;
        }
    }
    // The slow client never read: one frame is waiting, the newest.
    let waiting = drain(&slow);
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert!(drain(&idle).is_empty());
    // At most the subscribed rate; the lower bound leaves room for a loaded machine.
    assert!(
        (30..=62).contains(&fast_frames),
        "{fast_frames} frames in 1 s at 60 Hz"
    );
    // Reads happen at the highest rate only (one reader), not once per subscriber.
    let reads = *meters.reads.lock();
    assert!((30..=64).contains(&reads), "{reads} reads in 1 s");
    // While sampling, getMeterFrame returns the sampler's frame and does not read.
    let frame = ok(&idle, "getMeterFrame", json!({}));
    assert_eq!(frame["channels"].as_array().unwrap().len(), 2);
    ok(&fast, "subscribeMeters", json!({ "hz": 0 }));
    ok(&slow, "subscribeMeters", json!({ "hz": 0 }));
    std::thread::sleep(Duration::from_millis(100));
    drain(&fast);
    drain(&slow);
    let reads = *meters.reads.lock();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(*meters.reads.lock(), reads, "no reads without subscribers");
    assert!(drain(&fast).is_empty());
}

#[test]
fn a_client_that_never_reads_gets_one_reset_instead_of_a_backlog() {
    let (host, bridge, _) = setup(Apply::OnFlush);
    let reader = connect(&bridge);
    let sleeper = connect(&bridge);
    for i in 0..(QUEUE_LIMIT + 10) {
        host.automate("gain", (i % 2) as f32);
        assert_eq!(param_notifications(&reader).len(), 1);
        assert_eq!(
            sleeper.has_overflowed(),
            i >= QUEUE_LIMIT,
            "overflowed at change {i}"
        );
    }
    assert!(!reader.has_overflowed());
    let notes = param_notifications(&sleeper);
    assert_eq!(
        notes,
        [
            json!({ "jsonrpc": "2.0", "method": "parametersReset", "params": { "seq": QUEUE_LIMIT + 10 } })
        ]
    );
}

#[test]
fn a_slow_subscriber_still_sees_every_peak_and_clip() {
    let (_host, bridge, meters) = setup(Apply::OnFlush);
    let fast = connect(&bridge);
    let slow = connect(&bridge);
    ok(&fast, "subscribeMeters", json!({ "hz": 60 }));
    ok(&slow, "subscribeMeters", json!({ "hz": 2 }));
    bridge.send_meter_frame_now();
    assert_eq!(drain(&slow).len(), 1);
    *meters.spike.lock() = Some(5.0);
    // Within 0.6 s the slow client gets one frame, merged over ~30 readings, spike included.
    std::thread::sleep(Duration::from_millis(600));
    let frames = drain(&slow);
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert_eq!(frames[0]["params"]["channels"][0]["peak"], 5.0);
    assert_eq!(frames[0]["params"]["channels"][0]["clip"], true);
    // The fast client got the spike in exactly one frame.
    let spikes = drain(&fast)
        .iter()
        .filter(|f| f["params"]["channels"][0]["peak"] == 5.0)
        .count();
    assert_eq!(spikes, 1);
}

#[test]
fn with_a_main_thread_the_host_calls_wait_for_it_in_order() {
    let (host, bridge, requests) = setup_deferred(Apply::Immediately);
    let a = connect(&bridge);
    let b = connect(&bridge);
    ok(&a, "beginGesture", json!({ "id": "gain" }));
    ok(&a, "setParameter", json!({ "id": "gain", "value": 6 }));
    ok(&b, "setParameter", json!({ "id": "mode", "value": 1 }));
    // Checks happen at once: the gesture is a's already.
    assert_eq!(
        err(&b, "setParameter", json!({ "id": "gain", "value": 1 })),
        -32002
    );
    // Nothing reached the host; one main-thread request for the whole queue.
    assert!(host.take_events().is_empty());
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
    bridge.on_main_thread();
    assert_eq!(
        host.take_events(),
        [
            HostEvent::Begin("gain".into()),
            HostEvent::Set("gain".into(), 0.625),
            HostEvent::Begin("mode".into()),
            HostEvent::Set("mode".into(), 0.5),
            HostEvent::End("mode".into()),
        ]
    );
    let notes = param_notifications(&b);
    assert_eq!(
        seqs_and_ids(&notes),
        [(1, "gain".to_owned()), (2, "mode".to_owned())]
    );
    // A client going away queues its gesture ends; shutdown makes every queued call first.
    ok(&a, "setParameter", json!({ "id": "gain", "value": 3 }));
    drop(a);
    assert!(host.take_events().is_empty());
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 2);
    bridge.shutdown();
    assert_eq!(
        host.take_events(),
        [
            HostEvent::Set("gain".into(), 0.5625),
            HostEvent::End("gain".into())
        ]
    );
    bridge.on_main_thread();
    assert!(host.take_events().is_empty());
}

#[test]
fn queued_host_calls_keep_only_the_newest_value_per_parameter() {
    let (host, bridge, _) = setup_deferred(Apply::Immediately);
    let a = connect(&bridge);
    let b = connect(&bridge);
    for value in 0..100 {
        ok(
            &a,
            "setParameter",
            json!({ "id": "gain", "value": value % 20 }),
        );
        ok(
            &b,
            "setParameter",
            json!({ "id": "steps", "value": value % 8 }),
        );
    }
    ok(&b, "beginGesture", json!({ "id": "mode" }));
    ok(&b, "setParameter", json!({ "id": "mode", "value": 1 }));
    ok(&b, "setParameter", json!({ "id": "mode", "value": 2 }));
    bridge.on_main_thread();
    // One gesture per parameter with its newest value; the open gesture stays open.
    assert_eq!(
        host.take_events(),
        [
            HostEvent::Begin("gain".into()),
            HostEvent::Set("gain".into(), 0.8958333),
            HostEvent::Begin("steps".into()),
            HostEvent::Set("steps".into(), 0.375),
            HostEvent::End("gain".into()),
            HostEvent::End("steps".into()),
            HostEvent::Begin("mode".into()),
            HostEvent::Set("mode".into(), 1.0),
        ]
    );
    // Each parameter changed once for the host: one notification each.
    let notes = param_notifications(&a);
    assert_eq!(notes.len(), 3, "{notes:?}");
    ok(&b, "endGesture", json!({ "id": "mode" }));
    bridge.on_main_thread();
    assert_eq!(host.take_events(), [HostEvent::End("mode".into())]);
}
