//! 64 clients setting random values (plain sets and gestures) for 10 s while the host flushes and
//! automates: every client's view, built from one snapshot plus the notifications it received,
//! ends equal to the host's values, and every client saw every `seq` exactly once, in order.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use gui_test::ParamView;
use serde_json::{Value, json};
use support::*;

const CLIENTS: usize = 64;
const RUN: Duration = Duration::from_secs(10);
const IDS: [&str; 4] = ["gain", "steps", "on", "mode"];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn id(&mut self) -> &'static str {
        IDS[(self.next() % IDS.len() as u64) as usize]
    }
}

fn random_value(rng: &mut Rng, id: &str) -> Value {
    let n = rng.unit();
    match (id, rng.next() % 2) {
        ("gain", 0) => json!({ "id": id, "value": -24.0 + 48.0 * n }),
        ("steps", 0) => json!({ "id": id, "value": (n * 8.0).round() }),
        _ => json!({ "id": id, "normalized": n }),
    }
}

#[test]
fn sixty_four_clients_converge_on_the_hosts_values() {
    let (host, bridge, _) = setup(Apply::OnFlush);
    let stop = Arc::new(AtomicBool::new(false));

    let host_thread = {
        let (host, stop) = (host.clone(), stop.clone());
        thread::spawn(move || {
            let mut rng = Rng(0x5eed);
            let mut automations = 0u64;
            while !stop.load(Ordering::Relaxed) {
                host.flush();
                if rng.next().is_multiple_of(8) {
                    host.automate(rng.id(), rng.unit() as f32);
                    automations += 1;
                }
                host.events.lock().clear();
                thread::sleep(Duration::from_micros(500));
            }
            automations
        })
    };

    let deadline = Instant::now() + RUN;
    let workers: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let client = connect(&bridge);
            thread::spawn(move || {
                let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1));
                let mut view = ParamView::new(&ok(&client, "getAllParameters", json!({})));
                let (mut sets, mut refused) = (0u64, 0u64);
                while Instant::now() < deadline {
                    let id = rng.id();
                    if rng.next().is_multiple_of(4) {
                        // A gesture: begin, a few sets, end. Another client may own it.
                        if call(&client, "beginGesture", json!({ "id": id }))
                            .get("error")
                            .is_some()
                        {
                            refused += 1;
                        } else {
                            for _ in 0..(1 + rng.next() % 3) {
                                ok(&client, "setParameter", random_value(&mut rng, id));
                                sets += 1;
                            }
                            ok(&client, "endGesture", json!({ "id": id }));
                        }
                    } else {
                        let response = call(&client, "setParameter", random_value(&mut rng, id));
                        match response["error"]["code"].as_i64() {
                            None => sets += 1,
                            Some(-32002) => refused += 1,
                            Some(code) => panic!("unexpected error {code}: {response}"),
                        }
                    }
                    view.apply(param_notifications(&client), || {
                        ok(&client, "getAllParameters", json!({}))
                    });
                    thread::sleep(Duration::from_millis(1 + rng.next() % 3));
                }
                (client, view, sets, refused)
            })
        })
        .collect();

    let results: Vec<_> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    stop.store(true, Ordering::Relaxed);
    let automations = host_thread.join().unwrap();
    host.flush();

    let host_values: HashMap<String, f32> = host.values().into_iter().collect();
    let (mut sets, mut refused, mut resets) = (0, 0, 0);
    for (client, mut view, s, r) in results {
        view.apply(param_notifications(&client), || {
            ok(&client, "getAllParameters", json!({}))
        });
        assert_eq!(
            view.values, host_values,
            "a client's view differs from the host's"
        );
        assert_eq!(view.seq, bridge.seq());
        sets += s;
        refused += r;
        resets += view.resets;
    }
    eprintln!(
        "{CLIENTS} clients, {RUN:?}: {sets} sets, {refused} refused (gesture owned), \
         {automations} host automations, {} changes, {resets} overflow resets",
        bridge.seq()
    );
    assert!(sets > 10_000 && bridge.seq() > 1_000);
}
