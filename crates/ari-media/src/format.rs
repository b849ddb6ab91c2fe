//! Sound and recording file formats.

use std::io::{self, Seek, SeekFrom, Write};

use crate::{alaw, resample, ulaw, MediaError, Resampler, RATE_NB, RATE_WB};

/// The file formats the server can play and record.
///
/// These are the Asterisk file formats whose payload is (or trivially maps to)
/// slin: `format_wav` (`wav`, `wav16`), `format_sln` (`sln`, `sln16`) and
/// `format_pcm` (`ulaw`, `alaw`). Compressed formats (`gsm`, `g722`, `g729`,
/// `WAV`/`wav49` which is GSM-in-WAV, ...) are not supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// RIFF/WAVE, 16-bit PCM mono at 8 kHz (Asterisk `wav`).
    Wav,
    /// RIFF/WAVE, 16-bit PCM mono at 16 kHz (Asterisk `wav16`).
    Wav16,
    /// Headerless 16-bit little-endian PCM at 8 kHz (Asterisk `sln`).
    Sln,
    /// Headerless 16-bit little-endian PCM at 16 kHz (Asterisk `sln16`).
    Sln16,
    /// Headerless G.711 µ-law at 8 kHz (Asterisk `pcm`/`ulaw`).
    Ulaw,
    /// Headerless G.711 A-law at 8 kHz (Asterisk `alaw`).
    Alaw,
}

impl Format {
    /// Every supported format, in preference order for playback lookups
    /// (wideband first, then lossless, then companded).
    pub const ALL: [Format; 6] = [
        Format::Wav16,
        Format::Sln16,
        Format::Wav,
        Format::Sln,
        Format::Ulaw,
        Format::Alaw,
    ];

    /// The format for a file extension (without the dot), as Asterisk's
    /// format modules register them.
    ///
    /// Matching is case-sensitive like Asterisk's `exts_compare()`: in
    /// particular `WAV` is *not* `wav` — Asterisk uses that extension for
    /// GSM-in-WAV (`wav49`), which this crate cannot decode, so it yields
    /// `None`. Accepted: `wav`; `wav16`; `sln`, `raw`; `sln16`; `ulaw`, `pcm`,
    /// `ul`, `mu`, `ulw`; `alaw`, `al`, `alw`.
    pub fn from_extension(ext: &str) -> Option<Format> {
        Some(match ext {
            "wav" => Format::Wav,
            "wav16" => Format::Wav16,
            "sln" | "raw" => Format::Sln,
            "sln16" => Format::Sln16,
            "ulaw" | "pcm" | "ul" | "mu" | "ulw" => Format::Ulaw,
            "alaw" | "al" | "alw" => Format::Alaw,
            _ => return None,
        })
    }

    /// The format for the ARI `format` parameter of a recording
    /// (`POST /channels/{id}/record`, `POST /bridges/{id}/record`).
    ///
    /// Asterisk validates that parameter with `ast_get_format_for_file_ext()`,
    /// i.e. it is a file *extension*, so this accepts exactly what
    /// [`Format::from_extension`] accepts. `None` (e.g. for `gsm`, `g722` or
    /// `WAV`) is what the server should answer with 422 "specified format is
    /// unknown on this system". Note that Asterisk names the recorded file
    /// with the extension the client gave (`foo.mu`), not the canonical one.
    pub fn from_ari_name(name: &str) -> Option<Format> {
        Format::from_extension(name)
    }

    /// The canonical file extension (without the dot) used when this crate
    /// picks a name: `wav`, `wav16`, `sln`, `sln16`, `ulaw`, `alaw`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Wav => "wav",
            Format::Wav16 => "wav16",
            Format::Sln => "sln",
            Format::Sln16 => "sln16",
            Format::Ulaw => "ulaw",
            Format::Alaw => "alaw",
        }
    }

    /// The sample rate the format stores (8000 or 16000 Hz).
    ///
    /// For the WAV formats this is the rate written by [`encode`] and
    /// [`Writer`]; [`decode`] trusts the rate in the file's header instead.
    pub fn rate(self) -> u32 {
        match self {
            Format::Wav16 | Format::Sln16 => RATE_WB,
            Format::Wav | Format::Sln | Format::Ulaw | Format::Alaw => RATE_NB,
        }
    }

    /// Whether the format has a RIFF/WAVE header.
    pub fn is_wav(self) -> bool {
        matches!(self, Format::Wav | Format::Wav16)
    }

    /// MIME type for serving the file over HTTP (ARI
    /// `GET /recordings/stored/{name}/file`).
    pub fn mime_type(self) -> &'static str {
        match self {
            Format::Wav | Format::Wav16 => "audio/wav",
            Format::Sln | Format::Sln16 => "audio/L16",
            Format::Ulaw => "audio/basic",
            Format::Alaw => "audio/x-alaw-basic",
        }
    }

    /// Bytes of payload per second of audio (for durations from file sizes).
    pub fn bytes_per_second(self) -> u32 {
        match self {
            Format::Ulaw | Format::Alaw => self.rate(),
            _ => self.rate() * 2,
        }
    }
}

