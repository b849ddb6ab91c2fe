//! Asterisk tone lists (`indications.conf`) and their generator.
//!
//! A tone list is a comma-separated sequence of parts:
//!
//! ```text
//! part     = ["!"] freq [("+" | "*") freq] ["/" duration_ms]
//! freq     = digits | "M" midi_note
//! tonelist = part ("," part)*
//! ```
//!
//! * `f1+f2` plays two sines together (dial tone `350+440`); `f1*f2` plays
//!   `f1` amplitude-modulated by `f2` at 90% depth (`425*25`); a frequency of
//!   `0` is silence (`0/4000`).
//! * A part without a duration (or with duration 0) plays forever.
//! * `!` marks a part that is played only once. After the last part the list
//!   jumps back to the *first part not marked `!`*; if every part is marked,
//!   the tone ends. So `!350+440/100,!0/100,350+440` stutters once and then
//!   plays steady dial tone.
//!
//! This is Asterisk's `ast_playtones_start()` grammar (including `|` as an
//! alternative separator and `M` MIDI note numbers). Unlike Asterisk, which
//! logs and skips malformed parts, parsing here is strict: any malformed part
//! is an error, so an ARI client learns about a typo instead of hearing a
//! truncated tone.

use std::fmt;
use std::str::FromStr;

use crate::{frame_samples, MediaError, RATE_NB};

/// Per-sine peak amplitude of generated tones: Asterisk's default playtones
/// volume (7219, about -13 dBFS, roughly the -13 dBm0 level telephone
/// networks use for call-progress tones). Dual tones peak at twice this, well
/// clear of clipping.
pub const TONE_AMPLITUDE: f64 = 7219.0;

/// Depth of `f1*f2` amplitude modulation (fixed by Asterisk at 90%).
const MODULATION_DEPTH: f64 = 0.9;

/// Highest frequency accepted in a tone list (Hz). Anything above the output
/// rate's Nyquist frequency aliases, as in Asterisk; this bound only rejects
/// nonsense.
const MAX_FREQ: u32 = 20_000;

/// Country used when none (or an unknown one) is given; Asterisk's
/// `indications.conf.sample` defaults to `us` as well.
pub const DEFAULT_COUNTRY: &str = "us";

/// Frequencies of MIDI notes 0..=127, rounded to whole Hz (as Asterisk's
/// `midi_tohz` table): `440 * 2^((n - 69) / 12)`.
fn midi_to_hz(note: u32) -> u32 {
    (440.0 * 2f64.powf((f64::from(note) - 69.0) / 12.0)) as u32
}

/// One element of a tone list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TonePart {
    /// First frequency in Hz (0 = silent).
    pub freq1: u32,
    /// Second frequency in Hz (0 = none). Mixed with `freq1`, or the
    /// modulation frequency when `modulate` is set.
    pub freq2: u32,
    /// `f1*f2`: `freq1` amplitude-modulated by `freq2` instead of summed.
    pub modulate: bool,
    /// Duration in milliseconds; 0 means "forever".
    pub duration_ms: u32,
    /// Marked with `!`: not part of the repeating section.
    pub once: bool,
}

impl TonePart {
    /// Whether this part produces no sound.
    pub fn is_silent(&self) -> bool {
        self.freq1 == 0 && (self.freq2 == 0 || self.modulate)
    }
}

impl fmt::Display for TonePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.once {
            f.write_str("!")?;
        }
        write!(f, "{}", self.freq1)?;
        if self.freq2 != 0 || self.modulate {
            write!(f, "{}{}", if self.modulate { '*' } else { '+' }, self.freq2)?;
        }
        if self.duration_ms != 0 {
            write!(f, "/{}", self.duration_ms)?;
        }
        Ok(())
    }
}

/// A parsed tone list (see the module docs for the syntax and semantics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToneSpec {
    /// The parts, in order; never empty when produced by [`parse_tone`].
    pub parts: Vec<TonePart>,
}

impl ToneSpec {
    /// Index the list jumps back to after its last part: the first part not
    /// marked `!`, or `None` if the tone plays once and stops.
    pub fn repeat_from(&self) -> Option<usize> {
        self.parts.iter().position(|p| !p.once)
    }

