//! Matching benchmarks on synthetic offers placed on the real PC4 coordinates:
//! (a) ranking one request among 100,000 offers, with the index and by brute force;
//! (b) ranking by demand priority (issue 5) among 1,000,000 offers, best first with bounds
//!     and by scoring every feasible candidate (what the live search did before);
//! (c) a global assignment of 5,000 requests against 20,000 offers.
//!
//! Run with `cargo bench --bench matching`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use hulpmarkt::engine::assign::{assign_requests, build_problem};
use hulpmarkt::engine::synth::{parse_pc4_csv, Synth};
use hulpmarkt::engine::{
    best_offer_ids, rank, rank_brute_force, score, solve, Demand, MatchContext, OfferIndex,
    OfferProfile, Preference, RequestProfile,
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

/// Median and mean time per request (each request timed on its own).
fn per_request(
    requests: &[RequestProfile],
    mut f: impl FnMut(&RequestProfile),
) -> (Duration, Duration) {
    let mut times: Vec<Duration> = requests
        .iter()
        .map(|r| {
            let start = Instant::now();
            f(r);
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    let mean = times.iter().sum::<Duration>() / times.len().max(1) as u32;
    (times[times.len() / 2], mean)
}

fn bench_rank(c: &mut Criterion) {
    let (offers, requests, ctx) = world(7, 100_000, 1024);
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
    let (med_index, mean_index) = per_request(&requests, |r| {
        black_box(rank(r, &index, &ctx, 10));
    });
    let (med_brute, mean_brute) = per_request(&requests, |r| {
        black_box(rank_brute_force(r, &offers, &ctx, 10));
    });
    println!(
        "rank among 100,000 offers, per request over {} requests ({:.1} feasible candidates each):\n  \
         median {:?} with index vs {:?} brute force ({:.0}x); mean {:?} vs {:?} ({:.0}x)",
        requests.len(),
        cands as f64 / requests.len() as f64,
        med_index,
        med_brute,
        med_brute.as_secs_f64() / med_index.as_secs_f64(),
        mean_index,
        mean_brute,
        mean_brute.as_secs_f64() / mean_index.as_secs_f64(),
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

/// The best `limit` offer ids by demand priority from every feasible candidate, each
/// scored: the live search before the bounded one, kept here as the comparison.
fn every_candidate_by_demand(
    request: &RequestProfile,
    index: &OfferIndex,
    ctx: &MatchContext,
    demand: &Demand,
    limit: usize,
) -> Vec<u64> {
    let offers = index.offers();
    let mut scored: Vec<(f64, f64, f64, u64)> = index
        .candidates(request, ctx)
        .into_iter()
        .map(|c| {
            let offer = &offers[c.slot];
            let total = score(request, offer, &c.fit).total;
            let priority = demand.priority(total, offer);
            (priority, total, c.fit.distance_km, offer.id)
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(a.2.total_cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    scored.into_iter().take(limit).map(|s| s.3).collect()
}

fn bench_rank_by_demand(c: &mut Criterion) {
    let (offers, requests, ctx) = world(13, 1_000_000, 1024);
    let (_, recent, _) = world(17, 0, 2_000);
    let demand = Demand::from_recent(&recent, &offers, &ctx);
    let index = OfferIndex::new(offers);
    drop(recent);
    let pref = Preference::Demand(&demand);
    for r in requests.iter().take(64) {
        assert_eq!(
            best_offer_ids(r, &index, &ctx, pref, 10),
            every_candidate_by_demand(r, &index, &ctx, &demand, 10)
        );
    }
    let (med_bounded, mean_bounded) = per_request(&requests, |r| {
        black_box(best_offer_ids(r, &index, &ctx, pref, 10));
    });
    let (med_every, mean_every) = per_request(&requests, |r| {
        black_box(every_candidate_by_demand(r, &index, &ctx, &demand, 10));
    });
    println!(
        "rank by demand among 1,000,000 offers, per request over {} requests:\n  \
         median {:?} best first with bounds vs {:?} scoring every candidate; mean {:?} vs {:?}",
        requests.len(),
        med_bounded,
        med_every,
        mean_bounded,
        mean_every,
    );
    let mut group = c.benchmark_group("rank_by_demand_1m_offers");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(4));
    let mut i = 0;
    group.bench_function("bounded", |b| {
        b.iter(|| {
            i = (i + 1) % requests.len();
            black_box(best_offer_ids(&requests[i], &index, &ctx, pref, 10))
        })
    });
    let mut j = 0;
    group.bench_function("every_candidate", |b| {
        b.iter(|| {
            j = (j + 1) % requests.len();
            black_box(every_candidate_by_demand(
                &requests[j],
                &index,
                &ctx,
                &demand,
                10,
            ))
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

criterion_group!(benches, bench_rank, bench_rank_by_demand, bench_assign);
criterion_main!(benches);
