//! How parameter values are written and read as text, the way mix engineers write them: one
//! decimal for dB with an explicit sign (`+1.5`, `0.0`, `-1.5`, `-inf`), whole percent, pan as
//! `30L` / `C` / `30R`.
//!
//! The minus is ASCII on purpose: hosts read this text back as a number (pedalboard types a
//! parameter `float` only when every text parses with Python's `float()`, which refuses U+2212).
//! The page typesets it as a true minus for display.
//!
//! These are the parameters' `value_to_string` / `string_to_value`, so the host's generic UI, its
//! automation lanes and the web page all show and accept the same text. Parsers are lenient in
//! what they accept (`-3`, `−3`, `-3 dB`, `+3db`, `-inf`; `30L`, `L30`, `-30`, `c`; `mono`) and
//! return the value as typed, even beyond the range: nice-plug clamps it, and the bridge reports
//! that it did.

use std::sync::Arc;

/// The minus sign as typeset (U+2212): accepted in typed text.
const MINUS: char = '\u{2212}';

type ToText = Arc<dyn Fn(f32) -> String + Send + Sync>;
type FromText = Arc<dyn Fn(&str) -> Option<f32> + Send + Sync>;

/// `+1.5`, `0.0`, `-1.5` (the unit ` dB` is the parameter's).
pub fn db_to_text() -> ToText {
    Arc::new(|db| signed(db, 1))
}

/// A number of dB: `-3`, `−3`, `+3`, `-3 dB`, `-3db`; `-inf` / `−∞` for minus infinity.
pub fn db_from_text() -> FromText {
    Arc::new(|text| {
        let text = normalize(text);
        let number = text.strip_suffix("db").unwrap_or(&text).trim();
        if matches!(number, "-inf" | "-∞" | "inf" | "∞") {
            return Some(f32::NEG_INFINITY);
        }
        number_of(number)
    })
}

/// `100`, `50` (the unit ` %` is the parameter's).
pub fn percent_to_text() -> ToText {
    Arc::new(|percent| format!("{}", percent.round() as i32))
}

/// A percentage: `50`, `50 %`, `50%`; with `mono`, also the word `mono` for 0.
pub fn percent_from_text(mono: bool) -> FromText {
    Arc::new(move |text| {
        let text = normalize(text);
        if mono && text == "mono" {
            return Some(0.0);
        }
        number_of(text.strip_suffix('%').unwrap_or(&text).trim())
    })
}

/// Pan from −100 (left) to +100 (right): `30L`, `C`, `30R`.
pub fn pan_to_text() -> ToText {
    Arc::new(|pan| {
        let amount = pan.abs().round() as i32;
        match amount {
            0 => "C".to_owned(),
            _ if pan < 0.0 => format!("{amount}L"),
            _ => format!("{amount}R"),
        }
    })
}

/// Pan as `30L`, `L30`, `30 l`, `-30` (left), `30R`, `R30`, `30`, `+30` (right), `C`, `center`,
/// `0`; `L` / `R` alone is hard left / right.
pub fn pan_from_text() -> FromText {
    Arc::new(|text| {
        let text = normalize(text).replace(' ', "");
        if matches!(text.as_str(), "c" | "center" | "centre" | "mid") {
            return Some(0.0);
        }
        let (side, number) = if let Some(n) = text.strip_suffix('l').or(text.strip_prefix('l')) {
            (-1.0, n)
        } else if let Some(n) = text.strip_suffix('r').or(text.strip_prefix('r')) {
            (1.0, n)
        } else {
            return number_of(text.strip_suffix('%').unwrap_or(&text));
        };
        if number.is_empty() {
            return Some(side * 100.0);
        }
        let amount = number_of(number)?;
        (amount >= 0.0).then_some(side * amount)
    })
}

/// `x` with `digits` decimals, `+` for positive values, `-` for negative ones, and no sign for
/// what rounds to zero; `-inf` for minus infinity.
fn signed(x: f32, digits: usize) -> String {
    if x == f32::NEG_INFINITY {
        return "-inf".to_owned();
    }
    let text = format!("{:.digits$}", x.abs());
    let zero = text.chars().all(|c| c == '0' || c == '.');
    match () {
        _ if zero => text,
        _ if x < 0.0 => format!("-{text}"),
        _ => format!("+{text}"),
    }
}

/// Lower case, trimmed, with the typographic minus as `-`.
fn normalize(text: &str) -> String {
    text.trim().to_lowercase().replace(MINUS, "-")
}

/// A finite number with an optional sign (`+` allowed).
fn number_of(text: &str) -> Option<f32> {
    let text = text.trim();
    let text = text.strip_prefix('+').unwrap_or(text);
    text.parse::<f32>().ok().filter(|x| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_is_written_with_one_decimal_and_a_sign() {
        let f = db_to_text();
        assert_eq!(f(1.5), "+1.5");
        assert_eq!(f(0.0), "0.0");
        assert_eq!(f(-0.04), "0.0");
        assert_eq!(f(-1.5), "-1.5");
        assert_eq!(f(-60.0), "-60.0");
        assert_eq!(f(f32::NEG_INFINITY), "-inf");
    }

    #[test]
    fn db_reads_what_engineers_type() {
        let f = db_from_text();
        for (text, db) in [
            ("-3", -3.0),
            ("\u{2212}3", -3.0),
            ("+3", 3.0),
            ("3 dB", 3.0),
            ("-3db", -3.0),
            (" -1.5 DB ", -1.5),
            ("+20", 20.0),
        ] {
            assert_eq!(f(text), Some(db), "{text}");
        }
        assert_eq!(f("-inf"), Some(f32::NEG_INFINITY));
        assert_eq!(f("\u{2212}∞"), Some(f32::NEG_INFINITY));
        for bad in ["", "loud", "3 dBx", "--3", "nan"] {
            assert_eq!(f(bad), None, "{bad}");
        }
    }

    #[test]
    fn pan_is_written_as_left_centre_right() {
        let f = pan_to_text();
        assert_eq!(f(-30.0), "30L");
        assert_eq!(f(0.0), "C");
        assert_eq!(f(0.4), "C");
        assert_eq!(f(30.0), "30R");
        assert_eq!(f(-100.0), "100L");
    }

    #[test]
    fn pan_reads_every_way_of_writing_a_side() {
        let f = pan_from_text();
        for (text, pan) in [
            ("30L", -30.0),
            ("L30", -30.0),
            ("30 l", -30.0),
            ("-30", -30.0),
            ("30R", 30.0),
            ("r30", 30.0),
            ("30", 30.0),
            ("+30", 30.0),
            ("c", 0.0),
            ("C", 0.0),
            ("center", 0.0),
            ("0", 0.0),
            ("L", -100.0),
            ("150R", 150.0),
        ] {
            assert_eq!(f(text), Some(pan), "{text}");
        }
        for bad in ["", "left-ish", "-30L", "LR", "x"] {
            assert_eq!(f(bad), None, "{bad}");
        }
    }

    #[test]
    fn percent_reads_mono_only_where_it_means_something() {
        assert_eq!(percent_to_text()(100.0), "100");
        assert_eq!(percent_to_text()(-0.2), "0");
        assert_eq!(percent_from_text(true)("mono"), Some(0.0));
        assert_eq!(percent_from_text(true)("150 %"), Some(150.0));
        assert_eq!(percent_from_text(false)("mono"), None);
        assert_eq!(percent_from_text(false)("50%"), Some(50.0));
    }
}
