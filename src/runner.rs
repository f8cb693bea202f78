//! Runs checks in parallel (bounded), each with a timeout, isolating panics. A timed-out check
//! is reported unknown and the run does not wait for it.

use crate::core::{Check, CheckResult, Context, Status};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

/// One check's result with its timing.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub index: usize,
    pub result: CheckResult,
    pub duration: Duration,
}

/// Called as checks start and finish (for the progress spinner).
pub trait Progress: Sync {
    fn started(&self, _id: &str) {}
    fn finished(&self, _id: &str, _status: Status) {}
}

pub struct NoProgress;
impl Progress for NoProgress {}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Silences the default panic printout for check threads (the panic becomes a finding).
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_check = thread::current()
            .name()
            .is_some_and(|n| n.starts_with("check:"));
        if !in_check {
            default(info);
        }
    }));
}

/// Runs one check on the current thread, turning a panic into an unknown result.
pub fn run_guarded(check: &dyn Check, ctx: &Context) -> CheckResult {
    match catch_unwind(AssertUnwindSafe(|| check.run(ctx))) {
        Ok(r) => r,
        Err(payload) => CheckResult::unknown(format!(
            "the check crashed: {}",
            panic_message(payload.as_ref())
        ))
        .detail("this is a bug in devdoctor or in the pack; please report it with `devdoctor -v` output"),
    }
}

/// Runs `checks` with at most `jobs` at once, each bounded by `timeout`.
/// Results come back in the order of `checks`.
/// How long a whole run may take: three times the per-check timeout, so that many hanging
/// checks cannot stretch a run to (checks / jobs) × timeout.
pub fn run_bound(timeout: Duration) -> Duration {
    timeout.saturating_mul(RUN_BOUND_FACTOR)
}

/// The whole-run bound in per-check timeouts.
pub const RUN_BOUND_FACTOR: u32 = 3;

fn not_started(timeout: Duration) -> CheckResult {
    CheckResult::unknown(format!(
        "not run: the whole run's limit of {:.0} s ({RUN_BOUND_FACTOR} × --timeout) had passed",
        run_bound(timeout).as_secs_f64()
    ))
    .detail("other checks hung until their timeout; raise --timeout, or run fewer checks at a time (name them, or --jobs)")
}

fn cut_short(timeout: Duration) -> CheckResult {
    CheckResult::unknown(format!(
        "stopped at the whole run's limit of {:.0} s ({RUN_BOUND_FACTOR} × --timeout)",
        run_bound(timeout).as_secs_f64()
    ))
    .detail("raise --timeout if the tools are just slow")
}

