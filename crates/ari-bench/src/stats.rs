//! Latency histograms, counters and errors shared by the workloads.
//!
//! [`Histogram`] is a log-linear histogram (like HdrHistogram): values below
//! 128 are exact, larger ones fall in one of 128 buckets per power of two, so
//! any percentile it reports is within 0.8 % of the true sample value. It
//! takes constant memory whatever the sample count, and recording is an
//! index computation and an increment, so the tool stays cheap at high rates.

use parking_lot::Mutex;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Sub-bucket bits: 2^7 = 128 buckets per power of two (< 0.8 % error).
const SUB_BITS: u32 = 7;
const SUB: u64 = 1 << SUB_BITS;
/// Buckets needed to cover every `u64`.
const BUCKETS: usize = ((64 - SUB_BITS as usize) + 1) << SUB_BITS;

/// A log-linear histogram of `u64` values (the tool records nanoseconds).
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Vec<u64>,
    count: u64,
    sum: u128,
    min: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; BUCKETS],
            count: 0,
            sum: 0,
            min: u64::MAX,
            max: 0,
        }
    }
}

/// The bucket of `v`.
fn index(v: u64) -> usize {
    if v < SUB {
        return v as usize;
    }
    let exp = 63 - v.leading_zeros(); // >= SUB_BITS
    let shift = exp - SUB_BITS;
    let mantissa = ((v >> shift) & (SUB - 1)) as usize;
    ((shift as usize + 1) << SUB_BITS) + mantissa
}

/// The smallest value of bucket `i`.
fn lower(i: usize) -> u64 {
    if (i as u64) < SUB {
        return i as u64;
    }
    let shift = (i >> SUB_BITS) as u32 - 1;
    let mantissa = (i as u64) & (SUB - 1);
    (SUB + mantissa) << shift
}

/// The width of bucket `i`.
fn width(i: usize) -> u64 {
    if (i as u64) < SUB {
        1
    } else {
        1 << ((i >> SUB_BITS) as u32 - 1)
    }
}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one value.
    pub fn record(&mut self, v: u64) {
        self.counts[index(v)] += 1;
        self.count += 1;
        self.sum += u128::from(v);
        self.min = self.min.min(v);
        self.max = self.max.max(v);
    }

    /// Records a duration in nanoseconds.
    pub fn record_duration(&mut self, d: Duration) {
        self.record(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    }

    /// Adds every sample of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The largest value recorded (0 when empty).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The smallest value recorded (0 when empty).
    pub fn min(&self) -> u64 {
        if self.count == 0 {
            0
        } else {
            self.min
        }
    }

    /// The mean of the values (0 when empty).
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum as f64 / self.count as f64
        }
    }

    /// The value at quantile `q` (0.0 to 1.0): the smallest recorded value
    /// such that at least `q` of the samples are at or below it, to within
    /// the bucket precision (exact below 128; at most 0.8 % off above), and
    /// never outside `[min, max]`. 0 when empty.
    pub fn quantile(&self, q: f64) -> u64 {
        if self.count == 0 {
            return 0;
        }
        let q = q.clamp(0.0, 1.0);
        let rank = ((q * self.count as f64).ceil() as u64).max(1);
        if rank >= self.count {
            return self.max;
        }
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                // The middle of the bucket, kept inside what was seen.
                let mid = lower(i) + (width(i) - 1) / 2;
                return mid.clamp(self.min, self.max);
            }
        }
        self.max
    }

    /// A JSON summary in microseconds (count, mean, p50, p90, p99, p99.9, max).
    pub fn summary_us(&self) -> Value {
        let us = |v: u64| (v as f64 / 1000.0 * 1000.0).round() / 1000.0;
        json!({
            "count": self.count,
            "min_us": us(self.min()),
            "mean_us": (self.mean() / 1000.0 * 1000.0).round() / 1000.0,
            "p50_us": us(self.quantile(0.50)),
            "p90_us": us(self.quantile(0.90)),
            "p99_us": us(self.quantile(0.99)),
            "p999_us": us(self.quantile(0.999)),
            "max_us": us(self.max),
        })
    }
}

/// Formats nanoseconds for a person: `850us`, `1.24ms`, `2.5s`.
pub fn fmt_ns(ns: u64) -> String {
    if ns < 1_000 {
        format!("{ns}ns")
    } else if ns < 1_000_000 {
        format!("{:.0}us", ns as f64 / 1e3)
    } else if ns < 1_000_000_000 {
        format!("{:.2}ms", ns as f64 / 1e6)
    } else {
        format!("{:.2}s", ns as f64 / 1e9)
    }
}

/// Everything a run measures: named latency histograms, the operation
/// counter, errors by kind, and extra named figures.
#[derive(Default)]
pub struct Metrics {
    hists: Mutex<BTreeMap<&'static str, Histogram>>,
    errors: Mutex<BTreeMap<String, u64>>,
    /// Completed operations (calls, events, broadcasts, ...).
    pub ops: AtomicU64,
    /// Errors of any kind (the sum of the error map).
    pub error_count: AtomicU64,
}

impl Metrics {
    /// Records a latency in the histogram `name`.
    pub fn record(&self, name: &'static str, d: Duration) {
        self.hists
            .lock()
            .entry(name)
            .or_default()
            .record_duration(d);
    }

