//! Replays a random stream of help requests and volunteer offers over simulated time and
//! compares the number matched in incremental mode with the offline optimum.
//!
//! `cargo run --release --example simulate_matching -- --seed 1`
//!
//! Incremental mode is the design in `src/matching/mod.rs`: a new request is proposed to
//! its best candidate at once; a new offer is proposed to the open requests it can serve
//! (most urgent, longest waiting first); every `--batch-hours` a global batch re-assigns all
//! open and proposed-but-not-yet-accepted requests jointly. Two ways of choosing among the
//! candidates are compared: the best score, and the engine's demand policy
//! ([`hulpmarkt::engine::demand`]): prefer the volunteer whom fewer requests of the last
//! 14 days could also have used per free place, counted once a day from the requests that
//! have arrived so far and for each new offer at its arrival. A volunteer answers a proposal
//! after 2–48 hours; from then on the match is fixed. A request that is still open (no
//! proposal) `--grace-hours` after it arrived (12 h for urgency high) escalates to the
//! municipality and leaves the marketplace (docs/ARCHITECTURE.md §6); `--grace-hours 0` never escalates.
//!
//! The offline optimum is the best any policy could do knowing the whole stream in advance,
//! under the same rules: a request can only go to an offer that has arrived by the request's
//! escalation deadline (with `--grace-hours 0`, to any offer). Capacity is not reused within
//! the simulated period on either side: a volunteer takes `capacity` requests in all (no
//! completions are modelled), so the comparison is like for like.

use std::collections::HashMap;

use chrono::NaiveDate;
use clap::Parser;
use hulpmarkt::engine::assign::{
    assign_requests, assign_requests_by_demand, build_problem, propose, propose_by_demand,
    requests_for_offer,
};
use hulpmarkt::engine::synth::{parse_pc4_csv, Synth};
use hulpmarkt::engine::{check, solve, Demand, DEMAND_WINDOW_DAYS};
use hulpmarkt::engine::{MatchContext, OfferIndex, OfferProfile, RequestProfile};
use rand::Rng;

const PC4_CSV: &str = include_str!("../data/nl/postcodes_pc4.csv");

#[derive(Parser)]
struct Args {
    /// Seed of the random stream.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of help requests arriving.
    #[arg(long, default_value_t = 3000)]
    requests: usize,
    /// Number of volunteer offers arriving.
    #[arg(long, default_value_t = 1000)]
    offers: usize,
    /// Simulated days over which requests and offers arrive.
    #[arg(long, default_value_t = 60)]
    days: u32,
    /// Longest time in hours a volunteer takes to answer a proposal (the proposal expiry).
    #[arg(long, default_value_t = 48)]
    answer_hours: u32,
    /// Hours between global batches.
    #[arg(long, default_value_t = 6)]
    batch_hours: u32,
    /// Hours an open request waits before it escalates (12 h for urgency high); 0: never.
    #[arg(long, default_value_t = 48)]
    grace_hours: u32,
    /// Hours between counts of recent demand (the service's HULPMARKT_DEMAND_RECOUNT_MINUTES,
    /// 60 by default); a new offer counts as needed by nobody until the next count.
    #[arg(long, default_value_t = 1)]
    demand_recount_hours: u32,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    NotArrived,
    Open,
    Proposed { offer: u64, answer_at: u32 },
    Accepted { offer: u64 },
    Escalated,
}

/// How incremental mode and the batch choose among the candidates.
#[derive(Clone, Copy, PartialEq)]
enum Policy {
    /// The best score ([`propose`], [`assign_requests`]).
    Score,
    /// Spare volunteers first ([`propose_by_demand`], [`assign_requests_by_demand`]).
    Demand,
}

/// What a run matched: the number of requests and the mean distance of the local pairs.
struct Outcome {
    matched: usize,
    mean_km: f64,
}

struct World {
    offers: Vec<(u32, OfferProfile)>,
    requests: Vec<(u32, RequestProfile)>,
    /// The requests' profiles, in the same order (arrival order).
    profiles: Vec<RequestProfile>,
    delays: Vec<u32>,
    /// Per request: the hour it escalates if still open (`u32::MAX`: never).
    deadlines: Vec<u32>,
    ctx: MatchContext,
    recount_hours: u32,
}

/// The hour at which a request arriving at `t` escalates when still open.
fn deadline(t: u32, r: &RequestProfile, grace_hours: u32) -> u32 {
    match (grace_hours, r.urgency) {
        (0, _) => u32::MAX,
        (g, 2) => t + g.min(12),
        (g, _) => t + g,
    }
}

