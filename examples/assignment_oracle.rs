//! Writes random assignment instances, solved by the engine, as JSON for the exact oracle
//! `scripts/assignment_oracle.py` (scipy's `linear_sum_assignment`).
//!
//! `cargo run --release --example assignment_oracle -- --instances 200 --seed 42 --out DIR`
//!
//! Half the instances are abstract score matrices (sizes 1–80 × 1–40, capacities 1–3,
//! 5–70 % feasible pairs); the other half come from synthetic requests and offers through
//! the real hard constraints, scores and index.

use std::fs;
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Parser;
use hulpmarkt::engine::assign::build_problem;
use hulpmarkt::engine::synth::{Place, Synth};
use hulpmarkt::engine::{solve, AssignmentProblem, Edge, GeoPoint, MatchContext, OfferIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

#[derive(Parser)]
struct Args {
    /// Number of instances to write.
    #[arg(long, default_value_t = 200)]
    instances: usize,
    /// Seed of the instance generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Output directory (created if missing).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Serialize)]
struct Instance {
    kind: &'static str,
    requests: usize,
    capacities: Vec<u32>,
    /// `scores[request][offer]`, `null` for a forbidden pair.
    scores: Vec<Vec<Option<f64>>>,
    assignment: Vec<Option<u32>>,
    matched: usize,
    total_score: f64,
}

fn abstract_instance(rng: &mut StdRng) -> AssignmentProblem {
    let requests = rng.gen_range(1..=80);
    let offers = rng.gen_range(1..=40);
    let density = rng.gen_range(0.05..0.7);
    let capacities = (0..offers).map(|_| rng.gen_range(1..=3)).collect();
    let mut edges = Vec::new();
    for r in 0..requests {
        for o in 0..offers {
            if rng.gen_bool(density) {
                let score = rng.gen_range(0.0..1.0);
                edges.push(Edge {
                    request: r as u32,
                    offer: o as u32,
                    score,
                });
            }
        }
    }
    AssignmentProblem {
        requests,
        capacities,
        edges,
    }
}

fn synthetic_instance(rng: &mut StdRng) -> AssignmentProblem {
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    // A 30 × 30 km area, so that radii overlap and offers compete.
    let places = (0..20)
        .map(|i| Place {
            location: GeoPoint {
                lat: 52.0 + rng.gen_range(-0.13..0.13),
                lon: 5.1 + rng.gen_range(-0.22..0.22),
            },
            municipality: i % 4,
        })
        .collect();
    let mut synth = Synth::new(rng.gen(), places, today);
    synth.with_load = rng.gen_bool(0.5);
    let offers = (0..rng.gen_range(1..=40u64))
        .map(|i| synth.offer(i))
        .collect();
    let requests: Vec<_> = (0..rng.gen_range(1..=80u64))
        .map(|i| synth.request(i))
        .collect();
    let index = OfferIndex::new(offers);
    build_problem(&requests, &index, &MatchContext::new(today)).0
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let mut rng = StdRng::seed_from_u64(args.seed);
    for i in 0..args.instances {
        let (kind, problem) = if i % 2 == 0 {
            ("abstract", abstract_instance(&mut rng))
        } else {
            ("synthetic", synthetic_instance(&mut rng))
        };
        let solution = solve(&problem);
        let mut scores = vec![vec![None; problem.capacities.len()]; problem.requests];
        for e in &problem.edges {
            scores[e.request as usize][e.offer as usize] = Some(e.score);
        }
        let instance = Instance {
            kind,
            requests: problem.requests,
            capacities: problem.capacities,
            scores,
            assignment: solution.offer_of,
            matched: solution.matched,
            total_score: solution.total_score,
        };
        let path = args.out.join(format!("instance_{i:04}.json"));
        fs::write(&path, serde_json::to_vec(&instance)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "wrote {} instances to {}",
        args.instances,
        args.out.display()
    );
    Ok(())
}
