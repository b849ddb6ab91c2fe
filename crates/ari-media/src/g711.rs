//! G.711 companding (µ-law and A-law).

/// G.711 µ-law, the North American / Japanese telephony codec.
///
/// Decoding uses the standard expansion table (the same values as ITU-T
/// G.711, Sun's reference `g711.c` and Asterisk's `__ast_mulaw`).
///
/// Encoding is bit-exact with Asterisk's `AST_LIN2MU()` lookup table (the
/// default build, without `G711_NEW_ALGORITHM`). That table is indexed by the
/// sample's top 14 bits and each entry holds the code of the *last* sample of
/// its group of four, so the effective encoder is "standard encoder applied to
/// `sample | 3`". For non-negative samples this is identical to every common
/// reference encoder; for a few negative samples on segment boundaries it
/// differs from Sun's `g711.c` by one step (e.g. `-1` encodes to `0x7F`,
/// negative zero, rather than `0x7E`). Matching Asterisk means recordings and
/// transcoded RTP produced by this server are byte-identical to Asterisk's.
pub mod ulaw {
    /// Bias added before finding the segment (132 = 33 << 2).
    const BIAS: i32 = 0x84;
    /// Largest magnitude that still fits once the bias is added.
    const CLIP: i32 = 32635;
    /// Segment base values used by the expansion (`(33 << e) * 4 - 132`).
    const ETAB: [i32; 8] = [0, 132, 396, 924, 1980, 4092, 8316, 16764];

    /// Compresses one linear sample to a µ-law byte (see the module docs for
    /// the exact rounding).
    pub fn encode(s: i16) -> u8 {
        // Asterisk's table stores the code of `s | 3` for each group of 4.
        let s = i32::from(s) | 3;
        let sign: u8 = if s < 0 { 0x80 } else { 0 };
        let mag = s.abs().min(CLIP) + BIAS;
        let top = (mag >> 7) as u32; // 1..=255 after biasing
        let exponent = if top == 0 {
            0
        } else {
            31 - top.leading_zeros()
        };
        let mantissa = ((mag >> (exponent + 3)) & 0x0F) as u8;
        !(sign | ((exponent as u8) << 4) | mantissa)
    }

    /// Expands one µ-law byte to a linear sample.
    pub fn decode(b: u8) -> i16 {
        let u = !b;
        let exponent = usize::from((u & 0x70) >> 4);
        let mantissa = i32::from(u & 0x0F);
        let mag = (mantissa << (exponent + 3)) + ETAB[exponent];
        (if u & 0x80 != 0 { -mag } else { mag }) as i16
    }

    /// Encodes a slice of linear samples, one byte per sample.
    pub fn encode_slice(samples: &[i16]) -> Vec<u8> {
        samples.iter().map(|&s| encode(s)).collect()
    }

    /// Decodes a slice of µ-law bytes, one sample per byte.
    pub fn decode_slice(bytes: &[u8]) -> Vec<i16> {
        bytes.iter().map(|&b| decode(b)).collect()
    }
}

/// G.711 A-law, the European / international telephony codec.
///
/// Both directions are bit-exact with Asterisk's `AST_LIN2A()` / `AST_ALAW()`
/// tables, which for A-law coincide exactly with Sun's reference `g711.c`
/// (the table groups of eight align with the 13-bit quantiser).
pub mod alaw {
    /// Even-bit inversion mask applied to every A-law byte.
    const AMI_MASK: u8 = 0x55;

    /// Compresses one linear sample to an A-law byte.
    pub fn encode(s: i16) -> u8 {
        // Asterisk's table stores the code of `s | 7` for each group of 8.
        let v = i32::from(s) | 7;
        let (mask, mag) = if v >= 0 {
            (AMI_MASK | 0x80, v)
        } else {
            (AMI_MASK, -v)
        };
        // Segment = number of significant bits above bit 7 (0..=7).
        let seg = if mag <= 0xFF {
            0
        } else {
            (31 - (mag as u32).leading_zeros()) - 7
        };
        let shift = if seg == 0 { 4 } else { seg + 3 };
        let code = ((seg as u8) << 4) | (((mag >> shift) & 0x0F) as u8);
        code ^ mask
    }

