//! Measures one argon2id password hash with the service's parameters, on this thread, and
//! prints the median in milliseconds. Used by `bench/login_flood.sh` to compute the
//! machine's hashing limit in the same run as the load.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(15);
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        hulpmarkt::auth::passwords::hash_blocking("a-benchmark-password-42")?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!("{:.3}", times[times.len() / 2]);
    Ok(())
}
