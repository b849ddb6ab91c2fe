//! Finding and decoding media: sound files by name and language, stored
//! recordings, tones, and sequences built from digit and letter sounds.

use ari_media::{Audio, Format, ToneGen, RATE_NB};
use parking_lot::RwLock;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Formats tried for a sound, best first.
const PREFERENCE: [Format; 6] = [
    Format::Wav16,
    Format::Sln16,
    Format::Wav,
    Format::Sln,
    Format::Ulaw,
    Format::Alaw,
];

/// Something that produces audio for a playback.
pub enum Source {
    /// Decoded audio at 8 kHz and the read position.
    Samples(Vec<i16>, usize),
    /// A tone (possibly endless).
    Tone(Box<ToneGen>),
}

impl Source {
    /// The next frame of `n` samples; `None` at the end.
    pub fn next_frame(&mut self, n: usize) -> Option<Vec<i16>> {
        match self {
            Source::Samples(s, pos) => {
                if *pos >= s.len() {
                    return None;
                }
                let end = (*pos + n).min(s.len());
                let mut f = s[*pos..end].to_vec();
                f.resize(n, 0);
                *pos = end;
                Some(f)
            }
            Source::Tone(g) => g.next_frame(),
        }
    }

    /// Moves the read position by `ms` (negative: back). Tones do not seek.
    pub fn seek(&mut self, ms: i64) {
        if let Source::Samples(s, pos) = self {
            let delta = ms * RATE_NB as i64 / 1000;
            *pos = (*pos as i64 + delta).clamp(0, s.len() as i64) as usize;
        }
    }

    /// Back to the start.
    pub fn rewind(&mut self) {
        if let Source::Samples(_, pos) = self {
            *pos = 0;
        }
    }
}

/// One `formats` entry of the ARI `Sound` object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct FormatLang {
    /// Language.
    pub language: String,
    /// File format.
    pub format: String,
}

/// Where sounds and recordings live, and the cache of fetched media.
pub struct Sounds {
    dirs: Vec<PathBuf>,
    recordings: PathBuf,
    default_language: String,
    fetched: RwLock<HashMap<String, Arc<Vec<i16>>>>,
}

impl Sounds {
    /// Sounds found in `dirs` (in order), recordings in `recordings`.
    pub fn new(dirs: Vec<PathBuf>, recordings: PathBuf, default_language: String) -> Self {
        Sounds {
            dirs,
            recordings,
            default_language,
            fetched: RwLock::new(HashMap::new()),
        }
    }

    /// The recordings directory.
    pub fn recordings_dir(&self) -> &Path {
        &self.recordings
    }

    /// The file of sound `name` in `language` (falling back to the default
    /// language and to files outside any language folder).
    pub fn find(&self, name: &str, language: &str) -> Option<(PathBuf, Format)> {
        if name.is_empty() || name.contains("..") || name.starts_with('/') {
            return None;
        }
        let mut langs = vec![language.to_string()];
        if language != self.default_language {
            langs.push(self.default_language.clone());
        }
        for dir in &self.dirs {
            for base in langs
                .iter()
                .map(|l| dir.join(l))
                .chain(std::iter::once(dir.clone()))
            {
                for f in PREFERENCE {
                    let path = base.join(format!("{name}.{}", f.extension()));
                    if path.is_file() {
                        return Some((path, f));
                    }
                }
            }
        }
        None
    }

    /// Decodes a file to 8 kHz samples.
    pub fn load(path: &Path, format: Format) -> Result<Vec<i16>, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let audio: Audio =
            ari_media::decode(&bytes, format).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(if audio.rate == RATE_NB {
            audio.samples
        } else {
            ari_media::resample(&audio.samples, audio.rate, RATE_NB)
        })
    }

    fn sound(&self, name: &str, language: &str) -> Result<Vec<i16>, String> {
        let (path, format) = self
            .find(name, language)
            .ok_or_else(|| format!("sound '{name}' not found for language '{language}'"))?;
        Self::load(&path, format)
    }

    /// A stored recording's file.
    pub fn recording(&self, name: &str) -> Option<(PathBuf, Format)> {
        super::record::find_stored(&self.recordings, name)
    }

    /// Remembers fetched media for `uri`.
    pub fn cache(&self, uri: &str, samples: Vec<i16>) {
        self.fetched
            .write()
            .insert(uri.to_string(), Arc::new(samples));
    }

    /// Whether `uri` was fetched already.
    pub fn cached(&self, uri: &str) -> Option<Arc<Vec<i16>>> {
        self.fetched.read().get(uri).cloned()
    }

    /// Turns a media URI into a source of audio.
    pub fn resolve(&self, uri: &str, language: &str) -> Result<Source, String> {
        let (scheme, rest) = uri
            .split_once(':')
            .ok_or_else(|| format!("invalid media URI '{uri}'"))?;
        let samples = |v: Vec<i16>| Ok(Source::Samples(v, 0));
        match scheme {
            "sound" if rest.starts_with("http://") || rest.starts_with("https://") => {
                match self.cached(rest) {
                    Some(s) => samples(s.as_ref().clone()),
                    None => Err(format!("'{rest}' was not fetched")),
                }
            }
            "sound" => samples(self.sound(rest, language)?),
            "recording" => {
                let (path, format) = self
                    .recording(rest)
                    .ok_or_else(|| format!("recording '{rest}' not found"))?;
                samples(Self::load(&path, format)?)
            }
            "tone" => {
                let (tone, zone) = match rest.split_once(';') {
                    Some((t, opts)) => (t, opts.strip_prefix("tonezone=").unwrap_or("us")),
                    None => (rest, "us"),
                };
                let spec = ari_media::named_tone(tone, zone).unwrap_or(tone);
                let spec =
                    ari_media::parse_tone(spec).map_err(|e| format!("tone '{tone}': {e}"))?;
                Ok(Source::Tone(Box::new(ToneGen::new(spec, RATE_NB))))
            }
            "digits" | "characters" | "number" => {
                let names = match scheme {
                    "digits" => digit_sounds(rest)?,
                    "characters" => character_sounds(rest),
                    _ => number_sounds(rest)?,
                };
                let mut all = Vec::new();
                for n in names {
                    all.extend(self.sound(&n, language)?);
                }
                samples(all)
            }
            _ => Err(format!("unsupported media URI scheme '{scheme}'")),
        }
    }

    /// Every sound, by id, with its formats and languages.
    pub fn index(&self) -> BTreeMap<String, Vec<FormatLang>> {
        let mut out: BTreeMap<String, Vec<FormatLang>> = BTreeMap::new();
        for dir in &self.dirs {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                let name = e.file_name().to_string_lossy().to_string();
                if path.is_dir() && is_language(&name) {
                    scan(&path, &path, &name, &mut out);
                } else if path.is_file() {
                    add_file(dir, &path, &self.default_language, &mut out);
                }
            }
        }
        for formats in out.values_mut() {
            formats.sort();
            formats.dedup();
        }
        out
    }
}