/// Mono slin audio at a known rate: the unit [`decode`] returns and
/// [`encode`] consumes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audio {
    /// Sample rate in Hz. Decoded audio is always 8000 or 16000.
    pub rate: u32,
    /// Signed 16-bit samples, mono.
    pub samples: Vec<i16>,
}

impl Audio {
    /// Wraps samples at `rate` Hz.
    pub fn new(rate: u32, samples: Vec<i16>) -> Audio {
        Audio { rate, samples }
    }

    /// Duration in whole milliseconds (0 when the rate is 0).
    pub fn duration_ms(&self) -> u64 {
        if self.rate == 0 {
            return 0;
        }
        self.samples.len() as u64 * 1000 / u64::from(self.rate)
    }

    /// The same audio at another rate (see [`resample`]).
    pub fn to_rate(&self, rate: u32) -> Audio {
        if rate == self.rate {
            return self.clone();
        }
        Audio::new(rate, resample(&self.samples, self.rate, rate))
    }
}

/// Decodes a whole file's bytes.
///
/// * `Sln`/`Sln16`: little-endian 16-bit samples at 8/16 kHz; an odd length
///   is an error.
/// * `Ulaw`/`Alaw`: one byte per sample at 8 kHz.
/// * `Wav`/`Wav16` (either; the header decides): RIFF/WAVE, mono, with
///   integer PCM of 8 (unsigned), 16, 24 or 32 bits, IEEE float of 32 or 64
///   bits, or G.711 µ-law/A-law (format tags 7/6), also wrapped in
///   `WAVE_FORMAT_EXTENSIBLE`. 8000 and 16000 Hz come back as they are; any
///   other rate from 1000 to 384000 Hz is resampled, to 8 kHz if it is at most
///   8 kHz and to 16 kHz otherwise. Multi-channel files are rejected (Asterisk
///   rejects them too) rather than guessing a down-mix.
///
/// Chunks are walked per the RIFF rules: unknown chunks (`LIST`, `fact`,
/// `cue `, ...) are skipped, odd-sized chunks are followed by a pad byte, and
/// the RIFF size field is not trusted (many writers get it wrong). A `data`
/// size of `0xFFFFFFFF` (a streaming placeholder) means "to the end of the
/// file"; a `data` chunk that claims more bytes than exist is an error, as is
/// any other truncation. Decoding never panics, whatever the input.
pub fn decode(bytes: &[u8], format: Format) -> Result<Audio, MediaError> {
    match format {
        Format::Sln | Format::Sln16 => {
            if bytes.len() % 2 != 0 {
                return Err(MediaError::InvalidLength {
                    format: format.extension(),
                    len: bytes.len(),
                });
            }
            Ok(Audio::new(format.rate(), le16_samples(bytes)))
        }
        Format::Ulaw => Ok(Audio::new(RATE_NB, ulaw::decode_slice(bytes))),
        Format::Alaw => Ok(Audio::new(RATE_NB, alaw::decode_slice(bytes))),
        Format::Wav | Format::Wav16 => decode_wav(bytes),
    }
}

/// Encodes audio as a complete file in `format`.
///
/// Audio at a rate other than the format's is resampled first (so 16 kHz
/// audio saved as `ulaw` is low-passed and decimated, not sped up); a rate of
/// 0 is taken to be the format's own rate. WAV output
/// is exactly what Asterisk's `format_wav` writes: a 44-byte header (`fmt `
/// chunk of 16 bytes, PCM, mono, 16-bit) followed by the `data` chunk.
pub fn encode(audio: &Audio, format: Format) -> Vec<u8> {
    let converted;
    let samples = if audio.rate == format.rate() || audio.rate == 0 {
        &audio.samples[..]
    } else {
        converted = resample(&audio.samples, audio.rate, format.rate());
        &converted[..]
    };
    let mut out = Vec::new();
    if format.is_wav() {
        let data_len = (samples.len() * 2).min(WAV_MAX_DATA as usize) as u32;
        out.extend_from_slice(&wav_header(format.rate(), data_len));
    }
    payload(samples, format, &mut out);
    out
}

/// Appends the payload bytes for `samples` in `format` (no header).
fn payload(samples: &[i16], format: Format, out: &mut Vec<u8>) {
    match format {
        Format::Ulaw => out.extend(samples.iter().map(|&s| ulaw::encode(s))),
        Format::Alaw => out.extend(samples.iter().map(|&s| alaw::encode(s))),
        _ => {
            out.reserve(samples.len() * 2);
            for s in samples {
                out.extend_from_slice(&s.to_le_bytes());
            }
        }
    }
}