    /// Total length in milliseconds if the tone ends by itself; `None` if it
    /// repeats or contains an endless part.
    pub fn finite_duration_ms(&self) -> Option<u64> {
        if self.repeat_from().is_some() {
            return None;
        }
        let mut total = 0u64;
        for p in &self.parts {
            if p.duration_ms == 0 {
                return None;
            }
            total += u64::from(p.duration_ms);
        }
        Some(total)
    }
}

impl fmt::Display for ToneSpec {
    /// Formats back to tone-list syntax (canonical: comma-separated, plain
    /// Hz), so `parse_tone(&spec.to_string()) == Ok(spec)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl FromStr for ToneSpec {
    type Err = MediaError;
    fn from_str(s: &str) -> Result<ToneSpec, MediaError> {
        parse_tone(s)
    }
}

fn parse_freq(s: &str, part: &str) -> Result<u32, MediaError> {
    let bad = |why: &str| MediaError::InvalidTone(format!("part '{part}': {why}"));
    let (midi, digits) = match s.strip_prefix('M') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(&format!("'{s}' is not a frequency")));
    }
    let n: u32 = digits
        .parse()
        .map_err(|_| bad(&format!("'{s}' is out of range")))?;
    if midi {
        if n > 127 {
            return Err(bad(&format!("MIDI note {n} is above 127")));
        }
        return Ok(midi_to_hz(n));
    }
    if n > MAX_FREQ {
        return Err(bad(&format!("frequency {n} Hz is above {MAX_FREQ} Hz")));
    }
    Ok(n)
}

fn parse_part(raw: &str) -> Result<TonePart, MediaError> {
    let part = raw.trim();
    let (once, body) = match part.strip_prefix('!') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, part),
    };
    let (freqs, duration_ms) = match body.split_once('/') {
        Some((f, d)) => {
            if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
                return Err(MediaError::InvalidTone(format!(
                    "part '{part}': duration '{d}' is not a number of milliseconds"
                )));
            }
            let d: u32 = d.parse().map_err(|_| {
                MediaError::InvalidTone(format!("part '{part}': duration '{d}' is out of range"))
            })?;
            (f, d)
        }
        None => (body, 0),
    };
    let (freq1, freq2, modulate) = if let Some((a, b)) = freqs.split_once('+') {
        (parse_freq(a, part)?, parse_freq(b, part)?, false)
    } else if let Some((a, b)) = freqs.split_once('*') {
        (parse_freq(a, part)?, parse_freq(b, part)?, true)
    } else {
        (parse_freq(freqs, part)?, 0, false)
    };
    Ok(TonePart {
        freq1,
        freq2,
        modulate,
        duration_ms,
        once,
    })
}

/// Parses a tone list such as `440+480/2000,0/4000`.
///
/// Parts are separated by `,` (or by `|` if the string contains one, as in
/// Asterisk); whitespace around parts is ignored and a single trailing
/// separator is tolerated. Errors name the offending part.
pub fn parse_tone(s: &str) -> Result<ToneSpec, MediaError> {
    let sep = if s.contains('|') { '|' } else { ',' };
    let mut raw: Vec<&str> = s.split(sep).collect();
    if raw.len() > 1 && raw.last().is_some_and(|p| p.trim().is_empty()) {
        raw.pop();
    }
    if raw.iter().all(|p| p.trim().is_empty()) {
        return Err(MediaError::InvalidTone("empty tone list".into()));
    }
    let mut parts = Vec::with_capacity(raw.len());
    for p in raw {
        if p.trim().is_empty() {
            return Err(MediaError::InvalidTone(format!("empty part in '{s}'")));
        }
        parts.push(parse_part(p)?);
    }
    Ok(ToneSpec { parts })
}

type Zone = (&'static str, &'static [(&'static str, &'static str)]);

