//! An exact solver for the capacitated assignment: assign as many requests as possible and,
//! among those assignments, maximise the total score.
//!
//! It is a min-cost flow on source → request → offer → sink, plus an "unassigned" node `D`
//! with unlimited capacity, solved by successive shortest paths: requests are added one at a
//! time and each is routed along a shortest augmenting path (Dijkstra on reduced costs with
//! node potentials, stopped as soon as the sink is settled). Costs are integers:
//! a request–offer edge costs `SCALE - round(score * SCALE)` and the edge to `D` costs
//! `BIG + SCALE` with `BIG` larger than any total score difference, so one more assigned
//! request always beats any gain in score. Because searches stop early and the graph is
//! sparse, most augmentations touch only a neighbourhood, which is what makes 5,000 × 20,000
//! with index-generated candidates fast. The `pathfinding` crate was considered: its
//! `kuhn_munkres` needs a dense matrix with capacities expanded (5,000 × ~40,000 cells) and its
//! Edmonds–Karp has no costs, so neither fits.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Score resolution of the integer costs (scores are rounded to 1e-6).
pub const SCALE: i64 = 1_000_000;

/// A feasible request–offer pair with its score in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// The request's position (0..requests).
    pub request: u32,
    /// The offer's position (0..capacities.len()).
    pub offer: u32,
    /// The pair's score.
    pub score: f64,
}

/// A capacitated assignment problem over positions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssignmentProblem {
    /// The number of requests.
    pub requests: usize,
    /// The remaining capacity of each offer.
    pub capacities: Vec<u32>,
    /// The feasible pairs (others are forbidden). Edges out of range are ignored.
    pub edges: Vec<Edge>,
}

/// The solution: an offer (or none) per request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assignment {
    /// `offer_of[request]` is the assigned offer's position, if any.
    pub offer_of: Vec<Option<u32>>,
    /// The number of assigned requests.
    pub matched: usize,
    /// The sum of the assigned pairs' scores.
    pub total_score: f64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Holder {
    Unrouted,
    Offer(u32),
    Unassigned,
}

struct Solver {
    n: usize,
    /// CSR adjacency of requests: (offer, cost, score).
    start: Vec<usize>,
    adj: Vec<(u32, i64, f64)>,
    cap: Vec<u32>,
    /// Requests held by each offer, with the edge cost.
    held: Vec<Vec<(u32, i64)>>,
    unassigned: Vec<u32>,
    holder: Vec<Holder>,
    pi: Vec<i64>,
    dist: Vec<i64>,
    prev: Vec<u32>,
    done: Vec<bool>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    dummy_cost: i64,
}

const NONE: u32 = u32::MAX;

impl Solver {
    fn d_node(&self) -> usize {
        self.n + self.cap.len()
    }
    fn t_node(&self) -> usize {
        self.n + self.cap.len() + 1
    }

    fn cost_of(&self, request: u32, offer: u32) -> i64 {
        let r = request as usize;
        self.adj[self.start[r]..self.start[r + 1]]
            .iter()
            .find(|e| e.0 == offer)
            .map_or(0, |e| e.1)
    }

    fn relax(&mut self, from: usize, to: usize, reduced: i64) {
        let d = self.dist[from] + reduced;
        if d < self.dist[to] {
            if self.dist[to] == i64::MAX {
                self.touched.push(to as u32);
            }
            self.dist[to] = d;
            self.prev[to] = from as u32;
            self.heap.push(Reverse((d, to as u32)));
        }
    }

