//! True peak (ITU-R BS.1770-4 Annex 2): each channel 4× oversampled by the standard's 48-tap
//! polyphase FIR (four phases of 12 taps), the largest `|y|` of the four interpolated points per
//! input sample. At every rate the same 4× (the standard's filter is defined relative to the
//! sample rate; at 96 kHz and above it over-delivers, never under-reads). A reading never falls
//! below the sample peak.

/// Taps per phase.
const TAPS: usize = 12;
/// Samples interpolated per call of the inner loop: the window over history + chunk sits on the
/// stack.
const CHUNK: usize = 64;

/// BS.1770-4 Annex 2, Table 1: the four phases (exact in `f32`: multiples of 2⁻¹³).
// Written as the standard prints them (every value is exact in `f32`).
#[allow(clippy::excessive_precision)]
#[rustfmt::skip]
const PHASES: [[f32; TAPS]; 4] = [
    [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
     0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500],
    [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
     0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375],
    [-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000, -0.2003173828125, 0.7797851562500,
     0.4650878906250, -0.1665039062500, 0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875],
    [-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750, -0.1022949218750, 0.9721679687500,
     0.1373291015625, -0.0594482421875, 0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750],
];

/// One channel's interpolator: the last `TAPS − 1` input samples.
#[derive(Clone, Debug, Default)]
pub struct TruePeak {
    history: [f32; TAPS - 1],
}

impl TruePeak {
    /// The largest true peak (linear) of `samples`, continuing from the previous call's samples.
    pub fn process(&mut self, samples: &[f32]) -> f32 {
        let mut window = [0.0f32; TAPS - 1 + CHUNK];
        let mut peak = 0.0f32;
        for chunk in samples.chunks(CHUNK) {
            let len = chunk.len();
            window[..TAPS - 1].copy_from_slice(&self.history);
            window[TAPS - 1..TAPS - 1 + len].copy_from_slice(chunk);
            for n in 0..len {
                // Oldest first: tap 0 multiplies the newest sample.
                let taps = &window[n..n + TAPS];
                for phase in &PHASES {
                    let y: f32 = phase
                        .iter()
                        .zip(taps.iter().rev())
                        .map(|(h, x)| h * x)
                        .sum();
                    peak = peak.max(y.abs());
                }
                peak = peak.max(chunk[n].abs());
            }
            self.history.copy_from_slice(&window[len..len + TAPS - 1]);
        }
        peak
    }

    /// Forgets the history.
    pub fn reset(&mut self) {
        self.history = [0.0; TAPS - 1];
    }
}
