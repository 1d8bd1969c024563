//! The multi-table workflows: each checks what it needs, writes in one transaction and
//! leaves side effects until after the commit.

pub mod accounts;
pub mod match_lifecycle;
pub mod matching;
pub mod seed;
