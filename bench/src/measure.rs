//! Three paths timed over groups of items, and tables of rows that are unions
//! of groups.
//!
//! Each round runs every group, and within a group the paths take turns
//! every `chunk` items ([`chunked_round`]), so load from elsewhere falls on
//! all three alike. A row's time in a round is the sum of its groups'; its
//! rates come from the median round, its ratios are the median of the
//! rounds' ratios.

use crate::stats::{chunked_round, median_f64, thousands, Samples};
use std::time::Duration;

/// One path: the CPU time it takes over some items.
pub type Path<'a, T> = &'a dyn Fn(&[T]) -> Duration;

/// Each group's per-round time of each path: `[group][round][path]`.
pub type Timings = Vec<Vec<[Duration; 3]>>;

/// Times `paths` over every group in each of `rounds` rounds, after one
/// pass that is not counted (caches, lazily built state).
pub fn time_groups<T>(
    groups: &[&[T]],
    rounds: usize,
    chunk: usize,
    paths: [Path<'_, T>; 3],
) -> Timings {
    let mut out: Timings = vec![Vec::with_capacity(rounds); groups.len()];
    for round in 0..=rounds {
        for (g, items) in groups.iter().enumerate() {
            let [a, b, c] = paths;
            let totals = chunked_round(
                items.len(),
                chunk,
                round,
                &mut [&mut |r| a(&items[r]), &mut |r| b(&items[r]), &mut |r| {
                    c(&items[r])
                }],
            );
            if round > 0 {
                out[g].push([totals[0], totals[1], totals[2]]);
            }
        }
    }
    out
}

/// A row of a table: a name and the groups it sums.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub groups: Vec<usize>,
}

/// What a row measured.
#[derive(Debug, Clone)]
pub struct Figures {
    pub items: usize,
    pub rates: [f64; 3],
    pub ab: f64,
    pub ac: f64,
    pub spreads: [String; 3],
}

/// The figures of `row`, whose groups hold `sizes[g]` items.
pub fn figures(row: &Row, sizes: &[usize], timings: &Timings) -> Figures {
    let rounds = row
        .groups
        .iter()
        .map(|g| timings[*g].len())
        .min()
        .unwrap_or(0);
    let mut samples: [Samples; 3] = Default::default();
    let (mut ab, mut ac) = (Vec::new(), Vec::new());
    let sums = (0..rounds).map(|round| {
        row.groups.iter().fold([Duration::ZERO; 3], |mut sum, g| {
            for (total, t) in sum.iter_mut().zip(timings[*g][round]) {
                *total += t;
            }
            sum
        })
    });
    for sum in sums {
        for (path, total) in sum.iter().enumerate() {
            samples[path].0.push(*total);
        }
        let secs = |d: Duration| d.as_secs_f64();
        ab.push(secs(sum[1]) / secs(sum[0]));
        ac.push(secs(sum[2]) / secs(sum[0]));
    }
    let items: usize = row.groups.iter().map(|g| sizes[*g]).sum();
    let rate = |s: &Samples| items as f64 / s.median().as_secs_f64();
    Figures {
        items,
        rates: [rate(&samples[0]), rate(&samples[1]), rate(&samples[2])],
        ab: median_f64(&ab),
        ac: median_f64(&ac),
        spreads: [
            samples[0].spread(),
            samples[1].spread(),
            samples[2].spread(),
        ],
    }
}

/// Prints a table of `rows` (name, items, rates, ratios, spreads).
pub fn print_table(rows: &[(String, Figures)]) {
    println!(
        "{:<30} {:>8} {:>13} {:>13} {:>13} {:>6} {:>6}   spread of (a) (b) (c)",
        "", "items", "(a) msgs/s", "(b) msgs/s", "(c) msgs/s", "a/b", "a/c"
    );
    for (name, f) in rows {
        println!(
            "{name:<30} {:>8} {:>13} {:>13} {:>13} {:>6.2} {:>6.2}   {} {} {}",
            thousands(f.items as f64),
            thousands(f.rates[0]),
            thousands(f.rates[1]),
            thousands(f.rates[2]),
            f.ab,
            f.ac,
            f.spreads[0],
            f.spreads[1],
            f.spreads[2]
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_sum_their_groups() {
        let ms = Duration::from_millis;
        let timings: Timings = vec![
            vec![[ms(1), ms(2), ms(4)], [ms(1), ms(2), ms(4)]],
            vec![[ms(3), ms(2), ms(4)], [ms(3), ms(2), ms(4)]],
        ];
        let row = Row {
            name: "both".into(),
            groups: vec![0, 1],
        };
        let f = figures(&row, &[10, 30], &timings);
        assert_eq!(f.items, 40);
        assert_eq!(f.ab, 1.0);
        assert_eq!(f.ac, 2.0);
        assert_eq!(f.rates[0], 10_000.0);
        let items = [1, 2, 3];
        let groups: [&[i32]; 1] = [&items];
        let count = |s: &[i32]| Duration::from_nanos(s.len() as u64);
        let t = time_groups(&groups, 2, 2, [&count, &count, &count]);
        assert_eq!(t[0], vec![[Duration::from_nanos(3); 3]; 2]);
    }
}
