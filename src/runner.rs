//! Runs checks in parallel on a bounded pool of threads, each with a timeout, isolating
//! panics. A timed-out check is reported unknown and the run does not wait for it.

use crate::core::{Check, CheckResult, Context, Settle, Status};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

/// One check's result with its timing.
#[derive(Debug, Clone)]
pub(crate) struct Ran {
    pub index: usize,
    pub result: CheckResult,
    pub duration: Duration,
}

/// Called as checks start and finish (for the progress spinner).
pub(crate) trait Progress: Sync {
    fn started(&self, _id: &str) {}
    fn finished(&self, _id: &str, _status: Status) {}
}

pub(crate) struct NoProgress;
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
pub(crate) fn install_panic_hook() {
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
pub(crate) fn run_guarded(check: &dyn Check, ctx: &Context) -> CheckResult {
    match catch_unwind(AssertUnwindSafe(|| check.run(ctx).settle())) {
        Ok(r) => r,
        Err(payload) => CheckResult::unknown(format!(
            "the check crashed: {}",
            panic_message(payload.as_ref())
        ))
        .detail("this is a bug in devdoctor or in the pack; please report it with `devdoctor -v` output"),
    }
}

/// How long a whole run may take: three times the per-check timeout, so that many hanging
/// checks cannot stretch a run to (checks / jobs) × timeout.
pub(crate) fn run_bound(timeout: Duration) -> Duration {
    timeout.saturating_mul(RUN_BOUND_FACTOR)
}

/// The whole-run bound in per-check timeouts.
pub(crate) const RUN_BOUND_FACTOR: u32 = 3;

fn not_started(timeout: Duration) -> CheckResult {
    CheckResult::unknown(format!(
        "not run: the whole run's limit of {:.0} s ({RUN_BOUND_FACTOR} × --timeout) had passed",
        run_bound(timeout).as_secs_f64()
    ))
    .detail("other checks hung until their timeout; raise --timeout, or run fewer checks at a time (name them, or --jobs)")
}

fn timed_out(timeout: Duration) -> CheckResult {
    CheckResult::unknown(format!("timed out after {:.1} s", timeout.as_secs_f64()))
        .detail("raise the limit with --timeout SECS if the tool is just slow")
}

fn cut_short(timeout: Duration) -> CheckResult {
    CheckResult::unknown(format!(
        "stopped at the whole run's limit of {:.0} s ({RUN_BOUND_FACTOR} × --timeout)",
        run_bound(timeout).as_secs_f64()
    ))
    .detail("raise --timeout if the tools are just slow")
}

/// What a worker tells the run: which check it started, and its result.
enum Event {
    Started {
        check: usize,
        worker: usize,
    },
    Done {
        check: usize,
        result: Box<CheckResult>,
        duration: Duration,
    },
}

/// The checks to run and the next one to start, shared by the workers.
struct Queue {
    checks: Vec<Arc<dyn Check>>,
    /// Indexes still to start, the next one last.
    pending: std::sync::Mutex<Vec<usize>>,
}

impl Queue {
    fn next(&self) -> Option<usize> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    fn drain(&self) -> Vec<usize> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Starts a worker: it runs checks from the queue until the queue is empty or the run gave
/// up on the check it was running (`retired`: the run replaced it with a fresh worker).
fn spawn_worker(
    queue: &Arc<Queue>,
    ctx: &Arc<Context>,
    tx: &mpsc::Sender<Event>,
    worker: usize,
    retired: Arc<std::sync::atomic::AtomicBool>,
) -> std::io::Result<()> {
    let (queue, ctx, tx) = (queue.clone(), ctx.clone(), tx.clone());
    thread::Builder::new()
        .name(format!("check:worker-{worker}"))
        .spawn(move || {
            while !retired.load(std::sync::atomic::Ordering::SeqCst) {
                let Some(check) = queue.next() else { break };
                let started = Instant::now();
                if tx.send(Event::Started { check, worker }).is_err() {
                    break;
                }
                let result = run_guarded(queue.checks[check].as_ref(), &ctx);
                let done = Event::Done {
                    check,
                    result: Box::new(result),
                    duration: started.elapsed(),
                };
                if tx.send(done).is_err() {
                    break;
                }
            }
        })
        .map(|_| ())
}

/// The order checks start in, the first last (the queue pops from its end): the checks that
/// wait on the MCP server first (the longest chain of round trips), then the others that wait
/// on another process, then the rest, each group in the given order.
fn start_order(checks: &[Arc<dyn Check>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..checks.len()).collect();
    order.sort_by_key(|&i| (!checks[i].waits_for_server(), !checks[i].waits_on_peer()));
    order.reverse();
    order
}

/// Runs `checks` with at most `jobs` at once, each bounded by `timeout`, on a pool of `jobs`
/// worker threads (a thread per check costs more than most checks). A check that times out
/// is reported unknown and its worker is left behind and replaced. Results come back in the
/// order of `checks`.
pub(crate) fn run_all(
    checks: &[Arc<dyn Check>],
    ctx: &Arc<Context>,
    jobs: usize,
    timeout: Duration,
    progress: &dyn Progress,
) -> Vec<Ran> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let run_deadline = Instant::now() + run_bound(timeout);
    let queue = Arc::new(Queue {
        checks: checks.to_vec(),
        pending: std::sync::Mutex::new(start_order(checks)),
    });
    let (tx, rx) = mpsc::channel::<Event>();
    let mut retired: Vec<Arc<AtomicBool>> = Vec::new();
    let mut in_flight: Vec<(usize, usize, Instant)> = Vec::new();
    let mut results: Vec<Option<Ran>> = vec![None; checks.len()];
    // `retired` holds one flag per worker that started; a worker stops on its own only when
    // the queue is empty, so the workers not retired are the ones still taking checks.
    let start_worker = |retired: &mut Vec<Arc<AtomicBool>>| {
        let flag = Arc::new(AtomicBool::new(false));
        if spawn_worker(&queue, ctx, &tx, retired.len(), flag.clone()).is_ok() {
            retired.push(flag);
        }
    };
    for _ in 0..jobs.max(1).min(checks.len()) {
        start_worker(&mut retired);
    }
    let mut done = 0;
    while done < checks.len() {
        if Instant::now() >= run_deadline {
            // The whole run's bound passed: what has not started is not started.
            for i in queue.drain() {
                results[i] = Some(ran(i, not_started(timeout), Duration::ZERO));
                done += 1;
            }
        }
        if retired.iter().all(|r| r.load(Ordering::SeqCst)) {
            // No worker could be started (or replaced): nothing would take the rest.
            for i in queue.drain() {
                let why = CheckResult::unknown("not run: could not start a thread for it");
                results[i] = Some(ran(i, why, Duration::ZERO));
                done += 1;
            }
        }
        if done == checks.len() {
            break;
        }
        let next_deadline = in_flight
            .iter()
            .map(|(_, _, s)| (*s + timeout).min(run_deadline))
            .min()
            .unwrap_or(run_deadline);
        let wait = next_deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(wait) {
            Ok(Event::Started { check, worker }) => {
                progress.started(&checks[check].meta().id);
                in_flight.push((check, worker, Instant::now()));
            }
            Ok(Event::Done {
                check,
                result,
                duration,
            }) => {
                // A check the run gave up on may still report: its verdict stands.
                if let Some(pos) = in_flight.iter().position(|(j, _, _)| *j == check) {
                    in_flight.remove(pos);
                    progress.finished(&checks[check].meta().id, result.status);
                    results[check] = Some(ran(check, *result, duration));
                    done += 1;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let now = Instant::now();
                let mut replace = 0;
                in_flight.retain(|&(i, worker, started)| {
                    if now < (started + timeout).min(run_deadline) {
                        return true;
                    }
                    progress.finished(&checks[i].meta().id, Status::Unknown);
                    let result = if now >= started + timeout {
                        timed_out(timeout)
                    } else {
                        cut_short(timeout)
                    };
                    results[i] = Some(ran(i, result, now - started));
                    done += 1;
                    retired[worker].store(true, Ordering::SeqCst);
                    replace += 1;
                    false
                });
                // Past the run's bound nothing more starts (a replacement could take one).
                let replace = if now < run_deadline { replace } else { 0 };
                for _ in 0..replace {
                    start_worker(&mut retired);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    results
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            o.unwrap_or_else(|| {
                ran(
                    i,
                    CheckResult::unknown("the check did not report"),
                    Duration::ZERO,
                )
            })
        })
        .collect()
}

fn ran(index: usize, result: CheckResult, duration: Duration) -> Ran {
    Ran {
        index,
        result,
        duration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Settings;
    use crate::core::{Builtin, Spec};

    fn check(id: &'static str, run: fn(&Context) -> crate::core::Outcome) -> Arc<dyn Check> {
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
            check("t.ok", |_| Ok(CheckResult::ok("fine"))),
            check("t.panic", |_| panic!("boom")),
            check("t.hang", |_| {
                thread::sleep(Duration::from_secs(30));
                Ok(CheckResult::ok("late"))
            }),
            check("t.fail", |_| Ok(CheckResult::fail("broken"))),
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
        let hang: fn(&Context) -> crate::core::Outcome = |_| {
            thread::sleep(Duration::from_secs(30));
            Ok(CheckResult::ok("late"))
        };
        // Ten hanging checks, one at a time, 200 ms each: without the bound 2 s; with it 600 ms.
        let mut checks: Vec<_> = (0..10).map(|_| check("t.hang", hang)).collect();
        checks.push(check("t.ok", |_| Ok(CheckResult::ok("fine"))));
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
        let slow: fn(&Context) -> crate::core::Outcome = |_| {
            let n = NOW.fetch_add(1, Ordering::SeqCst) + 1;
            MAX.fetch_max(n, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(100));
            NOW.fetch_sub(1, Ordering::SeqCst);
            Ok(CheckResult::ok(""))
        };
        let checks: Vec<_> = (0..6).map(|_| check("t.slow", slow)).collect();
        let ctx = Arc::new(Context::with_vars(Settings::default(), Vec::new()));
        let out = run_all(&checks, &ctx, 3, Duration::from_secs(10), &NoProgress);
        assert_eq!(out.len(), 6);
        assert!(out.iter().all(|o| o.result.status == Status::Ok));
        let max = MAX.load(Ordering::SeqCst);
        assert!((2..=3).contains(&max), "max concurrent = {max}");
    }

    #[test]
    fn a_pool_of_jobs_threads_runs_every_check_and_replaces_a_hung_one() {
        use std::collections::HashSet;
        use std::sync::Mutex;
        static THREADS: Mutex<Vec<thread::ThreadId>> = Mutex::new(Vec::new());
        let note: fn(&Context) -> crate::core::Outcome = |_| {
            THREADS.lock().unwrap().push(thread::current().id());
            thread::sleep(Duration::from_millis(5));
            Ok(CheckResult::ok(""))
        };
        let hang: fn(&Context) -> crate::core::Outcome = |_| {
            THREADS.lock().unwrap().push(thread::current().id());
            thread::sleep(Duration::from_secs(30));
            Ok(CheckResult::ok("late"))
        };
        let mut checks = vec![check("t.hang", hang)];
        checks.extend((0..20).map(|_| check("t.note", note)));
        let ctx = Arc::new(Context::with_vars(Settings::default(), Vec::new()));
        // One worker: the rest can only run on the worker that replaces the hung one.
        let out = run_all(&checks, &ctx, 1, Duration::from_millis(300), &NoProgress);
        assert_eq!(out[0].result.status, Status::Unknown);
        assert!(out[0].result.summary.contains("timed out"));
        assert!(out[1..].iter().all(|o| o.result.status == Status::Ok));
        let distinct: HashSet<_> = THREADS.lock().unwrap().iter().copied().collect();
        assert_eq!(
            distinct.len(),
            2,
            "the hung worker and its replacement ran 21 checks"
        );
    }
}
