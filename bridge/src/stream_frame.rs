//! The binary stream frame: a stream's readings as little-endian `f32`s behind a fixed 24-byte
//! header, so a page views the values as a `Float32Array` without parsing (the header keeps them
//! 4-byte aligned). One definition: `docs/PROTOCOL.md` describes it and the TypeScript decoder
//! (`toolkit-ui/src/lib/streamFrame.ts`) uses constants generated from here (`toolkit-ui/src/protocol/streamFrame.ts`).
//!
//! | offset | type  | field                                             |
//! |--------|-------|---------------------------------------------------|
//! | 0      | u32   | [`MAGIC`] (`"WUSF"` as bytes)                     |
//! | 4      | u16   | [`VERSION`]                                       |
//! | 6      | u16   | stream id                                         |
//! | 8      | u32   | seq: the stream's frame number, wrapping          |
//! | 12     | u32   | count: the `f32` values that follow               |
//! | 16     | f64   | t: seconds since the bridge started               |
//! | 24     | f32[] | the values (the stream's layout says what they are) |

use std::fmt;

/// The first four bytes of every frame: `"WUSF"`.
pub const MAGIC: u32 = u32::from_le_bytes(*b"WUSF");
/// The frame layout's version; a decoder refuses any other.
pub const VERSION: u16 = 1;
/// The header's size in bytes.
pub const HEADER_BYTES: usize = 24;
/// The values a frame may carry at most (a decoder refuses more: bounded work on bad input).
pub const MAX_VALUES: usize = 4096;

/// One decoded (or to-be-encoded) frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StreamFrame {
    /// The stream's id (as the plugin declared it).
    pub stream: u16,
    /// The stream's frame number, wrapping: a gap is a frame the client did not take.
    pub seq: u32,
    /// Seconds since the bridge started, when the frame was read.
    pub t: f64,
    /// The readings; the stream's layout says what they are.
    pub values: Vec<f32>,
}

impl StreamFrame {
    /// Appends the frame's bytes to `out` (cleared first; a reused vector does not allocate).
    /// Values beyond [`MAX_VALUES`] are not written.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let values = &self.values[..self.values.len().min(MAX_VALUES)];
        out.clear();
        out.reserve(HEADER_BYTES + 4 * values.len());
        out.extend_from_slice(&MAGIC.to_le_bytes());
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&self.stream.to_le_bytes());
        out.extend_from_slice(&self.seq.to_le_bytes());
        out.extend_from_slice(&(values.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.t.to_le_bytes());
        for value in values {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }

    /// The frame's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    /// Decodes one frame, refusing a wrong magic, version or length.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let header = bytes.get(..HEADER_BYTES).ok_or(DecodeError::Short)?;
        let u32_at = |at: usize| u32::from_le_bytes(header[at..at + 4].try_into().unwrap());
        let u16_at = |at: usize| u16::from_le_bytes(header[at..at + 2].try_into().unwrap());
        if u32_at(0) != MAGIC {
            return Err(DecodeError::Magic);
        }
        let version = u16_at(4);
        if version != VERSION {
            return Err(DecodeError::Version(version));
        }
        let count = u32_at(12) as usize;
        if count > MAX_VALUES || bytes.len() != HEADER_BYTES + 4 * count {
            return Err(DecodeError::Length);
        }
        Ok(Self {
            stream: u16_at(6),
            seq: u32_at(8),
            t: f64::from_le_bytes(header[16..24].try_into().unwrap()),
            values: bytes[HEADER_BYTES..]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
                .collect(),
        })
    }
}

/// Why bytes are not a stream frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Shorter than the header.
    Short,
    /// The first four bytes are not [`MAGIC`].
    Magic,
    /// Another layout version.
    Version(u16),
    /// The length is not the header's count of values, or the count is over [`MAX_VALUES`].
    Length,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Short => write!(
                f,
                "shorter than the {HEADER_BYTES}-byte stream frame header"
            ),
            Self::Magic => write!(f, "not a stream frame (wrong magic)"),
            Self::Version(v) => write!(f, "stream frame version {v}, expected {VERSION}"),
            Self::Length => write!(
                f,
                "stream frame length does not match its count (or more than {MAX_VALUES} values)"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// The TypeScript constants the page's decoder uses, from the definitions above.
pub fn typescript_constants() -> String {
    format!(
        "// Generated from bridge/src/stream_frame.rs by `WEBUI_BLESS=1 cargo test -p bridge generated`.\n\
         export const STREAM_FRAME_MAGIC = 0x{MAGIC:08x};\n\
         export const STREAM_FRAME_VERSION = {VERSION};\n\
         export const STREAM_FRAME_HEADER_BYTES = {HEADER_BYTES};\n\
         export const STREAM_FRAME_MAX_VALUES = {MAX_VALUES};\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_little_endian() {
        let frame = StreamFrame {
            stream: 3,
            seq: 7,
            t: 1.5,
            values: vec![0.25, -1.0],
        };
        let bytes = frame.encode();
        assert_eq!(&bytes[..4], b"WUSF");
        assert_eq!(bytes.len(), HEADER_BYTES + 8);
        assert_eq!(&bytes[6..8], &[3, 0]);
        assert_eq!(&bytes[24..28], &0.25f32.to_le_bytes());
        assert_eq!(StreamFrame::decode(&bytes), Ok(frame));
    }

    /// The bytes `toolkit-ui/test/streamFrame.test.ts` decodes: the TypeScript decoder is checked
    /// against this encoder.
    pub const FIXTURE_HEX: &str =
        "5755534601000200090000000300000000000000000004400000803f000000bf0000c842";

    #[test]
    fn the_typescript_test_fixture_is_this_encoding() {
        let frame = StreamFrame {
            stream: 2,
            seq: 9,
            t: 2.5,
            values: vec![1.0, -0.5, 100.0],
        };
        let hex: String = frame.encode().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, FIXTURE_HEX);
        let ts = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../toolkit-ui/test/streamFrame.test.ts"),
        )
        .unwrap();
        assert!(
            ts.contains(FIXTURE_HEX),
            "the TypeScript test decodes other bytes"
        );
    }

    #[test]
    fn generated_typescript_constants_are_current() {
        crate::typescript::check_generated(
            "../toolkit-ui/src/protocol/streamFrame.ts",
            &typescript_constants(),
        );
    }

    #[test]
    fn bad_bytes_are_refused() {
        let mut bytes = StreamFrame::default().encode();
        assert_eq!(StreamFrame::decode(&bytes[..10]), Err(DecodeError::Short));
        bytes.push(0);
        assert_eq!(StreamFrame::decode(&bytes), Err(DecodeError::Length));
        bytes.pop();
        bytes[4] = 9;
        assert_eq!(StreamFrame::decode(&bytes), Err(DecodeError::Version(9)));
        bytes[0] = 0;
        assert_eq!(StreamFrame::decode(&bytes), Err(DecodeError::Magic));
    }
}