    /// Routes request `source` along a shortest augmenting path.
    fn route(&mut self, source: usize) {
        let (dn, tn) = (self.d_node(), self.t_node());
        self.dist[source] = 0;
        self.touched.push(source as u32);
        self.heap.push(Reverse((0, source as u32)));
        let mut popped: Vec<u32> = Vec::new();
        while let Some(Reverse((d, u))) = self.heap.pop() {
            let u = u as usize;
            if self.done[u] || d > self.dist[u] {
                continue;
            }
            // The sink is settled once nothing nearer is left: stop before expanding ties.
            if self.dist[tn] <= d {
                break;
            }
            self.done[u] = true;
            if u == tn {
                break;
            }
            popped.push(u as u32);
            if u < self.n {
                let own = self.holder[u];
                for k in self.start[u]..self.start[u + 1] {
                    let (o, c, _) = self.adj[k];
                    if own != Holder::Offer(o) {
                        let v = self.n + o as usize;
                        self.relax(u, v, c + self.pi[u] - self.pi[v]);
                    }
                }
                if own != Holder::Unassigned {
                    self.relax(u, dn, self.dummy_cost + self.pi[u] - self.pi[dn]);
                }
            } else if u < dn {
                let o = u - self.n;
                if (self.held[o].len() as u32) < self.cap[o] {
                    let reduced = self.pi[u] - self.pi[tn];
                    self.relax(u, tn, reduced);
                    if reduced == 0 {
                        // Nothing through this offer can beat ending here.
                        continue;
                    }
                }
                for k in 0..self.held[o].len() {
                    let (r, c) = self.held[o][k];
                    self.relax(u, r as usize, -c + self.pi[u] - self.pi[r as usize]);
                }
            } else {
                let reduced = self.pi[u] - self.pi[tn];
                self.relax(u, tn, reduced);
                if reduced == 0 {
                    continue;
                }
                for k in 0..self.unassigned.len() {
                    let r = self.unassigned[k] as usize;
                    self.relax(u, r, -self.dummy_cost + self.pi[u] - self.pi[r]);
                }
            }
        }
        let dt = self.dist[tn];
        // Potentials: pi += min(dist, dt) - dt keeps every reduced cost non-negative.
        for &v in &popped {
            let v = v as usize;
            self.pi[v] += self.dist[v] - dt;
        }
        self.augment(source);
        for &v in &self.touched {
            let v = v as usize;
            self.dist[v] = i64::MAX;
            self.done[v] = false;
            self.prev[v] = NONE;
        }
        self.touched.clear();
        self.heap.clear();
    }

    fn augment(&mut self, source: usize) {
        let (dn, tn) = (self.d_node(), self.t_node());
        let mut v = self.prev[tn] as usize;
        loop {
            let u = self.prev[v] as usize;
            let old = self.holder[u];
            match old {
                Holder::Offer(o) => self.held[o as usize].retain(|h| h.0 as usize != u),
                Holder::Unassigned => self.unassigned.retain(|&r| r as usize != u),
                Holder::Unrouted => {}
            }
            if v == dn {
                self.holder[u] = Holder::Unassigned;
                self.unassigned.push(u as u32);
            } else {
                let o = (v - self.n) as u32;
                self.holder[u] = Holder::Offer(o);
                let c = self.cost_of(u as u32, o);
                self.held[o as usize].push((u as u32, c));
            }
            if u == source {
                break;
            }
            v = match old {
                Holder::Offer(o) => self.n + o as usize,
                _ => dn,
            };
        }
    }
}

/// Solves the problem exactly (maximum number assigned, then maximum total score).
pub fn solve(problem: &AssignmentProblem) -> Assignment {
    let n = problem.requests;
    let m = problem.capacities.len();
    let mut edges: Vec<&Edge> = problem
        .edges
        .iter()
        .filter(|e| (e.request as usize) < n && (e.offer as usize) < m)
        .collect();
    edges.sort_by_key(|e| (e.request, e.offer));
    edges.dedup_by_key(|e| (e.request, e.offer));
    let mut start = vec![0usize; n + 1];
    for e in &edges {
        start[e.request as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let adj: Vec<(u32, i64, f64)> = edges
        .iter()
        .map(|e| {
            let s = e.score.clamp(0.0, 1.0);
            (e.offer, SCALE - (s * SCALE as f64).round() as i64, s)
        })
        .collect();
    let routable: Vec<usize> = (0..n).filter(|&r| start[r + 1] > start[r]).collect();
    let big = (routable.len() as i64 + 1) * SCALE;
    let nodes = n + m + 2;
    let mut solver = Solver {
        n,
        start,
        adj,
        cap: problem.capacities.clone(),
        held: vec![Vec::new(); m],
        unassigned: Vec::new(),
        holder: vec![Holder::Unrouted; n],
        pi: vec![0; nodes],
        dist: vec![i64::MAX; nodes],
        prev: vec![NONE; nodes],
        done: vec![false; nodes],
        touched: Vec::new(),
        heap: BinaryHeap::new(),
        dummy_cost: big + SCALE,
    };
    for &r in &routable {
        solver.route(r);
    }
    let mut out = Assignment {
        offer_of: vec![None; n],
        matched: 0,
        total_score: 0.0,
    };
    for (r, h) in solver.holder.iter().enumerate() {
        if let Holder::Offer(o) = *h {
            out.offer_of[r] = Some(o);
            out.matched += 1;
            let s = &solver.adj[solver.start[r]..solver.start[r + 1]];
            out.total_score += s.iter().find(|e| e.0 == o).map_or(0.0, |e| e.2);
        }
    }
    out
}

#[cfg(test)]
#[path = "flow_tests.rs"]
mod tests;