    /// Counts one completed operation.
    pub fn op(&self) {
        self.ops.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one error of kind `kind` (e.g. `originate: HTTP 409`).
    pub fn error(&self, kind: impl Into<String>) {
        self.error_count.fetch_add(1, Ordering::Relaxed);
        *self.errors.lock().entry(kind.into()).or_default() += 1;
    }

    /// Completed operations so far.
    pub fn ops(&self) -> u64 {
        self.ops.load(Ordering::Relaxed)
    }

    /// Errors so far.
    pub fn errors(&self) -> u64 {
        self.error_count.load(Ordering::Relaxed)
    }

    /// A copy of the histogram `name` (empty if nothing was recorded).
    pub fn hist(&self, name: &str) -> Histogram {
        self.hists.lock().get(name).cloned().unwrap_or_default()
    }

    /// Copies of every histogram, by name.
    pub fn hists(&self) -> BTreeMap<&'static str, Histogram> {
        self.hists.lock().clone()
    }

    /// The errors by kind.
    pub fn error_map(&self) -> BTreeMap<String, u64> {
        self.errors.lock().clone()
    }

    /// Every histogram whose name starts with `prefix`, merged.
    pub fn merged(&self, prefix: &str) -> Histogram {
        let mut out = Histogram::new();
        for (name, h) in self.hists.lock().iter() {
            if name.starts_with(prefix) {
                out.merge(h);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_trip() {
        for v in [
            0u64,
            1,
            127,
            128,
            129,
            255,
            256,
            1000,
            65_535,
            1 << 40,
            u64::MAX,
        ] {
            let i = index(v);
            assert!(i < BUCKETS, "{v}");
            assert!(lower(i) <= v, "{v}: lower {}", lower(i));
            assert!(v - lower(i) < width(i), "{v}: width {}", width(i));
        }
        // Buckets are contiguous and ordered.
        for i in 1..BUCKETS - 1 {
            assert_eq!(lower(i - 1) + width(i - 1), lower(i), "bucket {i}");
        }
    }

    #[test]
    fn small_values_are_exact() {
        let mut h = Histogram::new();
        for v in 1..=100 {
            h.record(v);
        }
        assert_eq!(h.count(), 100);
        assert_eq!(h.quantile(0.5), 50);
        assert_eq!(h.quantile(0.9), 90);
        assert_eq!(h.quantile(0.99), 99);
        assert_eq!(h.quantile(1.0), 100);
        assert_eq!(h.quantile(0.0), 1);
        assert_eq!(h.min(), 1);
        assert_eq!(h.max(), 100);
        assert!((h.mean() - 50.5).abs() < 1e-9);
    }

    #[test]
    fn large_values_are_within_one_percent() {
        let mut h = Histogram::new();
        // 1 us .. 100 ms in 1 us steps, shuffled order does not matter.
        for v in (1..=100_000u64).rev() {
            h.record(v * 1000);
        }
        for (q, exact) in [
            (0.5, 50_000_000u64),
            (0.9, 90_000_000),
            (0.99, 99_000_000),
            (0.999, 99_900_000),
        ] {
            let got = h.quantile(q);
            let err = (got as f64 - exact as f64).abs() / exact as f64;
            assert!(err < 0.008, "q{q}: {got} vs {exact}");
        }
        assert_eq!(h.quantile(1.0), 100_000_000);
        assert_eq!(h.max(), 100_000_000);
    }

    #[test]
    fn skewed_distribution_and_merge() {
        let mut a = Histogram::new();
        let mut b = Histogram::new();
        for _ in 0..990 {
            a.record(1_000_000); // 1 ms
        }
        for _ in 0..10 {
            b.record(50_000_000); // 50 ms tail
        }
        a.merge(&b);
        assert_eq!(a.count(), 1000);
        let p50 = a.quantile(0.5);
        assert!((p50 as f64 - 1e6).abs() / 1e6 < 0.008, "{p50}");
        // Exactly 99 % are 1 ms: p99 is still 1 ms, p99.9 is in the tail.
        assert!(a.quantile(0.99) < 1_010_000);
        assert!(a.quantile(0.991) >= 49_000_000);
        assert_eq!(a.max(), 50_000_000);
    }

    #[test]
    fn empty_is_zero() {
        let h = Histogram::new();
        assert_eq!(h.quantile(0.99), 0);
        assert_eq!(h.min(), 0);
        assert_eq!(h.max(), 0);
        assert_eq!(h.mean(), 0.0);
    }

    #[test]
    fn metrics_collect_errors_by_kind() {
        let m = Metrics::default();
        m.error("originate: HTTP 409");
        m.error("originate: HTTP 409");
        m.error("timeout: StasisStart");
        m.record("rest.originate", Duration::from_micros(300));
        m.record("rest.hangup", Duration::from_micros(100));
        assert_eq!(m.errors(), 3);
        assert_eq!(m.error_map()["originate: HTTP 409"], 2);
        assert_eq!(m.merged("rest.").count(), 2);
        assert_eq!(m.hist("missing").count(), 0);
    }

    #[test]
    fn formats_durations() {
        assert_eq!(fmt_ns(500), "500ns");
        assert_eq!(fmt_ns(850_000), "850us");
        assert_eq!(fmt_ns(1_240_000), "1.24ms");
        assert_eq!(fmt_ns(2_500_000_000), "2.50s");
    }
}
