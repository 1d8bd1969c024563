//! Matching benchmarks on synthetic offers placed on the real PC4 coordinates:
//! (a) ranking one request among 100,000 offers, with the index and by brute force;
//! (b) a global assignment of 5,000 requests against 20,000 offers.
//!
//! Run with `cargo bench --bench matching`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use hulpmarkt::matching::assign::{assign_requests, build_problem};
use hulpmarkt::matching::synth::{parse_pc4_csv, Synth};
use hulpmarkt::matching::{
    rank, rank_brute_force, solve, MatchContext, OfferIndex, OfferProfile, RequestProfile,
};

const PC4_CSV: &str = include_str!("../data/nl/postcodes_pc4.csv");

fn world(
    seed: u64,
    offers: usize,
    requests: usize,
) -> (Vec<OfferProfile>, Vec<RequestProfile>, MatchContext) {
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let mut synth = Synth::new(seed, parse_pc4_csv(PC4_CSV), today);
    let os = (0..offers as u64).map(|i| synth.offer(i)).collect();
    let rs = (0..requests as u64).map(|i| synth.request(i)).collect();
    (os, rs, MatchContext::new(today))
}

fn mean_time(requests: &[RequestProfile], mut f: impl FnMut(&RequestProfile)) -> Duration {
    let start = Instant::now();
    for r in requests {
        f(r);
    }
    start.elapsed() / requests.len() as u32
}

fn bench_rank(c: &mut Criterion) {
    let (offers, requests, ctx) = world(7, 100_000, 256);
    let index = OfferIndex::new(offers.clone());
    // Same results, and a quick same-run ratio, before Criterion's own measurements.
    for r in requests.iter().take(32) {
        assert_eq!(
            rank(r, &index, &ctx, 10),
            rank_brute_force(r, &offers, &ctx, 10)
        );
    }
    let cands: usize = requests
        .iter()
        .map(|r| index.candidates(r, &ctx).len())
        .sum();
    let t_index = mean_time(&requests, |r| {
        black_box(rank(r, &index, &ctx, 10));
    });
    let t_brute = mean_time(&requests, |r| {
        black_box(rank_brute_force(r, &offers, &ctx, 10));
    });
    println!(
        "rank among 100,000 offers: mean {:?} with index, {:?} brute force, {:.0}x; {:.1} feasible candidates per request",
        t_index,
        t_brute,
        t_brute.as_secs_f64() / t_index.as_secs_f64(),
        cands as f64 / requests.len() as f64
    );

    let mut group = c.benchmark_group("rank_100k_offers");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(4));
    let mut i = 0;
    group.bench_function("index", |b| {
        b.iter(|| {
            i = (i + 1) % requests.len();
            black_box(rank(&requests[i], &index, &ctx, 10))
        })
    });
    let mut j = 0;
    group.bench_function("brute_force", |b| {
        b.iter(|| {
            j = (j + 1) % requests.len();
            black_box(rank_brute_force(&requests[j], &offers, &ctx, 10))
        })
    });
    group.finish();
}

fn bench_assign(c: &mut Criterion) {
    let (offers, requests, ctx) = world(11, 20_000, 5_000);
    let index = OfferIndex::new(offers);
    let (problem, _) = build_problem(&requests, &index, &ctx);
    let result = assign_requests(&requests, &index, &ctx);
    println!(
        "assign 5,000 requests x 20,000 offers: {} candidate pairs, {} matched, total score {:.1}",
        problem.edges.len(),
        result.placements.len(),
        result.total_score
    );
    let mut group = c.benchmark_group("assign_5k_requests_20k_offers");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("end_to_end", |b| {
        b.iter(|| black_box(assign_requests(&requests, &index, &ctx)))
    });
    group.bench_function("solve_only", |b| b.iter(|| black_box(solve(&problem))));
    group.finish();
}

criterion_group!(benches, bench_rank, bench_assign);
criterion_main!(benches);