    /// Expands one A-law byte to a linear sample.
    pub fn decode(b: u8) -> i16 {
        let a = b ^ AMI_MASK;
        let mut v = (i32::from(a & 0x0F) << 4) + 8; // mid-point of the step
        let seg = i32::from((a & 0x70) >> 4);
        if seg != 0 {
            v = (v + 0x100) << (seg - 1);
        }
        (if a & 0x80 != 0 { v } else { -v }) as i16
    }

    /// Encodes a slice of linear samples, one byte per sample.
    pub fn encode_slice(samples: &[i16]) -> Vec<u8> {
        samples.iter().map(|&s| encode(s)).collect()
    }

    /// Decodes a slice of A-law bytes, one sample per byte.
    pub fn decode_slice(bytes: &[u8]) -> Vec<i16> {
        bytes.iter().map(|&b| decode(b)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{alaw, ulaw};

    /// Transliteration of Asterisk's `linear2ulaw()` (default build) used to
    /// fill `__ast_lin2mu`, plus the table fill loop itself.
    fn asterisk_lin2mu_table() -> Vec<u8> {
        fn linear2ulaw(sample: i32) -> u8 {
            const EXP_LUT: [u8; 8] = [0, 0, 1, 1, 2, 2, 2, 2];
            let sign = (sample >> 8) & 0x80;
            let mut s = sample;
            if sign != 0 {
                s = -s;
            }
            if s > 32635 {
                s = 32635;
            }
            s += 0x84;
            let idx = (s >> 7) & 0xFF;
            let exponent = if idx < 8 {
                EXP_LUT[idx as usize] as i32
            } else {
                // exp_lut[i] == floor(log2(i)) for i >= 1
                31 - (idx as u32).leading_zeros() as i32
            };
            let mantissa = (s >> (exponent + 3)) & 0x0F;
            !((sign | (exponent << 4) | mantissa) as u8)
        }
        let mut table = vec![0u8; 16384];
        for i in -32768i32..32768 {
            table[((i as i16 as u16) >> 2) as usize] = linear2ulaw(i);
        }
        table
    }

    /// Transliteration of Asterisk's `linear2alaw()` and its table fill.
    fn asterisk_lin2a_table() -> Vec<u8> {
        fn linear2alaw(linear: i32) -> u8 {
            const SEG_END: [i32; 8] = [0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF, 0x3FFF, 0x7FFF];
            let (mask, pcm) = if linear >= 0 {
                (0x55 | 0x80, linear)
            } else {
                (0x55, -linear)
            };
            let mut seg = 0;
            while seg < 8 && pcm > SEG_END[seg] {
                seg += 1;
            }
            let shift = if seg > 0 { seg + 3 } else { 4 };
            ((((seg as i32) << 4) | ((pcm >> shift) & 0x0F)) as u8) ^ mask
        }
        let mut table = vec![0u8; 8192];
        for i in -32768i32..32768 {
            table[((i as i16 as u16) >> 3) as usize] = linear2alaw(i);
        }
        table
    }

    #[test]
    fn ulaw_known_vectors() {
        assert_eq!(ulaw::encode(0), 0xFF);
        assert_eq!(ulaw::decode(0xFF), 0);
        assert_eq!(ulaw::decode(0x7F), 0); // negative zero
        assert_eq!(ulaw::decode(0x00), -32124);
        assert_eq!(ulaw::decode(0x80), 32124);
        assert_eq!(ulaw::decode(0xFE), 8);
        assert_eq!(ulaw::decode(0x7E), -8);
        assert_eq!(ulaw::encode(i16::MAX), 0x80);
        assert_eq!(ulaw::encode(i16::MIN), 0x00);
        assert_eq!(ulaw::encode(-1), 0x7F);
        assert_eq!(ulaw::encode(8), 0xFE);
        assert_eq!(ulaw::encode(-8), 0x7E);
    }

    #[test]
    fn alaw_known_vectors() {
        assert_eq!(alaw::encode(0), 0xD5);
        assert_eq!(alaw::decode(0xD5), 8);
        assert_eq!(alaw::decode(0x55), -8);
        assert_eq!(alaw::decode(0xAA), 32256);
        assert_eq!(alaw::decode(0x2A), -32256);
        assert_eq!(alaw::encode(i16::MAX), 0xAA);
        assert_eq!(alaw::encode(i16::MIN), 0x2A);
        assert_eq!(alaw::encode(-1), 0x55);
    }

    #[test]
    fn ulaw_matches_asterisk_table_for_every_sample() {
        let table = asterisk_lin2mu_table();
        for i in i16::MIN..=i16::MAX {
            assert_eq!(
                ulaw::encode(i),
                table[(i as u16 >> 2) as usize],
                "sample {i}"
            );
        }
    }

    #[test]
    fn alaw_matches_asterisk_table_for_every_sample() {
        let table = asterisk_lin2a_table();
        for i in i16::MIN..=i16::MAX {
            assert_eq!(
                alaw::encode(i),
                table[(i as u16 >> 3) as usize],
                "sample {i}"
            );
        }
    }

    #[test]
    fn alaw_matches_sun_reference() {
        // Sun g711.c linear2alaw works on the 13-bit value.
        fn sun(pcm: i32) -> u8 {
            const SEG_AEND: [i32; 8] = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF];
            let mut v = pcm >> 3;
            let mask = if v >= 0 {
                0xD5
            } else {
                v = -v - 1;
                0x55
            };
            let seg = SEG_AEND.iter().position(|&e| v <= e).unwrap_or(8);
            if seg >= 8 {
                return 0x7F ^ mask;
            }
            let mut aval = (seg as i32) << 4;
            aval |= if seg < 2 {
                (v >> 1) & 0x0F
            } else {
                (v >> seg) & 0x0F
            };
            (aval as u8) ^ mask
        }
        for i in i16::MIN..=i16::MAX {
            assert_eq!(alaw::encode(i), sun(i32::from(i)), "sample {i}");
        }
    }

    #[test]
    fn round_trips_every_code() {
        for b in 0..=255u8 {
            let expect = if b == 0x7F { 0xFF } else { b };
            assert_eq!(ulaw::encode(ulaw::decode(b)), expect, "ulaw {b:#04x}");
            assert_eq!(alaw::encode(alaw::decode(b)), b, "alaw {b:#04x}");
        }
    }

    #[test]
    fn decode_is_monotonic_and_error_bounded() {
        // Quantisation error of a companded sample stays within half a step,
        // where a step is at most 1024 (µ-law) / 1024 (A-law) near full scale.
        for i in (i16::MIN..=i16::MAX).step_by(7) {
            let e = i32::from(ulaw::decode(ulaw::encode(i))) - i32::from(i);
            let limit = (i32::from(i).abs() / 16).max(8) + 4;
            assert!(e.abs() <= limit, "ulaw {i}: err {e}");
            let e = i32::from(alaw::decode(alaw::encode(i))) - i32::from(i);
            let limit = (i32::from(i).abs() / 16).max(16) + 8;
            assert!(e.abs() <= limit, "alaw {i}: err {e}");
        }
    }

    #[test]
    fn slices() {
        let s = [0i16, 1000, -1000, 32767];
        assert_eq!(ulaw::decode_slice(&ulaw::encode_slice(&s)).len(), 4);
        assert_eq!(
            alaw::decode_slice(&alaw::encode_slice(&s)),
            s.iter()
                .map(|&x| alaw::decode(alaw::encode(x)))
                .collect::<Vec<_>>()
        );
    }
}