pub fn run_all(
    checks: &[Arc<dyn Check>],
    ctx: &Arc<Context>,
    jobs: usize,
    timeout: Duration,
    progress: &dyn Progress,
) -> Vec<Outcome> {
    let jobs = jobs.max(1);
    let run_deadline = Instant::now() + run_bound(timeout);
    let (tx, rx) = mpsc::channel::<(usize, CheckResult, Duration)>();
    let mut pending: Vec<usize> = (0..checks.len()).rev().collect();
    let mut in_flight: Vec<(usize, Instant)> = Vec::new();
    let mut results: Vec<Option<Outcome>> = vec![None; checks.len()];

    loop {
        if Instant::now() >= run_deadline {
            // The whole run's bound passed: what has not started is not started.
            for i in pending.drain(..) {
                results[i] = Some(Outcome {
                    index: i,
                    result: not_started(timeout),
                    duration: Duration::ZERO,
                });
            }
        }
        while in_flight.len() < jobs {
            let Some(i) = pending.pop() else { break };
            let check = checks[i].clone();
            let ctx = ctx.clone();
            let tx = tx.clone();
            progress.started(&check.meta().id);
            let started = Instant::now();
            let spawned = thread::Builder::new()
                .name(format!("check:{}", check.meta().id))
                .spawn(move || {
                    let r = run_guarded(check.as_ref(), &ctx);
                    let _ = tx.send((i, r, started.elapsed()));
                });
            match spawned {
                Ok(_) => in_flight.push((i, started)),
                Err(e) => {
                    results[i] = Some(Outcome {
                        index: i,
                        result: CheckResult::unknown(format!("could not start a thread: {e}")),
                        duration: Duration::ZERO,
                    });
                }
            }
        }
        if in_flight.is_empty() {
            break;
        }
        let next_deadline = in_flight
            .iter()
            .map(|(_, s)| (*s + timeout).min(run_deadline))
            .min()
            .expect("in_flight is not empty");
        let wait = next_deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(wait) {
            Ok((i, result, duration)) => {
                if let Some(pos) = in_flight.iter().position(|(j, _)| *j == i) {
                    in_flight.remove(pos);
                    progress.finished(&checks[i].meta().id, result.status);
                    results[i] = Some(Outcome {
                        index: i,
                        result,
                        duration,
                    });
                }
            }
            Err(_) => {
                let now = Instant::now();
                in_flight.retain(|(i, started)| {
                    if now >= (*started + timeout).min(run_deadline) {
                        progress.finished(&checks[*i].meta().id, Status::Unknown);
                        let result = if now >= *started + timeout {
                            CheckResult::unknown(format!(
                                "timed out after {:.1} s",
                                timeout.as_secs_f64()
                            ))
                            .detail("raise the limit with --timeout SECS if the tool is just slow")
                        } else {
                            cut_short(timeout)
                        };
                        results[*i] = Some(Outcome {
                            index: *i,
                            result,
                            duration: now - *started,
                        });
                        false
                    } else {
                        true
                    }
                });
            }
        }
    }
    results
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            o.unwrap_or(Outcome {
                index: i,
                result: CheckResult::unknown("the check did not report"),
                duration: Duration::ZERO,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::core::{Builtin, Spec};

    fn check(id: &'static str, run: fn(&Context) -> CheckResult) -> Arc<dyn Check> {
        Arc::new(Builtin::new(Spec {
            id,
            title: id,
            can_fix: false,
            applies: "",
            explain: "",
            run,
        }))
    }

    #[test]
    fn panics_and_timeouts_are_isolated() {
        install_panic_hook();
        let checks = vec![
            check("t.ok", |_| CheckResult::ok("fine")),
            check("t.panic", |_| panic!("boom")),
            check("t.hang", |_| {
                thread::sleep(Duration::from_secs(30));
                CheckResult::ok("late")
            }),
            check("t.fail", |_| CheckResult::fail("broken")),
        ];
        let ctx = Arc::new(Context::with_vars(Settings::default(), Vec::new()));
        let start = Instant::now();
        let out = run_all(&checks, &ctx, 2, Duration::from_millis(300), &NoProgress);
        assert!(start.elapsed() < Duration::from_secs(3));
        let st: Vec<_> = out.iter().map(|o| o.result.status).collect();
        assert_eq!(
            st,
            [Status::Ok, Status::Unknown, Status::Unknown, Status::Fail]
        );
        assert!(out[1].result.summary.contains("boom"));
        assert!(out[2].result.summary.contains("timed out"));
    }

    #[test]
    fn many_hanging_checks_cannot_stretch_the_run_past_its_bound() {
        let hang: fn(&Context) -> CheckResult = |_| {
            thread::sleep(Duration::from_secs(30));
            CheckResult::ok("late")
        };
        // Ten hanging checks, one at a time, 200 ms each: without the bound 2 s; with it 600 ms.
        let mut checks: Vec<_> = (0..10).map(|_| check("t.hang", hang)).collect();
        checks.push(check("t.ok", |_| CheckResult::ok("fine")));
        let ctx = Arc::new(Context::with_vars(Settings::default(), Vec::new()));
        let timeout = Duration::from_millis(200);
        let start = Instant::now();
        let out = run_all(&checks, &ctx, 1, timeout, &NoProgress);
        assert!(
            start.elapsed() < Duration::from_millis(1500),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(out.len(), 11);
        let started = out
            .iter()
            .filter(|o| {
                o.result.summary.contains("timed out") || o.result.summary.starts_with("stopped at")
            })
            .count();
        assert_eq!(started, 3, "three checks started within the bound");
        let not_run: Vec<_> = out
            .iter()
            .filter(|o| o.result.summary.starts_with("not run:"))
            .collect();
        assert_eq!(
            not_run.len(),
            8,
            "the rest, the ok check included, were never started"
        );
        assert!(not_run.iter().all(|o| o.result.status == Status::Unknown));
        assert!(not_run[0].result.summary.contains("3 × --timeout"));
    }

    #[test]
    fn runs_checks_concurrently_up_to_jobs() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NOW: AtomicUsize = AtomicUsize::new(0);
        static MAX: AtomicUsize = AtomicUsize::new(0);
        let slow: fn(&Context) -> CheckResult = |_| {
            let n = NOW.fetch_add(1, Ordering::SeqCst) + 1;
            MAX.fetch_max(n, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(100));
            NOW.fetch_sub(1, Ordering::SeqCst);
            CheckResult::ok("")
        };
        let checks: Vec<_> = (0..6).map(|_| check("t.slow", slow)).collect();
        let ctx = Arc::new(Context::with_vars(Settings::default(), Vec::new()));
        let out = run_all(&checks, &ctx, 3, Duration::from_secs(10), &NoProgress);
        assert_eq!(out.len(), 6);
        assert!(out.iter().all(|o| o.result.status == Status::Ok));
        let max = MAX.load(Ordering::SeqCst);
        assert!((2..=3).contains(&max), "max concurrent = {max}");
    }
}