fn le16_samples(bytes: &[u8]) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect()
}

/// Size of the canonical header [`encode`] and [`Writer`] produce.
const WAV_HEADER_LEN: u64 = 44;
/// Largest `data` payload a RIFF file can describe (the RIFF size field,
/// 36 + data, must fit in 32 bits).
const WAV_MAX_DATA: u64 = u32::MAX as u64 - 36;

fn wav_header(rate: u32, data_len: u32) -> [u8; 44] {
    let mut h = [0u8; 44];
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&data_len.saturating_add(36).to_le_bytes());
    h[8..16].copy_from_slice(b"WAVEfmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes()); // PCM
    h[22..24].copy_from_slice(&1u16.to_le_bytes()); // mono
    h[24..28].copy_from_slice(&rate.to_le_bytes());
    h[28..32].copy_from_slice(&(rate * 2).to_le_bytes()); // bytes/s
    h[32..34].copy_from_slice(&2u16.to_le_bytes()); // block align
    h[34..36].copy_from_slice(&16u16.to_le_bytes()); // bits/sample
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_len.to_le_bytes());
    h
}

/// Sample encodings found in WAV files that we can turn into slin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WavCoding {
    Pcm,
    Float,
    Alaw,
    Ulaw,
}

#[derive(Debug, Clone, Copy)]
struct WavFmt {
    coding: WavCoding,
    rate: u32,
    bits: u16,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn parse_fmt(body: &[u8]) -> Result<WavFmt, MediaError> {
    if body.len() < 16 {
        return Err(MediaError::NotWav(format!(
            "fmt chunk is {} bytes, expected at least 16",
            body.len()
        )));
    }
    let mut tag = u16_at(body, 0);
    let channels = u16_at(body, 2);
    let rate = u32_at(body, 4);
    let bits = u16_at(body, 14);
    if tag == 0xFFFE {
        // WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the
        // sub-format GUID at offset 24.
        if body.len() < 40 {
            return Err(MediaError::NotWav(
                "WAVE_FORMAT_EXTENSIBLE fmt chunk shorter than 40 bytes".into(),
            ));
        }
        tag = u16_at(body, 24);
    }
    let coding = match tag {
        1 => WavCoding::Pcm,
        3 => WavCoding::Float,
        6 => WavCoding::Alaw,
        7 => WavCoding::Ulaw,
        other => {
            return Err(MediaError::UnsupportedWav(format!(
            "audio format tag {other:#06x} (only PCM, IEEE float, A-law and µ-law are supported)"
        )))
        }
    };
    if channels != 1 {
        return Err(MediaError::UnsupportedWav(format!(
            "{channels} channels (only mono is supported)"
        )));
    }
    let bits_ok = match coding {
        WavCoding::Pcm => matches!(bits, 8 | 16 | 24 | 32),
        WavCoding::Float => matches!(bits, 32 | 64),
        WavCoding::Alaw | WavCoding::Ulaw => bits == 8,
    };
    if !bits_ok {
        return Err(MediaError::UnsupportedWav(format!(
            "{bits} bits per sample for {coding:?} data"
        )));
    }
    if !(1000..=384_000).contains(&rate) {
        return Err(MediaError::UnsupportedWav(format!(
            "sample rate {rate} Hz (supported: 1000 to 384000 Hz)"
        )));
    }
    Ok(WavFmt { coding, rate, bits })
}

fn convert_wav_samples(data: &[u8], fmt: WavFmt) -> Vec<i16> {
    let width = usize::from(fmt.bits / 8);
    // A trailing partial sample (truncated writer) is ignored.
    let frames = data.chunks_exact(width);
    match (fmt.coding, fmt.bits) {
        (WavCoding::Pcm, 8) => frames.map(|c| (i16::from(c[0]) - 128) << 8).collect(),
        (WavCoding::Pcm, 16) => frames.map(|c| i16::from_le_bytes([c[0], c[1]])).collect(),
        (WavCoding::Pcm, 24) => frames.map(|c| i16::from_le_bytes([c[1], c[2]])).collect(),
        (WavCoding::Pcm, _) => frames.map(|c| i16::from_le_bytes([c[2], c[3]])).collect(),
        (WavCoding::Float, 32) => frames
            .map(|c| float_to_i16(f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]]))))
            .collect(),
        (WavCoding::Float, _) => frames
            .map(|c| {
                let mut b = [0u8; 8];
                b.copy_from_slice(c);
                float_to_i16(f64::from_le_bytes(b))
            })
            .collect(),
        (WavCoding::Alaw, _) => data.iter().map(|&b| alaw::decode(b)).collect(),
        (WavCoding::Ulaw, _) => data.iter().map(|&b| ulaw::decode(b)).collect(),
    }
}

