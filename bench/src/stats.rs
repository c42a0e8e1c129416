//! Interleaved timing and medians: the machine is shared (2 cores, builds
//! running beside the benchmark), so every contender runs in every round,
//! in a rotating order, and the median round is reported.

use std::time::{Duration, Instant};

/// Samples of one contender, one per round.
#[derive(Debug, Default, Clone)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    pub fn median(&self) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        match sorted.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
        }
    }

    pub fn min(&self) -> Duration {
        self.0.iter().min().copied().unwrap_or_default()
    }

    pub fn max(&self) -> Duration {
        self.0.iter().max().copied().unwrap_or_default()
    }

    /// Spread of the samples around the median, as `min..max` in percent.
    pub fn spread(&self) -> String {
        let median = self.median().as_secs_f64();
        if median == 0.0 {
            return String::from("-");
        }
        let pct = |d: Duration| (d.as_secs_f64() / median - 1.0) * 100.0;
        format!("{:+.0}%..{:+.0}%", pct(self.min()), pct(self.max()))
    }
}

/// Runs every contender once per round, rotating which goes first, and
/// returns one [`Samples`] per contender (in the order given).
pub fn interleaved(rounds: usize, contenders: &mut [&mut dyn FnMut() -> Duration]) -> Vec<Samples> {
    let mut samples = vec![Samples::default(); contenders.len()];
    for round in 0..rounds {
        run_round(round, contenders, &mut samples);
    }
    samples
}

/// Round `round` of [`interleaved`]: each contender once, the first one
/// rotating with the round number; `samples[i]` gets contender `i`'s time.
pub fn run_round(
    round: usize,
    contenders: &mut [&mut dyn FnMut() -> Duration],
    samples: &mut [Samples],
) {
    let n = contenders.len();
    for k in 0..n {
        let i = (round + k) % n;
        samples[i].0.push((contenders[i])());
    }
}

/// One round over `len` items in chunks of `chunk`: within each chunk every
/// contender runs once over the chunk's range (the first one rotating), so a
/// burst of load from elsewhere on the machine falls on all contenders alike.
/// Returns each contender's total for the round.
pub fn chunked_round(
    len: usize,
    chunk: usize,
    round: usize,
    contenders: &mut [&mut dyn FnMut(std::ops::Range<usize>) -> Duration],
) -> Vec<Duration> {
    let n = contenders.len();
    let mut totals = vec![Duration::ZERO; n];
    let chunk = chunk.max(1);
    for (c, start) in (0..len).step_by(chunk).enumerate() {
        let range = start..(start + chunk).min(len);
        for k in 0..n {
            let i = (round + c + k) % n;
            totals[i] += (contenders[i])(range.clone());
        }
    }
    totals
}

/// The median of some numbers (`NaN` for none).
pub fn median_f64(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Times `f` by the wall clock.
pub fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// CPU time this thread has used so far: unlike the wall clock, it does not
/// count the time the thread waits while other work (a build beside the
/// benchmark) has the core.
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Times `f` by the CPU time of this thread ([`thread_cpu`]).
pub fn cpu_time(f: impl FnOnce()) -> Duration {
    let start = thread_cpu();
    f();
    thread_cpu().saturating_sub(start)
}

/// `12,345,678`.
pub fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration in the unit that reads best.
pub fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// Bytes as MiB.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// A number from the environment, or `default`.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_formatting() {
        let s = Samples(
            vec![3, 1, 2]
                .into_iter()
                .map(Duration::from_millis)
                .collect(),
        );
        assert_eq!(s.median(), Duration::from_millis(2));
        assert_eq!(s.spread(), "-50%..+50%");
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(12.0), "12");
        let mut order = Vec::new();
        let mut a = || {
            order.push('a');
            Duration::ZERO
        };
        let out = interleaved(2, &mut [&mut a]);
        assert_eq!(out[0].0.len(), 2);
        let mut seen = Vec::new();
        let mut b = |r: std::ops::Range<usize>| {
            seen.push(r);
            Duration::from_millis(1)
        };
        let totals = chunked_round(5, 2, 0, &mut [&mut b]);
        assert_eq!(totals, vec![Duration::from_millis(3)]);
        assert_eq!(seen, vec![0..2, 2..4, 4..5]);
        assert_eq!(median_f64(&[3.0, 1.0, f64::NAN, 2.0]), 2.0);
    }
}
