//! Recordings: live recordings of what a channel hears, and the stored
//! recordings directory.
//!
//! A recording is written to a hidden `.NAME.FORMAT.partial` file next to its
//! final place and renamed only once complete and synced, so a stored
//! recording is always whole and playable, and a server killed mid-recording
//! leaves no corrupt file listed as stored (stale partial files are removed
//! at start-up).

use super::nb_frame;
use crate::core::{Core, Topic};
use ari_media::{Format, Writer, RATE_NB};
use ari_types::Event;
use parking_lot::Mutex;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Energy (RMS) below which a frame counts as silence.
pub const SILENCE_RMS: f64 = 256.0;

/// How a recording ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// `stop`: keep it.
    Stop,
    /// `cancel`: discard it.
    Cancel,
    /// The channel hung up: keep it.
    Hangup,
    /// `maxDurationSeconds` reached.
    MaxDuration,
    /// `maxSilenceSeconds` of silence.
    MaxSilence,
    /// A `terminateOn` DTMF digit.
    Dtmf,
}

/// Checks a recording name: relative, no `..`, no hidden parts.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('\\')
        && Path::new(name)
            .components()
            .all(|c| matches!(c, Component::Normal(p) if !p.to_string_lossy().starts_with('.')))
}

/// The stored recording `name` in `dir`: its file and format.
pub fn find_stored(dir: &Path, name: &str) -> Option<(PathBuf, Format)> {
    if !valid_name(name) {
        return None;
    }
    [
        Format::Wav,
        Format::Wav16,
        Format::Sln,
        Format::Sln16,
        Format::Ulaw,
        Format::Alaw,
    ]
    .into_iter()
    .map(|f| (dir.join(format!("{name}.{}", f.extension())), f))
    .find(|(p, _)| p.is_file())
}