/// Tone zones from Asterisk's `indications.conf.sample` (a selection of
/// countries; `us` first). Names are matched case-insensitively.
static ZONES: &[Zone] = &[
    (
        "us",
        &[
            ("dial", "350+440"),
            ("busy", "480+620/500,0/500"),
            ("ring", "440+480/2000,0/4000"),
            ("congestion", "480+620/250,0/250"),
            ("callwaiting", "440/300,0/10000"),
            ("dialrecall", "!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,350+440"),
            ("record", "1400/500,0/15000"),
            ("info", "!950/330,!1400/330,!1800/330,0"),
            ("stutter", "!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,350+440"),
        ],
    ),
    (
        "uk",
        &[
            ("dial", "350+440"),
            ("specialdial", "350+440/750,440/750"),
            ("busy", "400/375,0/375"),
            ("congestion", "400/400,0/350,400/225,0/525"),
            ("specialcongestion", "400/200,1004/300"),
            ("unobtainable", "400"),
            ("ring", "400+450/400,0/200,400+450/400,0/2000"),
            ("callwaiting", "400/100,0/4000"),
            ("specialcallwaiting", "400/250,0/250,400/250,0/250,400/250,0/5000"),
            ("creditexpired", "400/125,0/125"),
            ("confirm", "1400"),
            ("switching", "400/200,0/400,400/2000,0/400"),
            ("info", "950/330,0/15,1400/330,0/15,1800/330,0/1000"),
            ("record", "1400/500,0/60000"),
            ("stutter", "350+440/750,440/750"),
        ],
    ),
    (
        "au",
        &[
            ("dial", "413+438"),
            ("busy", "425/375,0/375"),
            ("ring", "413+438/400,0/200,413+438/400,0/2000"),
            ("congestion", "425/375,0/375,420/375,0/375"),
            ("callwaiting", "425/200,0/200,425/200,0/4400"),
            ("dialrecall", "413+438"),
            ("record", "!425/1000,!0/15000,425/360,0/15000"),
            ("info", "425/2500,0/500"),
            ("std", "!525/100,!0/100,!525/100,!0/100,!525/100,!0/100,!525/100,!0/100,!525/100"),
            ("facility", "425"),
            ("stutter", "413+438/100,0/40"),
            ("ringmobile", "400+450/400,0/200,400+450/400,0/2000"),
        ],
    ),
    (
        "de",
        &[
            ("dial", "425"),
            ("busy", "425/480,0/480"),
            ("ring", "425/1000,0/4000"),
            ("congestion", "425/240,0/240"),
            ("callwaiting", "!425/200,!0/200,!425/200,!0/5000,!425/200,!0/200,!425/200,!0/5000,!425/200,!0/200,!425/200,!0/5000,!425/200,!0/200,!425/200,!0/5000,!425/200,!0/200,!425/200,0"),
            ("dialrecall", "!425/100,!0/100,!425/100,!0/100,!425/100,!0/100,425"),
            ("record", "1400/80,0/15000"),
            ("info", "950/330,1400/330,1800/330,0/1000"),
            ("stutter", "425+400"),
        ],
    ),
    (
        "fr",
        &[
            ("dial", "440"),
            ("busy", "440/500,0/500"),
            ("ring", "440/1500,0/3500"),
            ("congestion", "440/250,0/250"),
            // The sample file spells this one "callwait".
            ("callwait", "440/300,0/10000"),
            ("dialrecall", "!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,350+440"),
            ("record", "1400/500,0/15000"),
            ("info", "!950/330,!1400/330,!1800/330"),
            ("stutter", "!440/100,!0/100,!440/100,!0/100,!440/100,!0/100,!440/100,!0/100,!440/100,!0/100,!440/100,!0/100,440"),
        ],
    ),
    (
        "it",
        &[
            ("dial", "425/200,0/200,425/600,0/1000"),
            ("busy", "425/500,0/500"),
            ("ring", "425/1000,0/4000"),
            ("congestion", "425/200,0/200"),
            ("callwaiting", "425/400,0/100,425/250,0/100,425/150,0/14000"),
            ("dialrecall", "470/400,425/400"),
            ("record", "1400/400,0/15000"),
            ("info", "!950/330,!1400/330,!1800/330,!0/1000,!950/330,!1400/330,!1800/330,!0/1000,!950/330,!1400/330,!1800/330,!0/1000,0"),
            ("stutter", "470/400,425/400"),
        ],
    ),
    (
        "nl",
        &[
            ("dial", "425"),
            ("busy", "425/500,0/500"),
            ("ring", "425/1000,0/4000"),
            ("congestion", "425/250,0/250"),
            ("callwaiting", "425/500,0/9500"),
            ("dialrecall", "425/500,0/50"),
            ("record", "1400/500,0/15000"),
            ("info", "950/330,1400/330,1800/330,0/1000"),
            ("stutter", "425/500,0/50"),
        ],
    ),
    (
        "es",
        &[
            ("dial", "425"),
            ("busy", "425/200,0/200"),
            ("ring", "425/1500,0/3000"),
            ("congestion", "425/200,0/200,425/200,0/200,425/200,0/600"),
            ("callwaiting", "425/175,0/175,425/175,0/3500"),
            ("dialrecall", "!425/200,!0/200,!425/200,!0/200,!425/200,!0/200,425"),
            ("record", "1400/500,0/15000"),
            ("info", "950/330,0/1000"),
            ("dialout", "500"),
            ("stutter", "!425/100,!0/100,!425/100,!0/100,!425/100,!0/100,!425/100,!0/100,!425/100,!0/100,!425/100,!0/100,425"),
        ],
    ),
    (
        "jp",
        &[
            ("dial", "400"),
            ("busy", "400/500,0/500"),
            ("ring", "400+15/1000,0/2000"),
            ("congestion", "400/500,0/500"),
            ("callwaiting", "400+16/500,0/8000"),
            ("dialrecall", "!400/200,!0/200,!400/200,!0/200,!400/200,!0/200,400"),
            ("record", "1400/500,0/15000"),
            ("info", "!950/330,!1400/330,!1800/330,0"),
            ("stutter", "!400/100,!0/100,!400/100,!0/100,!400/100,!0/100,!400/100,!0/100,!400/100,!0/100,!400/100,!0/100,400"),
        ],
    ),
    (
        "in",
        &[
            ("dial", "400*25"),
            ("busy", "400/750,0/750"),
            ("ring", "400*25/400,0/200,400*25/400,0/2000"),
            ("congestion", "400/250,0/250"),
            ("callwaiting", "400/200,0/100,400/200,0/7500"),
            ("dialrecall", "!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,350+440"),
            ("record", "1400/500,0/15000"),
            ("info", "!950/330,!1400/330,!1800/330,0/1000"),
            ("stutter", "!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,400*25"),
        ],
    ),
];