fn is_language(name: &str) -> bool {
    let l = name.len();
    (2..=6).contains(&l)
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-')
        && name != "moh"
}

fn scan(root: &Path, dir: &Path, language: &str, out: &mut BTreeMap<String, Vec<FormatLang>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            scan(root, &path, language, out);
        } else {
            add_file(root, &path, language, out);
        }
    }
}

fn add_file(root: &Path, path: &Path, language: &str, out: &mut BTreeMap<String, Vec<FormatLang>>) {
    let (Some(ext), Ok(rel)) = (
        path.extension().and_then(|e| e.to_str()),
        path.strip_prefix(root),
    ) else {
        return;
    };
    let Some(format) = Format::from_extension(ext) else {
        return;
    };
    let id = rel.with_extension("").to_string_lossy().replace('\\', "/");
    out.entry(id).or_default().push(FormatLang {
        language: language.to_string(),
        format: format.extension().to_string(),
    });
}

/// `digits:` sounds: one per digit, `*` and `#` included.
pub fn digit_sounds(digits: &str) -> Result<Vec<String>, String> {
    digits
        .chars()
        .map(|c| match c {
            '0'..='9' => Ok(format!("digits/{c}")),
            '*' => Ok("digits/star".into()),
            '#' => Ok("digits/pound".into()),
            _ => Err(format!("'{c}' is not a digit")),
        })
        .collect()
}

/// `characters:` sounds: letters, digits and a few symbols, as Asterisk says them.
pub fn character_sounds(text: &str) -> Vec<String> {
    text.chars()
        .filter_map(|c| {
            let c = c.to_ascii_lowercase();
            Some(match c {
                'a'..='z' => format!("letters/{c}"),
                '0'..='9' => format!("digits/{c}"),
                '*' => "letters/asterisk".into(),
                '#' => "digits/pound".into(),
                '.' => "letters/dot".into(),
                '@' => "letters/at".into(),
                '-' => "letters/dash".into(),
                '/' => "letters/slash".into(),
                ' ' => "letters/space".into(),
                '=' => "letters/equals".into(),
                '!' => "letters/exclaimation-point".into(),
                '$' => "letters/dollar".into(),
                '+' => "letters/plus".into(),
                _ => return None,
            })
        })
        .collect()
}

/// `number:` sounds: an integer said in English the way Asterisk's
/// `ast_say_number` builds it from `digits/` files.
pub fn number_sounds(text: &str) -> Result<Vec<String>, String> {
    let n: i64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))?;
    let mut out = Vec::new();
    if n < 0 {
        out.push("digits/minus".to_string());
    }
    let mut n = n.unsigned_abs();
    if n == 0 {
        out.push("digits/0".into());
        return Ok(out);
    }
    for (unit, name) in [
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ] {
        if n >= unit {
            out.extend(number_sounds(&(n / unit).to_string())?);
            out.push(format!("digits/{name}"));
            n %= unit;
        }
    }
    if n >= 100 {
        out.push(format!("digits/{}", n / 100));
        out.push("digits/hundred".into());
        n %= 100;
    }
    if n >= 20 {
        out.push(format!("digits/{}", n / 10 * 10));
        n %= 10;
    }
    if n > 0 {
        out.push(format!("digits/{n}"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_digits_and_letters() {
        assert_eq!(number_sounds("0").unwrap(), ["digits/0"]);
        assert_eq!(number_sounds("42").unwrap(), ["digits/40", "digits/2"]);
        assert_eq!(
            number_sounds("1215").unwrap(),
            [
                "digits/1",
                "digits/thousand",
                "digits/2",
                "digits/hundred",
                "digits/15"
            ]
        );
        assert_eq!(number_sounds("-7").unwrap(), ["digits/minus", "digits/7"]);
        assert!(number_sounds("lots").is_err());
        assert_eq!(
            digit_sounds("1*#").unwrap(),
            ["digits/1", "digits/star", "digits/pound"]
        );
        assert!(digit_sounds("1a").is_err());
        assert_eq!(
            character_sounds("Ab1"),
            ["letters/a", "letters/b", "digits/1"]
        );
    }
}
