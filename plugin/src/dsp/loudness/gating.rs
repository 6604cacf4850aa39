//! The gated history behind the integrated loudness (BS.1770-4: 400 ms blocks every 100 ms,
//! absolute gate −70 LUFS, relative gate −10 LU) and the loudness range (EBU Tech 3342: 3 s
//! blocks every 100 ms, absolute gate −70 LUFS, relative gate −20 LU, 95th − 10th percentile),
//! in fixed memory whatever the running time: a histogram of 0.1 dB bins from −70 to +30 LUFS
//! (as libebur128's histogram mode), each bin holding its block count **and the exact sum of its
//! blocks' energies**. So the means behind both gates are exact; only blocks in the one bin a
//! relative gate falls into are taken or left whole (the bin's centre decides), and the range's
//! percentiles are bin centres (±0.05 LU each).

/// Lowest loudness kept (the absolute gate), LUFS.
pub const ABSOLUTE_GATE: f64 = -70.0;
/// Bins per LU.
const PER_LU: f64 = 10.0;
/// Bins from −70 to +30 LUFS; louder blocks count in the top bin (their energy stays exact).
const BINS: usize = 1000;

/// BS.1770's loudness of a mean square `energy` (channel-weighted): `−0.691 + 10·log10(z)`.
pub fn loudness(energy: f64) -> f64 {
    -0.691 + 10.0 * energy.log10()
}

/// The mean square of a loudness (the inverse of [`loudness`]).
pub fn energy(loudness: f64) -> f64 {
    10f64.powf((loudness + 0.691) / 10.0)
}

/// The loudness at the centre of bin `index`.
fn centre(index: usize) -> f64 {
    ABSOLUTE_GATE + (index as f64 + 0.5) / PER_LU
}

/// Gating blocks in 0.1 dB bins.
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Box<[u64; BINS]>,
    energies: Box<[f64; BINS]>,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            counts: Box::new([0; BINS]),
            energies: Box::new([0.0; BINS]),
        }
    }
}

impl Histogram {
    /// Adds one block of mean square `energy`; a block below the absolute gate is left out.
    pub fn add(&mut self, energy: f64) {
        let level = loudness(energy);
        if level.is_nan() || level < ABSOLUTE_GATE {
            return;
        }
        let index = (((level - ABSOLUTE_GATE) * PER_LU) as usize).min(BINS - 1);
        self.counts[index] += 1;
        self.energies[index] += energy;
    }

    /// Forgets every block.
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.energies.fill(0.0);
    }

    /// The first bin above the relative gate `gate_lu` below the mean of every block; `None`
    /// without blocks.
    fn gated_from(&self, gate_lu: f64) -> Option<usize> {
        let count: u64 = self.counts.iter().sum();
        if count == 0 {
            return None;
        }
        let mean = self.energies.iter().sum::<f64>() / count as f64;
        let threshold = loudness(mean) + gate_lu;
        Some((0..BINS).find(|&i| centre(i) >= threshold).unwrap_or(BINS))
    }

    /// The integrated loudness (LUFS) of the blocks (relative gate −10 LU); −∞ without blocks.
    pub fn integrated(&self) -> f64 {
        let Some(from) = self.gated_from(-10.0) else {
            return f64::NEG_INFINITY;
        };
        let count: u64 = self.counts[from..].iter().sum();
        let sum: f64 = self.energies[from..].iter().sum();
        if count == 0 {
            return f64::NEG_INFINITY;
        }
        loudness(sum / count as f64)
    }

    /// The loudness range (LU) of the blocks (relative gate −20 LU, 95th − 10th percentile,
    /// nearest rank as libebur128); NaN without blocks.
    pub fn range(&self) -> f64 {
        let Some(from) = self.gated_from(-20.0) else {
            return f64::NAN;
        };
        let counts = &self.counts[from.min(BINS)..];
        let size: u64 = counts.iter().sum();
        if size == 0 {
            return f64::NAN;
        }
        let rank = |p: f64| ((size - 1) as f64 * p + 0.5) as u64;
        let at = |rank: u64| {
            let mut seen = 0;
            for (i, &c) in counts.iter().enumerate() {
                seen += c;
                if seen > rank {
                    return centre(from + i);
                }
            }
            centre(BINS - 1)
        };
        at(rank(0.95)) - at(rank(0.10))
    }
}
