use super::*;
use proptest::prelude::*;

fn edge(request: u32, offer: u32, score: f64) -> Edge {
    Edge {
        request,
        offer,
        score,
    }
}

/// Exhaustive search: the best (matched, integer score) over all assignments.
fn exhaustive(p: &AssignmentProblem) -> (usize, i64) {
    fn go(r: usize, p: &AssignmentProblem, left: &mut Vec<u32>, acc: (usize, i64)) -> (usize, i64) {
        if r == p.requests {
            return acc;
        }
        let mut best = go(r + 1, p, left, acc);
        for e in p.edges.iter().filter(|e| e.request as usize == r) {
            let o = e.offer as usize;
            if left[o] > 0 {
                left[o] -= 1;
                let s = (e.score.clamp(0.0, 1.0) * SCALE as f64).round() as i64;
                best = best.max(go(r + 1, p, left, (acc.0 + 1, acc.1 + s)));
                left[o] += 1;
            }
        }
        best
    }
    go(0, p, &mut p.capacities.clone(), (0, 0))
}

fn integer_total(p: &AssignmentProblem, a: &Assignment) -> i64 {
    a.offer_of
        .iter()
        .enumerate()
        .filter_map(|(r, o)| {
            let o = (*o)?;
            p.edges
                .iter()
                .find(|e| e.request as usize == r && e.offer == o)
                .map(|e| (e.score.clamp(0.0, 1.0) * SCALE as f64).round() as i64)
        })
        .sum()
}

fn assert_valid(p: &AssignmentProblem, a: &Assignment) {
    let mut used = vec![0u32; p.capacities.len()];
    for (r, o) in a.offer_of.iter().enumerate() {
        if let Some(o) = *o {
            assert!(
                p.edges
                    .iter()
                    .any(|e| e.request as usize == r && e.offer == o),
                "forbidden pair"
            );
            used[o as usize] += 1;
        }
    }
    for (u, c) in used.iter().zip(&p.capacities) {
        assert!(u <= c, "capacity exceeded");
    }
    assert_eq!(a.matched, a.offer_of.iter().flatten().count());
}

#[test]
fn count_comes_before_score() {
    // Request 0 prefers offer 0 (0.9) but only request 0 can use offer 1: greedy by score
    // would leave request 1 without help.
    let p = AssignmentProblem {
        requests: 2,
        capacities: vec![1, 1],
        edges: vec![edge(0, 0, 0.9), edge(0, 1, 0.1), edge(1, 0, 0.2)],
    };
    let a = solve(&p);
    assert_eq!(a.offer_of, vec![Some(1), Some(0)]);
    assert_eq!(a.matched, 2);
    assert!((a.total_score - 0.3).abs() < 1e-9);
}

#[test]
fn capacity_is_shared_and_scores_decide_among_equal_counts() {
    let p = AssignmentProblem {
        requests: 3,
        capacities: vec![2, 1],
        edges: vec![
            edge(0, 0, 0.5),
            edge(1, 0, 0.6),
            edge(2, 0, 0.7),
            edge(2, 1, 0.1),
            edge(0, 1, 0.8),
        ],
    };
    let a = solve(&p);
    assert_valid(&p, &a);
    assert_eq!(a.matched, 3);
    assert_eq!(integer_total(&p, &a), exhaustive(&p).1);
}

#[test]
fn empty_and_degenerate_problems() {
    assert_eq!(solve(&AssignmentProblem::default()).matched, 0);
    let p = AssignmentProblem {
        requests: 2,
        capacities: vec![0, 1],
        edges: vec![edge(0, 0, 1.0), edge(1, 5, 1.0), edge(7, 1, 1.0)],
    };
    let a = solve(&p);
    assert_eq!(a.offer_of, vec![None, None]);
}

fn small_problem() -> impl Strategy<Value = AssignmentProblem> {
    (1usize..7, 1usize..5).prop_flat_map(|(n, m)| {
        (
            proptest::collection::vec(0u32..3, m),
            proptest::collection::vec(proptest::option::weighted(0.45, 0.0f64..1.0), n * m),
        )
            .prop_map(move |(capacities, cells)| AssignmentProblem {
                requests: n,
                capacities,
                edges: cells
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| s.map(|s| edge((i / m) as u32, (i % m) as u32, s)))
                    .collect(),
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn solve_is_optimal_on_small_problems(p in small_problem()) {
        let a = solve(&p);
        assert_valid(&p, &a);
        let (count, total) = exhaustive(&p);
        prop_assert_eq!(a.matched, count);
        prop_assert_eq!(integer_total(&p, &a), total);
    }
}