fn float_to_i16(x: f64) -> i16 {
    if x.is_nan() {
        return 0;
    }
    (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

fn decode_wav(bytes: &[u8]) -> Result<Audio, MediaError> {
    if bytes.len() < 12 {
        if bytes.len() >= 4 && &bytes[0..4] != b"RIFF" {
            return Err(MediaError::NotWav("does not begin with RIFF".into()));
        }
        return Err(MediaError::Truncated(format!(
            "{} bytes is too short for a RIFF header",
            bytes.len()
        )));
    }
    if &bytes[0..4] != b"RIFF" {
        return Err(MediaError::NotWav("does not begin with RIFF".into()));
    }
    if &bytes[8..12] != b"WAVE" {
        return Err(MediaError::NotWav("RIFF form type is not WAVE".into()));
    }
    let mut fmt: Option<WavFmt> = None;
    let mut data: Option<&[u8]> = None;
    let mut pos = 12usize;
    while fmt.is_none() || data.is_none() {
        let remaining = bytes.len() - pos;
        if remaining == 0 || (remaining == 1 && data.is_some()) {
            // End of file (a lone trailing pad byte is tolerated).
            break;
        }
        if remaining < 8 {
            return Err(MediaError::Truncated(format!(
                "chunk header at offset {pos} cut short"
            )));
        }
        let id = &bytes[pos..pos + 4];
        let declared = u32_at(bytes, pos + 4);
        let body_start = pos + 8;
        let available = bytes.len() - body_start;
        let size = if id == b"data" && declared == u32::MAX {
            available
        } else {
            declared as usize
        };
        if size > available {
            return Err(MediaError::Truncated(format!(
                "'{}' chunk declares {size} bytes but only {available} remain",
                String::from_utf8_lossy(id)
            )));
        }
        let body = &bytes[body_start..body_start + size];
        match id {
            b"fmt " if fmt.is_none() => fmt = Some(parse_fmt(body)?),
            b"data" if data.is_none() => data = Some(body),
            _ => {}
        }
        // Chunks are word-aligned: an odd-sized body is followed by a pad
        // byte. Some writers omit it at the very end of the file.
        pos = (body_start + size + (size & 1)).min(bytes.len());
    }
    let fmt = fmt.ok_or_else(|| MediaError::NotWav("no fmt chunk".into()))?;
    let data = data.ok_or_else(|| MediaError::NotWav("no data chunk".into()))?;
    let samples = convert_wav_samples(data, fmt);
    let audio = Audio::new(fmt.rate, samples);
    Ok(match fmt.rate {
        RATE_NB | RATE_WB => audio,
        r if r < RATE_NB => audio.to_rate(RATE_NB),
        _ => audio.to_rate(RATE_WB),
    })
}

/// Streaming file writer for recordings.
///
/// Writes the header up front (with zero sizes for WAV), appends payload on
/// every [`Writer::write`], and on [`Writer::finish`] seeks back to patch the
/// RIFF and `data` sizes, exactly like Asterisk's `format_wav`. The bytes
/// produced equal [`encode`] of the concatenated samples (including when the
/// input rate differs from the format's, thanks to the streaming
/// [`Resampler`]).
///
/// The writer starts at the sink's current position, so it can append after
/// other data; the WAV header offsets are relative to that start. Dropping a
/// writer without calling `finish` leaves zero sizes in a WAV header (the
/// server records into a temporary file and renames it only after `finish`).
#[derive(Debug)]
pub struct Writer<W: Write + Seek> {
    out: W,
    format: Format,
    start: u64,
    data_bytes: u64,
    samples: u64,
    resampler: Option<Resampler>,
    scratch: Vec<u8>,
}

impl<W: Write + Seek> Writer<W> {
    /// Starts a file in `format` on `out`, for input samples at `rate` Hz.
    ///
    /// If `rate` differs from [`Format::rate`], input is resampled on the fly
    /// (a 16 kHz channel can be recorded to `ulaw`, an 8 kHz one to `wav16`).
    pub fn new(mut out: W, format: Format, rate: u32) -> io::Result<Writer<W>> {
        let start = out.stream_position()?;
        if format.is_wav() {
            out.write_all(&wav_header(format.rate(), 0))?;
        }
        let resampler =
            (rate != 0 && rate != format.rate()).then(|| Resampler::new(rate, format.rate()));
        Ok(Writer {
            out,
            format,
            start,
            data_bytes: 0,
            samples: 0,
            resampler,
            scratch: Vec::new(),
        })
    }

    /// The format being written.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Samples written so far, at the format's rate (for the recording's
    /// duration; may lag the input by a few ms while resampling).
    pub fn samples_written(&self) -> u64 {
        self.samples
    }

    /// Duration written so far in whole milliseconds.
    pub fn duration_ms(&self) -> u64 {
        self.samples * 1000 / u64::from(self.format.rate())
    }

    fn put(&mut self, samples: &[i16]) -> io::Result<()> {
        if samples.is_empty() {
            return Ok(());
        }
        self.scratch.clear();
        payload(samples, self.format, &mut self.scratch);
        let new_len = self.data_bytes + self.scratch.len() as u64;
        if self.format.is_wav() && new_len > WAV_MAX_DATA {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "WAV recording would exceed the 4 GiB RIFF size limit",
            ));
        }
        self.out.write_all(&self.scratch)?;
        self.data_bytes = new_len;
        self.samples += samples.len() as u64;
        Ok(())
    }

    /// Appends samples (at the rate given to [`Writer::new`]).
    pub fn write(&mut self, samples: &[i16]) -> io::Result<()> {
        match self.resampler.as_mut() {
            Some(r) => {
                let converted = r.process(samples);
                self.put(&converted)
            }
            None => self.put(samples),
        }
    }

    /// Completes the file: drains the resampler, patches the WAV sizes,
    /// leaves the sink positioned at the end of the file and flushes it.
    /// Returns the sink so the caller can `sync_all()` / rename it.
    pub fn finish(mut self) -> io::Result<W> {
        if let Some(mut r) = self.resampler.take() {
            let tail = r.flush();
            self.put(&tail)?;
        }
        if self.format.is_wav() {
            let data = self.data_bytes as u32; // bounded by WAV_MAX_DATA
            self.out.seek(SeekFrom::Start(self.start + 4))?;
            self.out.write_all(&(data + 36).to_le_bytes())?;
            self.out.seek(SeekFrom::Start(self.start + 40))?;
            self.out.write_all(&data.to_le_bytes())?;
            self.out.seek(SeekFrom::Start(
                self.start + WAV_HEADER_LEN + self.data_bytes,
            ))?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn ramp(n: usize) -> Vec<i16> {
        (0..n)
            .map(|i| ((i as i32 * 977) % 65536 - 32768) as i16)
            .collect()
    }

    fn chunk(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = id.to_vec();
        v.extend_from_slice(&(body.len() as u32).to_le_bytes());
        v.extend_from_slice(body);
        if body.len() % 2 == 1 {
            v.push(0);
        }
        v
    }

    fn fmt_body(tag: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
        let block = channels * bits / 8;
        let mut b = Vec::new();
        b.extend_from_slice(&tag.to_le_bytes());
        b.extend_from_slice(&channels.to_le_bytes());
        b.extend_from_slice(&rate.to_le_bytes());
        b.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
        b.extend_from_slice(&block.to_le_bytes());
        b.extend_from_slice(&bits.to_le_bytes());
        b
    }

    fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        let mut v = b"RIFF".to_vec();
        v.extend_from_slice(&(body.len() as u32 + 4).to_le_bytes());
        v.extend_from_slice(b"WAVE");
        v.extend_from_slice(&body);
        v
    }

    fn le(samples: &[i16]) -> Vec<u8> {
        samples.iter().flat_map(|s| s.to_le_bytes()).collect()
    }

    #[test]
    fn extensions_and_names() {
        assert_eq!(Format::from_extension("wav"), Some(Format::Wav));
        assert_eq!(Format::from_extension("WAV"), None);
        assert_eq!(Format::from_extension("wav16"), Some(Format::Wav16));
        assert_eq!(Format::from_extension("raw"), Some(Format::Sln));
        assert_eq!(Format::from_extension("sln16"), Some(Format::Sln16));
        assert_eq!(Format::from_extension("mu"), Some(Format::Ulaw));
        assert_eq!(Format::from_extension("pcm"), Some(Format::Ulaw));
        assert_eq!(Format::from_extension("al"), Some(Format::Alaw));
        assert_eq!(Format::from_extension("gsm"), None);
        assert_eq!(Format::from_ari_name("wav"), Some(Format::Wav));
        assert_eq!(Format::from_ari_name("ulaw"), Some(Format::Ulaw));
        assert_eq!(Format::from_ari_name("g722"), None);
        assert_eq!(Format::from_ari_name(""), None);
        for f in Format::ALL {
            assert_eq!(Format::from_extension(f.extension()), Some(f));
            assert!(f.rate() == RATE_NB || f.rate() == RATE_WB);
        }
        assert_eq!(Format::Wav16.rate(), 16000);
        assert_eq!(Format::Ulaw.bytes_per_second(), 8000);
        assert_eq!(Format::Sln16.bytes_per_second(), 32000);
    }

    #[test]
    fn wav_header_layout_matches_asterisk() {
        let bytes = encode(&Audio::new(8000, vec![1, -2, 3]), Format::Wav);
        assert_eq!(bytes.len(), 44 + 6);
        assert_eq!(&bytes[0..4], b"RIFF");
        assert_eq!(u32_at(&bytes, 4), 36 + 6);
        assert_eq!(&bytes[8..16], b"WAVEfmt ");
        assert_eq!(u32_at(&bytes, 16), 16);
        assert_eq!(u16_at(&bytes, 20), 1);
        assert_eq!(u16_at(&bytes, 22), 1);
        assert_eq!(u32_at(&bytes, 24), 8000);
        assert_eq!(u32_at(&bytes, 28), 16000);
        assert_eq!(u16_at(&bytes, 32), 2);
        assert_eq!(u16_at(&bytes, 34), 16);
        assert_eq!(&bytes[36..40], b"data");
        assert_eq!(u32_at(&bytes, 40), 6);
        assert_eq!(&bytes[44..], &[1, 0, 0xFE, 0xFF, 3, 0]);
    }

    #[test]
    fn wav_round_trip_8k_and_16k() {
        for (format, rate) in [(Format::Wav, 8000), (Format::Wav16, 16000)] {
            let audio = Audio::new(rate, ramp(rate as usize / 2 + 3));
            let bytes = encode(&audio, format);
            assert_eq!(u32_at(&bytes, 24), rate);
            let back = decode(&bytes, format).unwrap();
            assert_eq!(back, audio);
            // The header, not the requested format, decides the rate.
            let other = if format == Format::Wav {
                Format::Wav16
            } else {
                Format::Wav
            };
            assert_eq!(decode(&bytes, other).unwrap(), audio);
        }
    }

    #[test]
    fn raw_round_trips() {
        let audio = Audio::new(8000, ramp(1000));
        assert_eq!(
            decode(&encode(&audio, Format::Sln), Format::Sln).unwrap(),
            audio
        );
        let wb = Audio::new(16000, ramp(1000));
        assert_eq!(
            decode(&encode(&wb, Format::Sln16), Format::Sln16).unwrap(),
            wb
        );
        let u = decode(&encode(&audio, Format::Ulaw), Format::Ulaw).unwrap();
        assert_eq!(u.rate, 8000);
        assert_eq!(
            u.samples,
            ulaw::decode_slice(&ulaw::encode_slice(&audio.samples))
        );
        let a = decode(&encode(&audio, Format::Alaw), Format::Alaw).unwrap();
        assert_eq!(
            a.samples,
            alaw::decode_slice(&alaw::encode_slice(&audio.samples))
        );
        assert_eq!(encode(&audio, Format::Ulaw).len(), 1000);
    }

    #[test]
    fn encode_resamples_to_format_rate() {
        let wb = Audio::new(16000, vec![0; 3200]);
        assert_eq!(encode(&wb, Format::Sln).len(), 1600 * 2);
        assert_eq!(encode(&wb, Format::Ulaw).len(), 1600);
        let nb = Audio::new(8000, vec![0; 160]);
        assert_eq!(encode(&nb, Format::Wav16).len(), 44 + 640);
    }

    #[test]
    fn wav_with_list_chunk_and_odd_sizes() {
        let samples = [100i16, -200, 300, -400, 500];
        let bytes = riff(&[
            chunk(b"fmt ", &fmt_body(1, 1, 8000, 16)),
            chunk(b"LIST", b"INFOISFT\x05\x00\x00\x00Lavf\x00"), // odd: 17 bytes
            chunk(b"fact", &5u32.to_le_bytes()),
            chunk(b"junk", b"x"),
            chunk(b"data", &le(&samples)),
            chunk(b"id3 ", b"trailing metadata"),
        ]);
        let audio = decode(&bytes, Format::Wav).unwrap();
        assert_eq!(audio, Audio::new(8000, samples.to_vec()));
    }

    #[test]
    fn wav_with_extended_fmt_and_data_before_fmt() {
        // fmt of 18 bytes (cbSize = 0), and data chunk before fmt.
        let mut fmt = fmt_body(1, 1, 16000, 16);
        fmt.extend_from_slice(&0u16.to_le_bytes());
        let bytes = riff(&[chunk(b"data", &le(&[7, 8, 9])), chunk(b"fmt ", &fmt)]);
        assert_eq!(
            decode(&bytes, Format::Wav).unwrap(),
            Audio::new(16000, vec![7, 8, 9])
        );
    }

    #[test]
    fn wav_other_encodings() {
        // 8-bit unsigned.
        let bytes = riff(&[
            chunk(b"fmt ", &fmt_body(1, 1, 8000, 8)),
            chunk(b"data", &[128, 255, 0]),
        ]);
        assert_eq!(
            decode(&bytes, Format::Wav).unwrap().samples,
            vec![0, 127 << 8, -32768]
        );
        // 24-bit.
        let bytes = riff(&[
            chunk(b"fmt ", &fmt_body(1, 1, 8000, 24)),
            chunk(b"data", &[0xAA, 0x34, 0x12, 0x00, 0x00, 0x80]),
        ]);
        assert_eq!(
            decode(&bytes, Format::Wav).unwrap().samples,
            vec![0x1234, -32768]
        );
        // float32.
        let data: Vec<u8> = [0.5f32, -1.0, 2.0]
            .iter()
            .flat_map(|f| f.to_le_bytes())
            .collect();
        let bytes = riff(&[
            chunk(b"fmt ", &fmt_body(3, 1, 16000, 32)),
            chunk(b"data", &data),
        ]);
        assert_eq!(
            decode(&bytes, Format::Wav).unwrap(),
            Audio::new(16000, vec![16384, -32768, 32767])
        );
        // µ-law in WAV.
        let bytes = riff(&[
            chunk(b"fmt ", &fmt_body(7, 1, 8000, 8)),
            chunk(b"data", &[0xFF, 0x80]),
        ]);
        assert_eq!(decode(&bytes, Format::Wav).unwrap().samples, vec![0, 32124]);
        // WAVE_FORMAT_EXTENSIBLE wrapping PCM 16.
        let mut ext = fmt_body(0xFFFE, 1, 8000, 16);
        ext.extend_from_slice(&22u16.to_le_bytes());
        ext.extend_from_slice(&16u16.to_le_bytes());
        ext.extend_from_slice(&4u32.to_le_bytes());
        ext.extend_from_slice(&[
            1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71,
        ]);
        let bytes = riff(&[chunk(b"fmt ", &ext), chunk(b"data", &le(&[42]))]);
        assert_eq!(decode(&bytes, Format::Wav).unwrap().samples, vec![42]);
    }

    #[test]
    fn wav_other_rates_are_resampled() {
        let n = 44100;
        let samples: Vec<i16> = (0..n)
            .map(|i| {
                (8000.0 * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 44100.0).sin()) as i16
            })
            .collect();
        let bytes = riff(&[
            chunk(b"fmt ", &fmt_body(1, 1, 44100, 16)),
            chunk(b"data", &le(&samples)),
        ]);
        let audio = decode(&bytes, Format::Wav).unwrap();
        assert_eq!(audio.rate, 16000);
        assert_eq!(audio.samples.len(), 16000);
        let mid = &audio.samples[1000..15000];
        assert_eq!(
            crate::dominant_frequency(mid, 16000, &[500.0, 1000.0, 2000.0]),
            1000.0
        );
        let bytes = riff(&[
            chunk(b"fmt ", &fmt_body(1, 1, 6000, 16)),
            chunk(b"data", &le(&[0; 600])),
        ]);
        let audio = decode(&bytes, Format::Wav).unwrap();
        assert_eq!((audio.rate, audio.samples.len()), (8000, 800));
    }

    #[test]
    fn wav_rejections() {
        let stereo = riff(&[
            chunk(b"fmt ", &fmt_body(1, 2, 8000, 16)),
            chunk(b"data", &[0; 8]),
        ]);
        let err = decode(&stereo, Format::Wav).unwrap_err();
        assert!(matches!(err, MediaError::UnsupportedWav(_)));
        assert!(err.to_string().contains("2 channels"), "{err}");

        let gsm = riff(&[
            chunk(b"fmt ", &fmt_body(0x31, 1, 8000, 0)),
            chunk(b"data", &[0; 65]),
        ]);
        assert!(matches!(
            decode(&gsm, Format::Wav),
            Err(MediaError::UnsupportedWav(_))
        ));
        let odd_bits = riff(&[
            chunk(b"fmt ", &fmt_body(1, 1, 8000, 12)),
            chunk(b"data", &[0; 4]),
        ]);
        assert!(matches!(
            decode(&odd_bits, Format::Wav),
            Err(MediaError::UnsupportedWav(_))
        ));
        let zero_rate = riff(&[
            chunk(b"fmt ", &fmt_body(1, 1, 0, 16)),
            chunk(b"data", &[0; 4]),
        ]);
        assert!(decode(&zero_rate, Format::Wav).is_err());
        let no_data = riff(&[chunk(b"fmt ", &fmt_body(1, 1, 8000, 16))]);
        assert!(matches!(
            decode(&no_data, Format::Wav),
            Err(MediaError::NotWav(_))
        ));
        let no_fmt = riff(&[chunk(b"data", &[0; 4])]);
        assert!(matches!(
            decode(&no_fmt, Format::Wav),
            Err(MediaError::NotWav(_))
        ));
        assert!(matches!(
            decode(b"RIFX\0\0\0\0WAVE", Format::Wav),
            Err(MediaError::NotWav(_))
        ));
        assert!(matches!(
            decode(b"RIFF\0\0\0\0AVI ", Format::Wav),
            Err(MediaError::NotWav(_))
        ));
        assert!(matches!(
            decode(b"ID3\x03hello world", Format::Wav),
            Err(MediaError::NotWav(_))
        ));
        assert!(matches!(
            decode(b"", Format::Wav),
            Err(MediaError::Truncated(_))
        ));
        assert!(matches!(
            decode(&[1, 2, 3], Format::Sln),
            Err(MediaError::InvalidLength {
                format: "sln",
                len: 3
            })
        ));
    }

    #[test]
    fn truncated_wavs_are_errors() {
        let good = encode(&Audio::new(8000, ramp(100)), Format::Wav);
        for cut in 0..good.len() {
            let r = decode(&good[..cut], Format::Wav);
            assert!(r.is_err(), "cut at {cut} decoded: {r:?}");
        }
        assert!(decode(&good, Format::Wav).is_ok());
    }

    #[test]
    fn streaming_data_size_placeholder() {
        let mut bytes = encode(&Audio::new(8000, vec![5, 6, 7]), Format::Wav);
        bytes[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode(&bytes, Format::Wav).unwrap().samples, vec![5, 6, 7]);
    }

    #[test]
    fn fuzz_never_panics() {
        // xorshift64*: deterministic pseudo-random bytes.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let template = riff(&[
            chunk(b"fmt ", &fmt_body(1, 1, 8000, 16)),
            chunk(b"LIST", b"INFOabc"),
            chunk(b"data", &le(&ramp(40))),
        ]);
        for round in 0..4000 {
            let bytes: Vec<u8> = if round % 2 == 0 {
                let len = (next() % 200) as usize;
                let mut v: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                if round % 4 == 0 && v.len() >= 12 {
                    v[0..4].copy_from_slice(b"RIFF");
                    v[8..12].copy_from_slice(b"WAVE");
                }
                v
            } else {
                // Mutate a valid file: flip bytes and maybe truncate.
                let mut v = template.clone();
                for _ in 0..(next() % 6 + 1) {
                    let i = (next() as usize) % v.len();
                    v[i] = next() as u8;
                }
                let keep = (next() as usize) % (v.len() + 1);
                v.truncate(keep.max(v.len() / 2));
                v
            };
            for f in Format::ALL {
                let _ = decode(&bytes, f);
            }
        }
    }

    #[test]
    fn writer_equals_encode() {
        let samples = ramp(1234);
        for format in Format::ALL {
            for rate in [8000, 16000] {
                let mut w = Writer::new(Cursor::new(Vec::new()), format, rate).unwrap();
                for frame in samples.chunks(160) {
                    w.write(frame).unwrap();
                }
                let out = w.finish().unwrap().into_inner();
                let expect = encode(&Audio::new(rate, samples.clone()), format);
                assert_eq!(out, expect, "{format:?} at {rate}");
            }
        }
    }

    #[test]
    fn writer_at_offset_and_bookkeeping() {
        let mut cur = Cursor::new(Vec::new());
        cur.write_all(b"prefix").unwrap();
        let mut w = Writer::new(cur, Format::Wav16, 16000).unwrap();
        assert_eq!(w.format(), Format::Wav16);
        w.write(&[1; 320]).unwrap();
        w.write(&[]).unwrap();
        w.write(&[2; 320]).unwrap();
        assert_eq!(w.samples_written(), 640);
        assert_eq!(w.duration_ms(), 40);
        let mut cur = w.finish().unwrap();
        assert_eq!(cur.position(), 6 + 44 + 1280);
        cur.write_all(b"!").unwrap();
        let bytes = cur.into_inner();
        assert_eq!(&bytes[..6], b"prefix");
        let wav = &bytes[6..6 + 44 + 1280];
        assert_eq!(decode(wav, Format::Wav16).unwrap().samples.len(), 640);
        // An empty recording is still a valid WAV.
        let w = Writer::new(Cursor::new(Vec::new()), Format::Wav, 8000).unwrap();
        let empty = w.finish().unwrap().into_inner();
        assert_eq!(empty.len(), 44);
        assert_eq!(decode(&empty, Format::Wav).unwrap().samples.len(), 0);
    }

    #[test]
    fn audio_helpers() {
        let a = Audio::new(8000, vec![0; 800]);
        assert_eq!(a.duration_ms(), 100);
        assert_eq!(a.to_rate(16000).samples.len(), 1600);
        assert_eq!(a.to_rate(8000), a);
        assert_eq!(Audio::default().duration_ms(), 0);
    }
}
