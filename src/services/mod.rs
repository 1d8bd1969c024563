//! The multi-table workflows: each checks what it needs, writes in one transaction and
//! leaves side effects until after the commit.

pub mod accounts;
pub mod batch;
pub mod case_decisions;
pub mod case_file;
pub mod escalation;
pub mod live_offers;
pub mod match_lifecycle;
pub mod matching;
pub mod privacy;
pub mod seed;
pub mod statistics;
pub mod sweeper;
