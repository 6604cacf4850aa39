//! A UI client's picture of the parameters, built as every page builds it: one
//! `getAllParameters` snapshot, then each notification in order. The many-client tests give each
//! client one and compare them all with the host at the end.

use std::collections::HashMap;

use serde_json::Value;

/// Normalized values by parameter id, and the last change applied.
#[derive(Debug)]
pub struct ParamView {
    /// Normalized value by id.
    pub values: HashMap<String, f32>,
    /// Display name by id.
    pub names: HashMap<String, String>,
    /// The `seq` of the last change applied.
    pub seq: u64,
    /// How many `parametersReset` notifications made the view refetch.
    pub resets: u64,
}

impl ParamView {
    /// The view of a `getAllParameters` result.
    pub fn new(all: &Value) -> Self {
        let mut view = Self {
            values: HashMap::new(),
            names: HashMap::new(),
            seq: all["seq"].as_u64().expect("a snapshot has a seq"),
            resets: 0,
        };
        for p in all["parameters"]
            .as_array()
            .expect("a snapshot has parameters")
        {
            let id = p["id"].as_str().unwrap().to_owned();
            view.names
                .insert(id.clone(), p["name"].as_str().unwrap().to_owned());
            view.values
                .insert(id, p["normalized"].as_f64().unwrap() as f32);
        }
        view
    }

    /// Applies notifications in order: each change must carry the next `seq` (older ones are in
    /// the snapshot already); a `parametersReset` (a client that fell too far behind, a state
    /// load) replaces the view by `refetch()`'s snapshot.
    pub fn apply(
        &mut self,
        notes: impl IntoIterator<Item = Value>,
        mut refetch: impl FnMut() -> Value,
    ) {
        for note in notes {
            let seq = note["params"]["seq"].as_u64().expect("a change has a seq");
            if seq <= self.seq {
                continue;
            }
            match note["method"].as_str() {
                Some("parameterChanged") => {
                    assert_eq!(seq, self.seq + 1, "missed or repeated a change: {note}");
                    let id = note["params"]["id"].as_str().unwrap().to_owned();
                    let value = note["params"]["normalized"].as_f64().unwrap() as f32;
                    self.values.insert(id, value);
                    self.seq = seq;
                }
                Some("parametersReset") => {
                    let resets = self.resets + 1;
                    *self = Self::new(&refetch());
                    self.resets = resets;
                }
                _ => panic!("not a parameter notification: {note}"),
            }
        }
    }

    /// Normalized value by display name.
    pub fn by_name(&self) -> HashMap<String, f32> {
        self.values
            .iter()
            .map(|(id, value)| (self.names[id].clone(), *value))
            .collect()
    }
}