/// The tone list for indication `name` (`dial`, `busy`, `ring`,
/// `congestion`, `callwaiting`, `dialrecall`, `record`, `info`, `stutter`,
/// plus country extras such as `uk`'s `unobtainable`) in `country`'s tone
/// zone, as in Asterisk's `indications.conf.sample`.
///
/// Zones included: `us` (the default), `uk`, `au`, `de`, `fr`, `it`, `nl`,
/// `es`, `jp`, `in`. Lookups are case-insensitive. An empty country means
/// [`DEFAULT_COUNTRY`]; an unknown country or name yields `None` (an unknown
/// zone is *not* silently replaced by `us` here, so callers can decide).
pub fn named_tone(name: &str, country: &str) -> Option<&'static str> {
    let country = if country.trim().is_empty() {
        DEFAULT_COUNTRY
    } else {
        country.trim()
    };
    let (_, tones) = ZONES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(country))?;
    tones
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
        .map(|(_, t)| *t)
}

/// Resolves the body of an ARI `tone:` media URI (the part after `tone:`),
/// as Asterisk's `ast_control_tone()` does.
///
/// The body is `indication[;tonezone=cc]`. The indication is first looked up
/// as a named tone in zone `cc` (or `default_country` when no zone is given
/// or the zone is unknown, Asterisk falling back to the channel's zone); if no
/// such name exists it is parsed as a literal tone list, so
/// `tone:ring;tonezone=fr` and `tone:425/500,0/500` both work. A parameter
/// other than `tonezone` is an error, like in Asterisk.
pub fn tone_from_uri(body: &str, default_country: &str) -> Result<ToneSpec, MediaError> {
    let (indication, zone) = match body.split_once(';') {
        None => (body, None),
        Some((ind, "")) => (ind, None),
        Some((ind, rest)) => match rest.strip_prefix("tonezone=") {
            Some(z) => (ind, Some(z)),
            None => {
                return Err(MediaError::InvalidTone(format!(
                    "unexpected tone URI component '{rest}' (expected 'tonezone=')"
                )))
            }
        },
    };
    if indication.trim().is_empty() {
        return Err(MediaError::InvalidTone("empty tone URI".into()));
    }
    let named = zone
        .and_then(|z| {
            ZONES
                .iter()
                .any(|(c, _)| c.eq_ignore_ascii_case(z.trim()))
                .then(|| named_tone(indication, z))
        })
        .unwrap_or_else(|| named_tone(indication, default_country));
    parse_tone(named.unwrap_or(indication))
}

