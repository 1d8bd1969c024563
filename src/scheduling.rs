//! How the serving process's threads are scheduled on Linux.
//!
//! Every database call leaves the HTTP worker for a blocking thread and comes back (the
//! `web::block` hand-off). Under the default policy (`SCHED_OTHER`) the kernel lets each woken
//! thread preempt the one running, so one `GET` of a help request cost 1.7 context switches.
//! Under `SCHED_BATCH` a woken thread waits until the running one blocks or uses up its
//! slice: the worker hands over the requests it has read in one go and a blocking thread works
//! through them in a row (0.3 switches per `GET`). Fair sharing and the nice value are the same
//! under both; only wakeup preemption is given up, which a server whose requests take well
//! under a millisecond of CPU does not need. See `README.md` for the figures.

use crate::config::Scheduling;

/// What [`apply`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// The calling thread (and every thread it starts from now on) runs under the policy.
    Set(Scheduling),
    /// Left as it was, and why.
    Unchanged(String),
}

/// Puts the calling thread under `scheduling`. Threads inherit the policy of the thread that
/// starts them, so `serve` calls this first, before any other thread exists.
pub fn apply(scheduling: Scheduling) -> Applied {
    match scheduling {
        Scheduling::Normal => Applied::Unchanged("normal scheduling was asked for".into()),
        Scheduling::Batch => match set_batch() {
            Ok(()) => Applied::Set(Scheduling::Batch),
            Err(reason) => Applied::Unchanged(reason),
        },
    }
}

#[cfg(target_os = "linux")]
fn set_batch() -> Result<(), String> {
    use thread_priority::{
        unix::{
            set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy,
            ThreadSchedulePolicy,
        },
        ThreadPriority,
    };
    // The library sets the nice value together with the policy, from a priority on its own
    // scale of 0 to 99 (48 is nice 0). Only a thread at nice 0 is changed, and the unit test
    // below checks that it stays at 0.
    let nice = own_nice()?;
    if nice != 0 {
        return Err(format!("the process runs at nice {nice}; kept as it is"));
    }
    let nice_zero = ThreadPriority::Crossplatform(
        48u8.try_into()
            .map_err(|e| format!("priority out of range: {e}"))?,
    );
    set_thread_priority_and_policy(
        thread_native_id(),
        nice_zero,
        ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Batch),
    )
    .map_err(|e| format!("setting SCHED_BATCH failed: {e:?}"))?;
    match own_nice()? {
        0 => Ok(()),
        other => Err(format!(
            "SCHED_BATCH set, but the nice value became {other}"
        )),
    }
}

#[cfg(not(target_os = "linux"))]
fn set_batch() -> Result<(), String> {
    Err("batch scheduling is only set on Linux".into())
}

/// The calling thread's nice value (field 19 of `/proc/thread-self/stat`).
#[cfg(target_os = "linux")]
fn own_nice() -> Result<i32, String> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat")
        .map_err(|e| format!("reading /proc/thread-self/stat: {e}"))?;
    nice_of(&stat).ok_or_else(|| "no nice value in /proc/thread-self/stat".into())
}

/// The nice value in a `/proc/<pid>/stat` line. The command name (field 2) may hold spaces
/// and parentheses, so the fields are counted from its closing parenthesis on.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn nice_of(stat: &str) -> Option<i32> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    // Field 3 (state) is the first after the name; nice is field 19.
    after_name.split_whitespace().nth(19 - 3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nice_value_is_read_after_the_command_name() {
        let line = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 7 4 0 \
                    123 456 789";
        assert_eq!(nice_of(line), Some(7));
        assert_eq!(nice_of("4242 (x) S 1 2"), None);
        assert_eq!(nice_of("no parenthesis"), None);
    }

    #[test]
    fn normal_scheduling_leaves_the_thread_alone() {
        assert!(matches!(apply(Scheduling::Normal), Applied::Unchanged(_)));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn batch_scheduling_holds_for_the_thread_and_the_threads_it_starts() {
        use thread_priority::unix::{
            thread_schedule_policy, NormalThreadSchedulePolicy, ThreadSchedulePolicy,
        };
        let batch = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Batch);
        // A thread of its own, so that the test harness's threads keep their policy.
        std::thread::spawn(move || {
            assert_ne!(thread_schedule_policy().expect("policy"), batch);
            assert_eq!(own_nice(), Ok(0));
            assert_eq!(apply(Scheduling::Batch), Applied::Set(Scheduling::Batch));
            assert_eq!(thread_schedule_policy().expect("policy"), batch);
            let child = std::thread::spawn(|| thread_schedule_policy().expect("policy"));
            assert_eq!(child.join().expect("child thread"), batch);
            assert_eq!(own_nice(), Ok(0));
        })
        .join()
        .expect("the test thread");
    }
}
