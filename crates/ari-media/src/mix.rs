//! Mixing helpers for bridges.
//!
//! Mixing is done in 32-bit accumulators and saturated to 16 bits only once,
//! at the end. (Asterisk's softmix saturates the running 16-bit total and then
//! subtracts each listener's own audio, which distorts whenever the total
//! clips; keeping the wide sum avoids that.)

/// Adds `frame` into the wide accumulator `acc`, sample by sample.
///
/// Only `min(acc.len(), frame.len())` samples are touched, so a short frame
/// behaves as if padded with silence. An `i32` accumulator holds the sum of
/// up to 65536 full-scale frames without overflow; the addition saturates
/// rather than wrapping beyond that.
pub fn mix_into(acc: &mut [i32], frame: &[i16]) {
    for (a, &s) in acc.iter_mut().zip(frame) {
        *a = a.saturating_add(i32::from(s));
    }
}

/// Clips a wide accumulator to 16-bit samples (hard clipping at
/// `i16::MIN`/`i16::MAX`, which is what Asterisk does).
pub fn saturate(acc: &[i32]) -> Vec<i16> {
    acc.iter()
        .map(|&a| a.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16)
        .collect()
}

/// "Mix-minus" for a conference: for each participant, the sum of every
/// *other* participant's frame, clipped to 16 bits.
///
/// This is what each member of a multi-party bridge hears (nobody hears their
/// own voice echoed back). The output has one frame per input frame, each as
/// long as the longest input; shorter inputs count as silence at the end.
/// The sum is formed once and each participant's own contribution is
/// subtracted before clipping, so it costs O(participants × samples).
pub fn mix_minus(frames: &[&[i16]]) -> Vec<Vec<i16>> {
    let len = frames.iter().map(|f| f.len()).max().unwrap_or(0);
    let mut total = vec![0i32; len];
    for f in frames {
        mix_into(&mut total, f);
    }
    frames
        .iter()
        .map(|own| {
            let mut acc = total.clone();
            for (a, &s) in acc.iter_mut().zip(own.iter()) {
                *a = a.saturating_sub(i32::from(s));
            }
            saturate(&acc)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_and_saturate() {
        let mut acc = vec![0i32; 4];
        mix_into(&mut acc, &[1, 2, 3, 4]);
        mix_into(&mut acc, &[30000, -30000, 10]);
        mix_into(&mut acc, &[30000, -30000, 10, 1, 99]);
        assert_eq!(acc, vec![60001, -59998, 23, 5]);
        assert_eq!(saturate(&acc), vec![32767, -32768, 23, 5]);
    }

    #[test]
    fn mix_minus_excludes_self() {
        let a: &[i16] = &[100, 200, 300];
        let b: &[i16] = &[10, 20, 30];
        let c: &[i16] = &[1, 2];
        let out = mix_minus(&[a, b, c]);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0], vec![11, 22, 30]);
        assert_eq!(out[1], vec![101, 202, 300]);
        assert_eq!(out[2], vec![110, 220, 330]);
    }

    #[test]
    fn mix_minus_clips_without_distorting_others() {
        let loud: &[i16] = &[30000, -30000];
        let loud2: &[i16] = &[30000, -30000];
        let quiet: &[i16] = &[5, -5];
        let out = mix_minus(&[loud, loud2, quiet]);
        // Each loud participant hears the other loud one plus the quiet one.
        assert_eq!(out[0], vec![30005, -30005]);
        assert_eq!(out[1], vec![30005, -30005]);
        // The quiet one hears both loud ones: clipped.
        assert_eq!(out[2], vec![32767, -32768]);
    }

    #[test]
    fn mix_minus_edge_cases() {
        assert!(mix_minus(&[]).is_empty());
        let solo: &[i16] = &[1234, -1];
        assert_eq!(mix_minus(&[solo]), vec![vec![0, 0]]);
        let two_a: &[i16] = &[7];
        let two_b: &[i16] = &[-9];
        assert_eq!(mix_minus(&[two_a, two_b]), vec![vec![-9], vec![7]]);
    }
}