/// Per-part oscillator setup, precomputed for the output rate.
#[derive(Debug, Clone, Copy)]
struct PartPlan {
    step1: f64,
    step2: f64,
    modulate: bool,
    /// Part length in samples; 0 = forever.
    len: u64,
}

/// Generates 20 ms slin frames for a [`ToneSpec`], as Asterisk's playtones
/// generator does.
///
/// Synthesis is direct sine evaluation with phase accumulators, so the
/// waveform is phase-continuous across frames. Each part starts at phase 0
/// (as in Asterisk, so a tone starting after silence begins at a zero
/// crossing), except that consecutive parts with identical frequencies keep
/// their phase running instead of restarting (no click where Asterisk would
/// have one). Part boundaries are sample-accurate (Asterisk rounds them up to
/// whole frames). Each sine peaks at [`TONE_AMPLITUDE`]; `f1*f2` is
/// `A·sin(f1)·(1 + 0.9·sin(f2))`.
#[derive(Debug, Clone)]
pub struct ToneGen {
    spec: ToneSpec,
    plans: Vec<PartPlan>,
    rate: u32,
    index: usize,
    pos: u64,
    phase1: f64,
    phase2: f64,
    done: bool,
}

impl ToneGen {
    /// A generator producing frames at `rate` Hz (8000 or 16000 in the server;
    /// any positive rate works, and 0 is treated as 8000).
    pub fn new(spec: ToneSpec, rate: u32) -> ToneGen {
        let rate = if rate == 0 { RATE_NB } else { rate };
        let tau = 2.0 * std::f64::consts::PI;
        let plans = spec
            .parts
            .iter()
            .map(|p| PartPlan {
                step1: tau * f64::from(p.freq1) / f64::from(rate),
                step2: tau * f64::from(p.freq2) / f64::from(rate),
                modulate: p.modulate,
                len: (u64::from(p.duration_ms) * u64::from(rate)).div_ceil(1000),
            })
            .collect();
        let done = spec.parts.is_empty();
        ToneGen {
            spec,
            plans,
            rate,
            index: 0,
            pos: 0,
            phase1: 0.0,
            phase2: 0.0,
            done,
        }
    }

    /// The tone being played.
    pub fn spec(&self) -> &ToneSpec {
        &self.spec
    }

    /// The output sample rate.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Whether a non-repeating tone has ended (then [`ToneGen::next_frame`]
    /// returns `None`).
    pub fn is_finished(&self) -> bool {
        self.done
    }

    fn sample(&mut self, plan: PartPlan) -> i16 {
        let s1 = self.phase1.sin();
        let s2 = self.phase2.sin();
        let v = if plan.modulate {
            TONE_AMPLITUDE * s1 * (1.0 + MODULATION_DEPTH * s2)
        } else {
            TONE_AMPLITUDE * (s1 + s2)
        };
        let tau = 2.0 * std::f64::consts::PI;
        self.phase1 = (self.phase1 + plan.step1) % tau;
        self.phase2 = (self.phase2 + plan.step2) % tau;
        v.round().clamp(-32768.0, 32767.0) as i16
    }

    /// Moves to the next part, applying the repeat rule. Returns false when
    /// the tone has ended.
    fn advance(&mut self) -> bool {
        let prev = self.spec.parts[self.index];
        self.index += 1;
        if self.index >= self.spec.parts.len() {
            match self.spec.repeat_from() {
                Some(i) => self.index = i,
                None => {
                    self.done = true;
                    return false;
                }
            }
        }
        self.pos = 0;
        let next = self.spec.parts[self.index];
        let same =
            prev.freq1 == next.freq1 && prev.freq2 == next.freq2 && prev.modulate == next.modulate;
        if !same {
            self.phase1 = 0.0;
            self.phase2 = 0.0;
        }
        true
    }

