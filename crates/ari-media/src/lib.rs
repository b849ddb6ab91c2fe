//! Pure audio building blocks for the ARI server's media path.
//!
//! Inside the server, audio is always signed 16-bit linear PCM ("slin"),
//! mono, at either 8000 Hz (narrowband) or 16000 Hz (wideband), and it moves
//! in 20 ms frames. Everything in this crate works on that representation:
//!
//! * [`ulaw`] and [`alaw`]: G.711 companding, bit-exact with Asterisk's tables.
//! * [`Format`], [`decode`], [`encode`] and [`Writer`]: the sound/recording
//!   file formats Asterisk reads and writes (`wav`, `wav16`, `sln`, `sln16`,
//!   `ulaw`, `alaw`).
//! * [`resample`] and [`Resampler`]: windowed-sinc sample-rate conversion, so
//!   narrowband and wideband legs can meet in one bridge and odd-rate WAV files
//!   can still be played.
//! * [`parse_tone`], [`named_tone`], [`ToneGen`]: Asterisk's
//!   `indications.conf` tone lists (`440+480/2000,0/4000`) and a generator for
//!   ARI `tone:` playbacks.
//! * [`goertzel_power`], [`dominant_frequency`], [`rms`], [`is_silence`]:
//!   analysis used by silence detection and by tests that check what a
//!   listener would actually hear.
//! * [`mix_into`], [`saturate`], [`mix_minus`]: bridge mixing.
//!
//! The crate is deliberately synchronous and free of I/O policy (no files are
//! opened, no threads spawned): callers own timing, storage and crash safety.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod analysis;
mod error;
mod format;
mod g711;
mod mix;
mod resample;
mod tone;

pub use analysis::{
    dominant_frequency, goertzel_power, is_silence, mean_abs, rms, DEFAULT_SILENCE_THRESHOLD,
};
pub use error::MediaError;
pub use format::{decode, encode, Audio, Format, Writer};
pub use g711::{alaw, ulaw};
pub use mix::{mix_into, mix_minus, saturate};
pub use resample::{resample, Resampler};
pub use tone::{
    named_tone, parse_tone, tone_from_uri, ToneGen, TonePart, ToneSpec, DEFAULT_COUNTRY,
    TONE_AMPLITUDE,
};

/// Narrowband sample rate (Hz): the rate of G.711, `sln` and classic `wav`.
pub const RATE_NB: u32 = 8000;

/// Wideband sample rate (Hz): the rate of `sln16`, `wav16` and G.722 legs.
pub const RATE_WB: u32 = 16000;

/// Length of one media frame in milliseconds.
///
/// Asterisk (and RTP with the usual `ptime`) moves audio in 20 ms packets, so
/// all frame-oriented helpers here use the same period.
pub const FRAME_MS: u32 = 20;

/// Number of samples in one 20 ms frame at `rate` Hz (160 at 8 kHz, 320 at
/// 16 kHz).
///
/// Rates that are not a multiple of 50 Hz are rounded down; a rate of 0
/// yields 0.
pub fn frame_samples(rate: u32) -> usize {
    (rate as usize * FRAME_MS as usize) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_sizes() {
        assert_eq!(frame_samples(RATE_NB), 160);
        assert_eq!(frame_samples(RATE_WB), 320);
        assert_eq!(frame_samples(48000), 960);
        assert_eq!(frame_samples(0), 0);
    }
}