fn world(args: &Args) -> World {
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    // The province of Utrecht and surroundings: one region with a shared volunteer pool.
    let places = parse_pc4_csv(PC4_CSV)
        .into_iter()
        .filter(|p| (51.9..52.3).contains(&p.location.lat) && (4.8..5.6).contains(&p.location.lon))
        .collect();
    let mut synth = Synth::new(args.seed, places, today);
    synth.with_load = false;
    let hours = args.days * 24;
    let offers: Vec<OfferProfile> = (0..args.offers as u64).map(|i| synth.offer(i)).collect();
    let requests: Vec<RequestProfile> = (0..args.requests as u64)
        .map(|i| synth.request(i))
        .collect();
    let rng = synth.rng();
    let mut offers: Vec<(u32, OfferProfile)> = offers
        .into_iter()
        .map(|o| (rng.gen_range(0..hours * 4 / 5), o))
        .collect();
    let mut requests: Vec<(u32, RequestProfile)> = requests
        .into_iter()
        .map(|mut r| {
            let t = rng.gen_range(0..hours);
            r.waiting_since = i64::from(t) * 3600;
            (t, r)
        })
        .collect();
    offers.sort_by_key(|o| (o.0, o.1.id));
    requests.sort_by_key(|r| (r.0, r.1.id));
    let delays = (0..args.requests)
        .map(|_| rng.gen_range(2..=args.answer_hours.max(2)))
        .collect();
    let deadlines = requests
        .iter()
        .map(|(t, r)| deadline(*t, r, args.grace_hours))
        .collect();
    World {
        offers,
        profiles: requests.iter().map(|r| r.1.clone()).collect(),
        requests,
        delays,
        deadlines,
        ctx: MatchContext::new(today),
        recount_hours: args.demand_recount_hours.max(1),
    }
}

/// The requests that arrived in the demand window before `hour` (the last 14 days).
fn recent(w: &World, hour: u32) -> &[RequestProfile] {
    let from = hour.saturating_sub(DEMAND_WINDOW_DAYS * 24);
    let lo = w.requests.partition_point(|r| r.0 < from);
    let hi = w.requests.partition_point(|r| r.0 < hour);
    &w.profiles[lo..hi]
}

/// Runs incremental mode; `batch_hours = 0` means greedy at arrival only.
fn simulate(w: &World, batch_hours: u32, policy: Policy) -> Outcome {
    let n = w.requests.len();
    let mut state = vec![State::NotArrived; n];
    let pos: HashMap<u64, usize> = w
        .requests
        .iter()
        .enumerate()
        .map(|(i, r)| (r.1.id, i))
        .collect();
    let mut accepted: HashMap<u64, u32> = HashMap::new();
    let mut index = OfferIndex::new(Vec::new());
    let mut demand = Demand::default();
    let (mut next_offer, mut next_request) = (0, 0);
    let end =
        w.requests.last().map_or(0, |r| r.0) + w.delays.iter().max().copied().unwrap_or(0) + 1;
    for hour in 0..=end {
        // Volunteers answer (always yes here): the match is fixed.
        for s in state.iter_mut() {
            if let State::Proposed { offer, answer_at } = *s {
                if answer_at <= hour {
                    *s = State::Accepted { offer };
                    *accepted.entry(offer).or_default() += 1;
                }
            }
        }
        // The sweeper: open requests past their deadline escalate.
        for (i, s) in state.iter_mut().enumerate() {
            if *s == State::Open && w.deadlines[i] < hour {
                *s = State::Escalated;
            }
        }
        // What the service does (`services::live_offers`, hourly by default): count the
        // demand of the last 14 days. A new offer counts as needed by nobody until then.
        if policy == Policy::Demand && hour % w.recount_hours == 0 {
            demand = Demand::from_recent(recent(w, hour), index.offers(), &w.ctx);
        }
        while next_offer < w.offers.len() && w.offers[next_offer].0 <= hour {
            let offer = w.offers[next_offer].1.clone();
            next_offer += 1;
            let open: Vec<RequestProfile> = (0..n)
                .filter(|&i| state[i] == State::Open)
                .map(|i| w.requests[i].1.clone())
                .collect();
            for (k, _) in requests_for_offer(&offer, &open, &w.ctx) {
                let i = pos[&open[k].id];
                state[i] = State::Proposed {
                    offer: offer.id,
                    answer_at: hour + w.delays[i],
                };
            }
            let mut offer = offer;
            offer.load = state
                .iter()
                .filter(|s| matches!(s, State::Proposed { offer: o, .. } if *o == offer.id))
                .count() as u32;
            index.upsert(offer);
        }
        while next_request < n && w.requests[next_request].0 <= hour {
            let i = next_request;
            next_request += 1;
            let request = &w.requests[i].1;
            let chosen = match policy {
                Policy::Score => propose(request, &mut index, &w.ctx),
                Policy::Demand => propose_by_demand(request, &mut index, &w.ctx, &demand),
            };
            state[i] = match chosen {
                Some(c) => State::Proposed {
                    offer: c.offer_id,
                    answer_at: hour + w.delays[i],
                },
                None => State::Open,
            };
        }
        if batch_hours > 0 && hour % batch_hours == 0 {
            let by_demand = (policy == Policy::Demand).then_some(&demand);
            batch(w, hour, &mut state, &accepted, &mut index, by_demand);
        }
    }
    outcome(w, &state, &index)
}