    /// The next 20 ms frame ([`frame_samples`] samples), or `None` once a
    /// non-repeating tone has finished. The final frame of a finite tone is
    /// padded with silence so every frame has the full length.
    pub fn next_frame(&mut self) -> Option<Vec<i16>> {
        if self.done {
            return None;
        }
        let n = frame_samples(self.rate).max(1);
        let mut frame = Vec::with_capacity(n);
        while frame.len() < n {
            let plan = self.plans[self.index];
            if plan.len != 0 && self.pos >= plan.len {
                if !self.advance() {
                    break;
                }
                continue;
            }
            let run = if plan.len == 0 {
                n - frame.len()
            } else {
                ((plan.len - self.pos) as usize).min(n - frame.len())
            };
            for _ in 0..run {
                let s = self.sample(plan);
                frame.push(s);
            }
            self.pos += run as u64;
        }
        // The tone may end exactly on a frame boundary: detect it now so the
        // caller sees `None` next time rather than an all-silent frame.
        if !self.done {
            let plan = self.plans[self.index];
            if plan.len != 0 && self.pos >= plan.len {
                self.advance();
            }
        }
        if frame.is_empty() {
            return None;
        }
        frame.resize(n, 0);
        Some(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{dominant_frequency, goertzel_power, rms};

    fn part(f1: u32, f2: u32, modulate: bool, d: u32, once: bool) -> TonePart {
        TonePart {
            freq1: f1,
            freq2: f2,
            modulate,
            duration_ms: d,
            once,
        }
    }

    #[test]
    fn parse_indications_strings() {
        let ring = parse_tone("440+480/2000,0/4000").unwrap();
        assert_eq!(
            ring.parts,
            vec![
                part(440, 480, false, 2000, false),
                part(0, 0, false, 4000, false)
            ]
        );
        assert_eq!(ring.repeat_from(), Some(0));
        assert_eq!(ring.finite_duration_ms(), None);

        let recall = parse_tone("!350+440/100,!0/100,!350+440/100,!0/100,350+440").unwrap();
        assert_eq!(recall.parts.len(), 5);
        assert!(recall.parts[0].once && !recall.parts[4].once);
        assert_eq!(recall.repeat_from(), Some(4));
        assert_eq!(recall.parts[4], part(350, 440, false, 0, false));

        let modulated = parse_tone("425*15/100").unwrap();
        assert_eq!(modulated.parts, vec![part(425, 15, true, 100, false)]);

        let once = parse_tone("!950/330,!1400/330,!1800/330").unwrap();
        assert_eq!(once.repeat_from(), None);
        assert_eq!(once.finite_duration_ms(), Some(990));

        assert_eq!(
            parse_tone("350+440").unwrap().parts,
            vec![part(350, 440, false, 0, false)]
        );
        assert_eq!(
            parse_tone(" 440/100 | 0/100 ").unwrap().parts,
            vec![
                part(440, 0, false, 100, false),
                part(0, 0, false, 100, false)
            ]
        );
        assert_eq!(parse_tone("440/100,").unwrap().parts.len(), 1);
        assert_eq!(parse_tone("M69/100").unwrap().parts[0].freq1, 440);
        assert_eq!(parse_tone("M69+M81").unwrap().parts[0].freq2, 880);
    }

    #[test]
    fn parse_errors() {
        for bad in [
            "",
            " ",
            ",",
            "abc",
            "440/",
            "440/x",
            "/100",
            "440+",
            "+440",
            "440,,480",
            "350+375+400",
            "440*",
            "440/-5",
            "M200",
            "99999",
            "440/100ms",
            "!!440",
        ] {
            let err = parse_tone(bad).unwrap_err();
            assert!(matches!(err, MediaError::InvalidTone(_)), "{bad}: {err:?}");
        }
        let msg = parse_tone("440/100,oops").unwrap_err().to_string();
        assert!(msg.contains("oops"), "{msg}");
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "440+480/2000,0/4000",
            "!350+440/100,!0/100,350+440",
            "425*15/100",
            "0",
        ] {
            let spec = parse_tone(s).unwrap();
            assert_eq!(spec.to_string(), s);
            assert_eq!(s.parse::<ToneSpec>().unwrap(), spec);
        }
    }

    #[test]
    fn named_tones_match_sample_config() {
        assert_eq!(named_tone("dial", "us"), Some("350+440"));
        assert_eq!(named_tone("busy", "us"), Some("480+620/500,0/500"));
        assert_eq!(named_tone("ring", "US"), Some("440+480/2000,0/4000"));
        assert_eq!(named_tone("congestion", ""), Some("480+620/250,0/250"));
        assert_eq!(named_tone("callwaiting", "us"), Some("440/300,0/10000"));
        assert_eq!(named_tone("record", "us"), Some("1400/500,0/15000"));
        assert_eq!(
            named_tone("info", "us"),
            Some("!950/330,!1400/330,!1800/330,0")
        );
        assert!(named_tone("dialrecall", "us").is_some());
        assert!(named_tone("stutter", "us").is_some());
        assert_eq!(
            named_tone("ring", "uk"),
            Some("400+450/400,0/200,400+450/400,0/2000")
        );
        assert_eq!(named_tone("dial", "de"), Some("425"));
        assert_eq!(named_tone("nope", "us"), None);
        assert_eq!(named_tone("dial", "zz"), None);
        // Every built-in tone parses.
        for (_, tones) in ZONES {
            for (name, t) in *tones {
                parse_tone(t).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
    }

    #[test]
    fn tone_uris() {
        assert_eq!(
            tone_from_uri("ring", "us").unwrap(),
            parse_tone("440+480/2000,0/4000").unwrap()
        );
        assert_eq!(
            tone_from_uri("ring;tonezone=fr", "us").unwrap(),
            parse_tone("440/1500,0/3500").unwrap()
        );
        // Unknown zone: fall back to the default country.
        assert_eq!(
            tone_from_uri("dial;tonezone=zz", "uk").unwrap(),
            parse_tone("350+440").unwrap()
        );
        assert_eq!(tone_from_uri("425/500,0/500", "us").unwrap().parts.len(), 2);
        assert!(tone_from_uri("ring;volume=3", "us").is_err());
        assert!(tone_from_uri("", "us").is_err());
        assert!(tone_from_uri("bogus", "us").is_err());
    }

    fn collect(gen: &mut ToneGen, max_frames: usize) -> Vec<i16> {
        let mut out = Vec::new();
        for _ in 0..max_frames {
            match gen.next_frame() {
                Some(f) => {
                    assert_eq!(f.len(), frame_samples(gen.rate()));
                    out.extend(f);
                }
                None => break,
            }
        }
        out
    }

    #[test]
    fn ring_tone_cadence_and_frequencies() {
        for rate in [8000u32, 16000] {
            let ms = |m: usize| m * rate as usize / 1000;
            let mut gen = ToneGen::new(parse_tone("440+480/2000,0/4000").unwrap(), rate);
            let audio = collect(&mut gen, 350); // 7 s
            assert_eq!(audio.len(), ms(7000));
            let on = &audio[ms(100)..ms(1900)];
            let off = &audio[ms(2000)..ms(6000)];
            let again = &audio[ms(6000)..ms(7000)];
            assert!(off.iter().all(|&s| s == 0));
            let p440 = goertzel_power(on, rate, 440.0);
            let p480 = goertzel_power(on, rate, 480.0);
            let expect = TONE_AMPLITUDE.powi(2) / 2.0;
            assert!((p440 / expect - 1.0).abs() < 0.05, "{p440}");
            assert!((p480 / expect - 1.0).abs() < 0.05, "{p480}");
            assert!(goertzel_power(on, rate, 620.0) < expect / 100.0);
            // Exact on/off boundary at 2000 ms.
            assert_ne!(audio[ms(2000) - 1], 0);
            assert!(audio[ms(2000)..ms(2000) + 10].iter().all(|&s| s == 0));
            // Repeats after 6 s, starting from phase 0.
            assert_eq!(again[0], 0);
            assert_eq!(again[..ms(1000)], audio[..ms(1000)]);
            assert!(!gen.is_finished());
        }
    }

    #[test]
    fn busy_is_detectably_busy() {
        let spec = parse_tone(named_tone("busy", "us").unwrap()).unwrap();
        let mut gen = ToneGen::new(spec, 8000);
        let audio = collect(&mut gen, 25); // 500 ms of tone
        let candidates = [350.0, 440.0, 480.0, 620.0];
        let f = dominant_frequency(&audio, 8000, &candidates);
        assert!(f == 480.0 || f == 620.0, "{f}");
        assert!(goertzel_power(&audio, 8000, 350.0) < goertzel_power(&audio, 8000, 620.0) / 100.0);
    }

    #[test]
    fn non_repeating_tone_ends() {
        let mut gen = ToneGen::new(parse_tone("!950/330,!1400/330,!1800/330").unwrap(), 8000);
        let audio = collect(&mut gen, 1000);
        // 990 ms rounds up to 50 frames; the tail is padded with silence.
        assert_eq!(audio.len(), 50 * 160);
        assert!(gen.is_finished());
        assert_eq!(gen.next_frame(), None);
        let seg = |a: usize, b: usize| &audio[a * 8..b * 8];
        let cand = [950.0, 1400.0, 1800.0];
        assert_eq!(dominant_frequency(seg(10, 320), 8000, &cand), 950.0);
        assert_eq!(dominant_frequency(seg(340, 650), 8000, &cand), 1400.0);
        assert_eq!(dominant_frequency(seg(670, 980), 8000, &cand), 1800.0);
        assert!(audio[990 * 8..].iter().all(|&s| s == 0));

        // Ending exactly on a frame boundary: no extra empty frame.
        let mut gen = ToneGen::new(parse_tone("!440/100").unwrap(), 16000);
        assert_eq!(collect(&mut gen, 100).len(), 5 * 320);
        assert!(gen.is_finished());
    }

    #[test]
    fn once_prefix_then_repeat_section() {
        let mut gen = ToneGen::new(parse_tone("!440/100,!0/100,620/40,0/60").unwrap(), 8000);
        let audio = collect(&mut gen, 50); // 1 s
        assert_eq!(audio.len(), 8000);
        assert!(rms(&audio[..800]) > 4000.0);
        assert!(audio[800..1600].iter().all(|&s| s == 0));
        // Then 620 Hz on for 40 ms every 100 ms, never 440 again.
        for cycle in 0..8 {
            let start = 1600 + cycle * 800;
            assert!(rms(&audio[start..start + 320]) > 4000.0, "cycle {cycle}");
            assert!(audio[start + 320..start + 800].iter().all(|&s| s == 0));
        }
        assert!(!gen.is_finished());
    }

    #[test]
    fn endless_part_plays_forever() {
        let mut gen = ToneGen::new(parse_tone("!350+440").unwrap(), 8000);
        for _ in 0..500 {
            assert!(gen.next_frame().is_some());
        }
    }

    #[test]
    fn modulated_tone() {
        let mut gen = ToneGen::new(parse_tone("425*25").unwrap(), 8000);
        let audio = collect(&mut gen, 50);
        let cand = [400.0, 425.0, 450.0];
        assert_eq!(dominant_frequency(&audio, 8000, &cand), 425.0);
        // Sidebands at 425 ± 25 Hz carry (0.9/2)² of the carrier's power.
        let c = goertzel_power(&audio, 8000, 425.0);
        let s = goertzel_power(&audio, 8000, 450.0);
        assert!((s / c - 0.2025).abs() < 0.02, "{}", s / c);
        assert!(audio
            .iter()
            .all(|&x| f64::from(x).abs() <= 1.9 * TONE_AMPLITUDE + 1.0));
    }

    #[test]
    fn phase_continuity_across_frames() {
        let mut gen = ToneGen::new(parse_tone("1000").unwrap(), 8000);
        let audio = collect(&mut gen, 10);
        // A continuous 1 kHz sine at 8 kHz repeats every 8 samples.
        for i in 8..audio.len() {
            assert!((audio[i] - audio[i - 8]).abs() <= 1, "sample {i}");
        }
        assert_eq!(
            dominant_frequency(&audio, 8000, &[500.0, 1000.0, 2000.0]),
            1000.0
        );
        // Same-frequency consecutive parts keep running without a restart.
        let mut gen = ToneGen::new(parse_tone("1000/10,1000/10").unwrap(), 8000);
        let two = collect(&mut gen, 10);
        assert_eq!(two, audio);
    }
}
