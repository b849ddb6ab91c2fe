//! Music on hold: the files of a class's directory played in a loop.
//!
//! A class is a directory of sound files (configured as `[moh.CLASS]
//! directory = "..."`; the `default` class is the `moh` folder of the first
//! sound directory that has one). A class with no playable file plays a
//! soft built-in tone pattern instead, so hold is never dead air.

use super::nb_frame;
use super::sounds::{Sounds, Source};
use ari_media::{Format, ToneGen, RATE_NB};
use std::path::{Path, PathBuf};

/// The tone played by a class without files.
pub const FALLBACK_TONE: &str = "440+480/1000,0/3000";

/// Music on hold being played.
pub struct Moh {
    /// The class.
    pub class: String,
    tracks: Vec<Vec<i16>>,
    track: usize,
    source: Source,
}

/// The playable files of a directory, sorted by name.
fn tracks(dir: &Path) -> Vec<Vec<i16>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(PathBuf, Format)> = entries
        .flatten()
        .filter_map(|e| {
            let p = e.path();
            let f = Format::from_extension(p.extension()?.to_str()?)?;
            Some((p, f))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
        .into_iter()
        .filter_map(|(p, f)| match Sounds::load(&p, f) {
            Ok(s) if !s.is_empty() => Some(s),
            Ok(_) => None,
            Err(e) => {
                tracing::warn!("music on hold: {e}");
                None
            }
        })
        .collect()
}

impl Moh {
    /// Music on hold of `class`, read from `dir` (if any).
    pub fn new(class: &str, dir: Option<&Path>) -> Moh {
        let tracks = dir.map(tracks).unwrap_or_default();
        let source = match tracks.first() {
            Some(t) => Source::Samples(t.clone(), 0),
            None => {
                let spec = ari_media::parse_tone(FALLBACK_TONE).expect("the built-in tone parses");
                Source::Tone(Box::new(ToneGen::new(spec, RATE_NB)))
            }
        };
        Moh {
            class: class.to_string(),
            tracks,
            track: 0,
            source,
        }
    }

    /// The next frame, looping over the tracks for ever.
    pub fn next_frame(&mut self) -> Vec<i16> {
        if let Some(f) = self.source.next_frame(nb_frame()) {
            return f;
        }
        if self.tracks.is_empty() {
            return vec![0; nb_frame()];
        }
        self.track = (self.track + 1) % self.tracks.len();
        self.source = Source::Samples(self.tracks[self.track].clone(), 0);
        self.source
            .next_frame(nb_frame())
            .unwrap_or_else(|| vec![0; nb_frame()])
    }
}
