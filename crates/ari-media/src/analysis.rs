//! Signal analysis: tone detection, level and silence.

/// Default silence threshold for [`is_silence`], in linear sample units.
///
/// This is Asterisk's `DEFAULT_SILENCE_THRESHOLD` (also the default of
/// `silencethreshold` in `dsp.conf`): a frame is silent when the average
/// absolute sample value is below 256, i.e. about -42 dBFS. That is well
/// above the idle noise of a real line and well below quiet speech.
pub const DEFAULT_SILENCE_THRESHOLD: u32 = 256;

/// Power of the `freq` Hz component of `samples`, measured with the
/// (generalised, non-integer-bin) Goertzel algorithm.
///
/// The result is normalised to the same units as `rms(samples)²`: a pure sine
/// of amplitude `A` at `freq` gives about `A² / 2`, so
/// `goertzel_power(x, r, f) / rms(x)²` is the fraction of the signal's energy
/// that sits at `f` (close to 1 for a clean tone). The frequency resolution is
/// about `rate / samples.len()` Hz, so analyse at least a few hundred samples
/// to tell apart tones such as 350 and 440 Hz. Empty input or a zero rate give
/// 0.
pub fn goertzel_power(samples: &[i16], rate: u32, freq: f64) -> f64 {
    if samples.is_empty() || rate == 0 {
        return 0.0;
    }
    let w = 2.0 * std::f64::consts::PI * freq / f64::from(rate);
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in samples {
        let s0 = f64::from(x) + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = (s1 * s1 + s2 * s2 - coeff * s1 * s2).max(0.0);
    let n = samples.len() as f64;
    2.0 * power / (n * n)
}

/// The candidate frequency with the most energy in `samples`.
///
/// Meant for "which of these tones is playing" questions (dial vs busy,
/// DTMF-like checks in tests). Returns 0.0 when `candidates` is empty; ties go
/// to the earlier candidate.
pub fn dominant_frequency(samples: &[i16], rate: u32, candidates: &[f64]) -> f64 {
    let mut best = (0.0, f64::NEG_INFINITY);
    for &f in candidates {
        let p = goertzel_power(samples, rate, f);
        if p > best.1 {
            best = (f, p);
        }
    }
    best.0
}

/// Root-mean-square level of `samples` (0 for empty input).
pub fn rms(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
    (sum / samples.len() as f64).sqrt()
}

/// Average absolute sample value, the energy measure Asterisk's DSP uses for
/// silence detection (0 for empty input).
pub fn mean_abs(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: u64 = samples.iter().map(|&s| u64::from(s.unsigned_abs())).sum();
    sum as f64 / samples.len() as f64
}

/// Whether `samples` (typically one 20 ms frame) is silence.
///
/// Mirrors Asterisk's `ast_dsp_silence()`: the frame is silent when its
/// average absolute amplitude ([`mean_abs`]) is strictly below `threshold`.
/// Use [`DEFAULT_SILENCE_THRESHOLD`] (256) unless configured otherwise; the
/// caller applies the "how many milliseconds of silence" rule (e.g. ARI's
/// `maxSilenceSeconds`) by counting consecutive silent frames. Empty input is
/// silent.
pub fn is_silence(samples: &[i16], threshold: u32) -> bool {
    mean_abs(samples) < f64::from(threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, rate: u32, n: usize, amp: f64) -> Vec<i16> {
        (0..n)
            .map(|i| {
                (amp * (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate)).sin())
                    .round() as i16
            })
            .collect()
    }

    #[test]
    fn goertzel_normalisation() {
        let s = sine(1000.0, 8000, 800, 10000.0);
        let p = goertzel_power(&s, 8000, 1000.0);
        assert!((p / 50_000_000.0 - 1.0).abs() < 0.01, "{p}");
        assert!(goertzel_power(&s, 8000, 1500.0) < p / 1000.0);
        assert!((rms(&s) - 10000.0 / 2f64.sqrt()).abs() < 5.0);
        assert_eq!(goertzel_power(&[], 8000, 1000.0), 0.0);
        assert_eq!(goertzel_power(&s, 0, 1000.0), 0.0);
    }

    #[test]
    fn dominant_frequency_of_1khz() {
        let candidates = [350.0, 440.0, 480.0, 620.0, 1000.0, 1400.0];
        let s = sine(1000.0, 8000, 1600, 8000.0);
        assert_eq!(dominant_frequency(&s, 8000, &candidates), 1000.0);
        let s = sine(1000.0, 16000, 3200, 8000.0);
        assert_eq!(dominant_frequency(&s, 16000, &candidates), 1000.0);
        assert_eq!(dominant_frequency(&s, 16000, &[]), 0.0);
    }

    #[test]
    fn silence() {
        assert!(is_silence(&[0; 160], DEFAULT_SILENCE_THRESHOLD));
        assert!(is_silence(&[], DEFAULT_SILENCE_THRESHOLD));
        assert!(is_silence(&[255; 160], DEFAULT_SILENCE_THRESHOLD));
        assert!(!is_silence(&[256; 160], DEFAULT_SILENCE_THRESHOLD));
        assert!(!is_silence(&[-300; 160], DEFAULT_SILENCE_THRESHOLD));
        let speechish = sine(300.0, 8000, 160, 2000.0);
        assert!(!is_silence(&speechish, DEFAULT_SILENCE_THRESHOLD));
        assert_eq!(mean_abs(&[i16::MIN, i16::MAX]), 32767.5);
    }
}
