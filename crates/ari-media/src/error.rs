//! The crate's error type.

use std::fmt;

/// Everything that can go wrong while decoding media or parsing tone lists.
///
/// Encoding and generation cannot fail (apart from I/O in [`crate::Writer`],
/// which reports [`std::io::Error`]), so every variant describes bad *input*.
/// The messages are meant to be shown to an ARI client as-is (for example in
/// a 400/422 response body), so they say what was wrong and, where useful,
/// what is accepted instead.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaError {
    /// The input ended before a complete structure could be read.
    Truncated(String),
    /// The input is not a RIFF/WAVE file at all (wrong magic, missing chunks).
    NotWav(String),
    /// A well-formed WAV file whose encoding this crate does not play
    /// (stereo, compressed codecs, exotic sample sizes or rates).
    UnsupportedWav(String),
    /// Headerless data whose length is not a whole number of samples.
    InvalidLength {
        /// File format extension the data was decoded as (`"sln"`, ...).
        format: &'static str,
        /// Length of the input in bytes.
        len: usize,
    },
    /// A tone list (as in `indications.conf` or an ARI `tone:` URI) that
    /// does not follow `[!]freq1[+|*freq2][/duration],...`.
    InvalidTone(String),
}

impl fmt::Display for MediaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaError::Truncated(what) => write!(f, "truncated media: {what}"),
            MediaError::NotWav(what) => write!(f, "not a WAV file: {what}"),
            MediaError::UnsupportedWav(what) => write!(f, "unsupported WAV file: {what}"),
            MediaError::InvalidLength { format, len } => write!(
                f,
                "invalid {format} data: {len} bytes is not a whole number of 16-bit samples"
            ),
            MediaError::InvalidTone(what) => write!(f, "invalid tone: {what}"),
        }
    }
}

impl std::error::Error for MediaError {}