/// Counts the matched requests and measures the distance of the local pairs.
fn outcome(w: &World, state: &[State], index: &OfferIndex) -> Outcome {
    let (mut matched, mut local, mut km) = (0, 0, 0.0);
    for (s, r) in state.iter().zip(&w.profiles) {
        let (State::Proposed { offer, .. } | State::Accepted { offer }) = *s else {
            continue;
        };
        matched += 1;
        let mut o = index.get(offer).cloned();
        if let Some(fit) = o.as_mut().and_then(|o| {
            o.load = 0;
            check(r, o, &w.ctx).ok()
        }) {
            if !fit.remote {
                local += 1;
                km += fit.distance_km;
            }
        }
    }
    Outcome {
        matched,
        mean_km: km / f64::from(local.max(1)),
    }
}

/// The periodic global batch over open and proposed-not-accepted requests.
fn batch(
    w: &World,
    hour: u32,
    state: &mut [State],
    accepted: &HashMap<u64, u32>,
    index: &mut OfferIndex,
    demand: Option<&Demand>,
) {
    let ids: Vec<u64> = index.offers().iter().map(|o| o.id).collect();
    for id in &ids {
        index.set_load(*id, accepted.get(id).copied().unwrap_or(0));
    }
    let movable: Vec<usize> = (0..state.len())
        .filter(|&i| matches!(state[i], State::Open | State::Proposed { .. }))
        .collect();
    let reqs: Vec<RequestProfile> = movable.iter().map(|&i| w.requests[i].1.clone()).collect();
    let result = match demand {
        Some(d) => assign_requests_by_demand(&reqs, index, &w.ctx, d),
        None => assign_requests(&reqs, index, &w.ctx),
    };
    let placed: HashMap<u64, u64> = result
        .placements
        .iter()
        .map(|p| (p.request_id, p.offer_id))
        .collect();
    let mut load: HashMap<u64, u32> = accepted.clone();
    for &i in &movable {
        let new = placed.get(&w.requests[i].1.id).copied();
        state[i] = match (state[i], new) {
            // Same volunteer: the proposal (and its clock) stands.
            (State::Proposed { offer, answer_at }, Some(o)) if o == offer => {
                State::Proposed { offer, answer_at }
            }
            (_, Some(o)) => State::Proposed {
                offer: o,
                answer_at: hour + w.delays[i],
            },
            (_, None) => State::Open,
        };
        if let Some(o) = new {
            *load.entry(o).or_default() += 1;
        }
    }
    for id in ids {
        index.set_load(id, load.get(&id).copied().unwrap_or(0));
    }
}

/// The most requests any policy could match knowing the future: each request only with
/// offers that arrive by its escalation deadline; capacities as in the online run.
fn offline_optimum(w: &World, offers: Vec<OfferProfile>, requests: &[RequestProfile]) -> usize {
    let arrival: HashMap<u64, u32> = w.offers.iter().map(|(t, o)| (o.id, *t)).collect();
    let index = OfferIndex::new(offers);
    let (mut problem, _) = build_problem(requests, &index, &w.ctx);
    problem.edges.retain(|e| {
        let offer = &index.offers()[e.offer as usize];
        arrival[&offer.id] <= w.deadlines[e.request as usize]
    });
    solve(&problem).matched
}

fn main() {
    let args = Args::parse();
    let w = world(&args);
    let all_offers: Vec<OfferProfile> = w.offers.iter().map(|o| o.1.clone()).collect();
    let offline = offline_optimum(&w, all_offers, &w.profiles);
    let greedy = simulate(&w, 0, Policy::Score);
    let by_score = simulate(&w, args.batch_hours, Policy::Score);
    let by_demand = simulate(&w, args.batch_hours, Policy::Demand);
    let pct = |x: usize| 100.0 * x as f64 / offline.max(1) as f64;
    println!(
        "{} requests, {} offers over {} days, answers within 2-{} h, grace {} h (seed {})",
        args.requests, args.offers, args.days, args.answer_hours, args.grace_hours, args.seed
    );
    println!("offline optimum:                         {offline} matched");
    for (name, o) in [
        ("greedy at arrival only (best score):    ", &greedy),
        ("incremental + batch, best score:        ", &by_score),
        ("incremental + batch, spare first:       ", &by_demand),
    ] {
        println!(
            "{name} {} matched ({:.2} % of optimum), local pairs {:.2} km apart on average",
            o.matched,
            pct(o.matched),
            o.mean_km
        );
    }
    println!(
        "match rate ratio (incremental, spare first, batch every {} h): {:.4}",
        args.batch_hours,
        by_demand.matched as f64 / offline.max(1) as f64
    );
}