/// Every stored recording in `dir`: (name, format).
pub fn list_stored(dir: &Path) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
                continue;
            }
            let Some(ext) = path.extension().and_then(|x| x.to_str()) else {
                continue;
            };
            let Some(format) = Format::from_extension(ext) else {
                continue;
            };
            if let Ok(rel) = path.with_extension("").strip_prefix(root) {
                out.push((
                    rel.to_string_lossy().replace('\\', "/"),
                    format.extension().to_string(),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Removes partial files a previous run left behind.
pub fn remove_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if path.is_dir() && !name.starts_with('.') {
            remove_partials(&path);
        } else if name.starts_with('.') && name.ends_with(".partial") {
            tracing::info!("removing incomplete recording {}", path.display());
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[derive(Debug)]
struct State {
    state: &'static str,
    paused: bool,
    muted: bool,
    end: Option<End>,
    recorded_ms: u64,
    talking_ms: u64,
    silence_ms: u64,
    cause: Option<String>,
}

/// Options of a new recording.
#[derive(Clone, Debug)]
pub struct Options {
    /// Name (may contain sub-folders).
    pub name: String,
    /// File format.
    pub format: Format,
    /// The format's ARI name, as requested.
    pub format_name: String,
    /// Longest duration, if limited.
    pub max_duration: Option<Duration>,
    /// Longest silence, if limited.
    pub max_silence: Option<Duration>,
    /// What to do if the name exists: `fail`, `overwrite`, `append`.
    pub if_exists: String,
    /// Play a beep first.
    pub beep: bool,
    /// DTMF that ends it: `none`, `any`, `*`, `#`.
    pub terminate_on: String,
}

/// The shared face of a live recording: what `recordings/live/{name}` reads
/// and controls.
#[derive(Debug)]
pub struct LiveRecording {
    /// Options it was started with.
    pub options: Options,
    /// `channel:ID` or `bridge:ID`.
    pub target_uri: String,
    topic: Topic,
    st: Mutex<State>,
    wake: Notify,
    /// A dialplan `Record()`: no ARI events.
    pub quiet: bool,
}

/// Why a live operation was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct NotNow(pub String);

impl LiveRecording {
    /// A new recording of `target`.
    pub fn new(options: Options, target: Topic, quiet: bool) -> Arc<Self> {
        Arc::new(LiveRecording {
            quiet,
            options,
            target_uri: target.to_string(),
            topic: target,
            st: Mutex::new(State {
                state: "queued",
                paused: false,
                muted: false,
                end: None,
                recorded_ms: 0,
                talking_ms: 0,
                silence_ms: 0,
                cause: None,
            }),
            wake: Notify::new(),
        })
    }

    /// The ARI `LiveRecording` object.
    pub fn snapshot(&self) -> ari_types::LiveRecording {
        let st = self.st.lock();
        ari_types::LiveRecording {
            name: self.options.name.clone(),
            format: self.options.format_name.clone(),
            target_uri: self.target_uri.clone(),
            state: st.state.to_string(),
            duration: Some((st.recorded_ms / 1000) as i64),
            talking_duration: Some((st.talking_ms / 1000) as i64),
            silence_duration: Some((st.silence_ms / 1000) as i64),
            cause: st.cause.clone(),
        }
    }

    /// Waits for a control request (stop, cancel, pause, mute).
    pub async fn requested(&self) {
        self.wake.notified().await
    }

    /// How the recording ended, once it has.
    pub fn ended(&self) -> Option<End> {
        let st = self.st.lock();
        (!matches!(st.state, "queued" | "recording" | "paused"))
            .then_some(st.end)
            .flatten()
    }

    /// Whether the recording is still in progress.
    pub fn active(&self) -> bool {
        matches!(self.st.lock().state, "queued" | "recording" | "paused")
    }

    fn request(&self, f: impl FnOnce(&mut State)) -> Result<(), NotNow> {
        let mut st = self.st.lock();
        if !matches!(st.state, "queued" | "recording" | "paused") || st.end.is_some() {
            return Err(NotNow("Recording not in session".into()));
        }
        f(&mut st);
        drop(st);
        self.wake.notify_one();
        Ok(())
    }

    /// Asks the recording to end.
    pub fn end(&self, how: End) -> Result<(), NotNow> {
        self.request(|st| st.end = Some(how))
    }

    /// Pauses or resumes it.
    pub fn pause(&self, on: bool) -> Result<(), NotNow> {
        self.request(|st| {
            st.paused = on;
            st.state = if on { "paused" } else { "recording" };
        })
    }

    /// Mutes (records silence) or unmutes it.
    pub fn mute(&self, on: bool) -> Result<(), NotNow> {
        self.request(|st| st.muted = on)
    }

    /// Marks a recording that could not run as failed: `RecordingFailed`.
    pub fn fail(&self, core: &Core, cause: &str) {
        {
            let mut st = self.st.lock();
            st.state = "failed";
            st.cause = Some(cause.to_string());
        }
        tracing::warn!(recording = %self.options.name, "recording failed: {cause}");
        self.publish(core, |r| {
            Event::RecordingFailed(ari_types::RecordingFailed { recording: r })
        });
        core.media.forget_recording(&self.options.name);
    }

    fn publish(&self, core: &Core, build: fn(ari_types::LiveRecording) -> Event) {
        if self.quiet {
            return;
        }
        core.publish(&build(self.snapshot()), std::slice::from_ref(&self.topic));
    }
}

/// The recorder a channel's task runs: writes what the channel hears.
pub struct Recorder {
    /// The shared face.
    pub handle: Arc<LiveRecording>,
    writer: Option<Writer<BufWriter<File>>>,
    partial: PathBuf,
    target: PathBuf,
    last: Instant,
    starts: Instant,
    silent_run_ms: u64,
}

impl Recorder {
    /// Opens the partial file (appending an existing recording's audio if
    /// asked to) and publishes `RecordingStarted`.
    pub fn start(core: &Core, handle: Arc<LiveRecording>, dir: &Path) -> Result<Recorder, String> {
        let o = &handle.options;
        let target = dir.join(format!("{}.{}", o.name, o.format.extension()));
        let parent = target.parent().unwrap_or(dir).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        let file_name = target
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        let partial = parent.join(format!(".{file_name}.partial"));
        let file = File::create(&partial).map_err(|e| format!("{}: {e}", partial.display()))?;
        let mut writer = Writer::new(BufWriter::new(file), o.format, o.format.rate())
            .map_err(|e| e.to_string())?;
        if o.if_exists == "append" {
            if let Some((path, format)) = find_stored(dir, &o.name) {
                let old = super::sounds::Sounds::load(&path, format)?;
                let old = resample_to(&old, RATE_NB, o.format.rate());
                writer.write(&old).map_err(|e| e.to_string())?;
            }
        }
        let now = Instant::now();
        let starts = if o.beep { now + BEEP } else { now };
        handle.st.lock().state = "recording";
        handle.publish(core, |r| {
            Event::RecordingStarted(ari_types::RecordingStarted { recording: r })
        });
        Ok(Recorder {
            handle,
            writer: Some(writer),
            partial,
            target,
            last: starts,
            starts,
            silent_run_ms: 0,
        })
    }

    fn write(&mut self, samples: &[i16]) {
        let rate = self.handle.options.format.rate();
        let out = resample_to(samples, RATE_NB, rate);
        if let Some(w) = self.writer.as_mut() {
            if let Err(e) = w.write(&out) {
                tracing::warn!(recording = %self.handle.options.name, "write failed: {e}");
                self.handle.st.lock().cause = Some(e.to_string());
            }
        }
        let ms = (samples.len() as u64 * 1000) / RATE_NB as u64;
        let silent = ari_media::rms(samples) < SILENCE_RMS;
        let mut st = self.handle.st.lock();
        st.recorded_ms += ms;
        if silent {
            st.silence_ms += ms;
            self.silent_run_ms += ms;
        } else {
            st.talking_ms += ms;
            self.silent_run_ms = 0;
        }
    }

    /// Fills the time no frame arrived with silence, up to `now`.
    fn fill_gap(&mut self, now: Instant) {
        if now <= self.starts {
            return;
        }
        let gap = now.saturating_duration_since(self.last.max(self.starts));
        let frames = gap.as_millis() as u64 / 20;
        if frames >= 2 {
            // Leave one frame's slack for a frame about to arrive.
            let silence = vec![0i16; nb_frame()];
            for _ in 0..frames - 1 {
                if !self.paused() {
                    self.write(&silence);
                }
            }
            self.last += super::FRAME * (frames - 1) as u32;
        }
    }

    fn paused(&self) -> bool {
        self.handle.st.lock().paused
    }

    /// Records one received frame.
    pub fn push(&mut self, samples: &[i16]) {
        let now = Instant::now();
        if now < self.starts {
            return;
        }
        self.fill_gap(now);
        self.last = now;
        let (paused, muted) = {
            let st = self.handle.st.lock();
            (st.paused, st.muted)
        };
        if paused {
            return;
        }
        if muted {
            self.write(&vec![0; samples.len()]);
        } else {
            self.write(samples);
        }
    }

    /// When the recording must be looked at even if no frame arrives.
    pub fn deadline(&self) -> Instant {
        let o = &self.handle.options;
        let st = self.handle.st.lock();
        let mut d = self.last.max(self.starts) + Duration::from_millis(100);
        if let Some(max) = o.max_duration {
            let left = max.saturating_sub(Duration::from_millis(st.recorded_ms));
            d = d.min(Instant::now() + left);
        }
        d
    }

    /// How the recording should end now, if it should.
    pub fn check(&mut self, now: Instant) -> Option<End> {
        self.fill_gap(now);
        let o = &self.handle.options;
        let st = self.handle.st.lock();
        if let Some(end) = st.end {
            return Some(end);
        }
        if o.max_duration
            .is_some_and(|m| st.recorded_ms >= m.as_millis() as u64)
        {
            return Some(End::MaxDuration);
        }
        if o.max_silence
            .is_some_and(|m| self.silent_run_ms >= m.as_millis() as u64)
        {
            return Some(End::MaxSilence);
        }
        None
    }

    /// Whether DTMF `digit` ends this recording.
    pub fn terminates_on(&self, digit: char) -> bool {
        match self.handle.options.terminate_on.as_str() {
            "any" => true,
            "none" | "" => false,
            t => t.starts_with(digit),
        }
    }

    /// Ends the recording: completes or discards the file and publishes
    /// `RecordingFinished` (or `RecordingFailed`).
    pub fn finish(mut self, core: &Core, how: End) {
        let result = self.complete(how);
        {
            let mut st = self.handle.st.lock();
            st.end = Some(how);
            st.state = match (&result, how) {
                (Err(_), _) => "failed",
                (Ok(()), End::Cancel) => "canceled",
                _ => "done",
            };
            if let Err(e) = &result {
                st.cause = Some(e.clone());
            }
        }
        if result.is_err() {
            self.handle.publish(core, |r| {
                Event::RecordingFailed(ari_types::RecordingFailed { recording: r })
            });
        } else {
            self.handle.publish(core, |r| {
                Event::RecordingFinished(ari_types::RecordingFinished { recording: r })
            });
        }
        core.media.forget_recording(&self.handle.options.name);
    }

    fn complete(&mut self, how: End) -> Result<(), String> {
        let writer = self.writer.take().ok_or("recording already finished")?;
        let out = writer.finish().map_err(|e| e.to_string())?;
        let file = out.into_inner().map_err(|e| e.to_string())?;
        if how == End::Cancel {
            drop(file);
            let _ = std::fs::remove_file(&self.partial);
            return Ok(());
        }
        file.sync_all().map_err(|e| e.to_string())?;
        drop(file);
        std::fs::rename(&self.partial, &self.target)
            .map_err(|e| format!("{}: {e}", self.target.display()))
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// How long the beep before a recording lasts.
pub const BEEP: Duration = Duration::from_millis(250);

fn resample_to(samples: &[i16], from: u32, to: u32) -> Vec<i16> {
    if from == to {
        samples.to_vec()
    } else {
        ari_media::resample(samples, from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_escape() {
        assert!(valid_name("greeting"));
        assert!(valid_name("calls/2026/alice"));
        for bad in [
            "",
            "../x",
            "/etc/passwd",
            "a/../../b",
            ".hidden",
            "a/.b",
            "a\\b",
        ] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
