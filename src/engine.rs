//! Runs the selected checks over one probe cache, retries under `--wait`, applies the
//! severity overrides and redaction, and returns the [`Report`].

use crate::config::Settings;
use crate::core::{Check, Context, Status};
use crate::report::{Entry, Report};
use crate::runner::{self, Progress};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

struct Spinner(indicatif::ProgressBar);

impl Progress for Spinner {
    fn started(&self, id: &str) {
        self.0.set_message(id.to_string());
    }
    fn finished(&self, _id: &str, _status: Status) {
        self.0.inc(1);
    }
}

/// Runs the selected checks, retries network checks under `--wait`, and builds the report.
pub fn run(
    settings: Settings,
    checks: Vec<Arc<dyn Check>>,
    jobs: Option<usize>,
    strict: bool,
    show_progress: bool,
) -> Report {
    let started = SystemTime::now();
    let clock = Instant::now();
    let timeout = settings.timeout;
    let wait = settings.wait;
    let severity = settings.severity.clone();
    let jobs = jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .max(8)
    });
    let ctx = Arc::new(Context::new(settings));
    let spinner = show_progress.then(|| {
        let bar = indicatif::ProgressBar::new(checks.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} {msg}")
                .expect("static template"),
        );
        bar.enable_steady_tick(Duration::from_millis(80));
        Spinner(bar)
    });
    let progress: &dyn Progress = match &spinner {
        Some(s) => s,
        None => &runner::NoProgress,
    };
    let mut outcomes = runner::run_all(&checks, &ctx, jobs, timeout, progress);

    let mut waited = None;
    if let Some(limit) = wait {
        let wait_start = Instant::now();
        let mut pause = Duration::from_millis(200);
        loop {
            let failing: Vec<usize> = outcomes
                .iter()
                .filter(|o| matches!(o.result.status, Status::Fail | Status::Unknown))
                .filter(|o| checks[o.index].waits_for_server())
                .map(|o| o.index)
                .collect();
            if failing.is_empty() || wait_start.elapsed() + pause > limit {
                break;
            }
            // A check that skipped because of a failing one ("(see mcp.port)") is retried
            // with it, so it reports on the server once the server is up.
            let failing_ids: Vec<&str> = failing
                .iter()
                .map(|&i| checks[i].meta().id.as_str())
                .collect();
            let retry: Vec<usize> = outcomes
                .iter()
                .filter(|o| {
                    failing.contains(&o.index)
                        || (o.result.status == Status::Skip
                            && checks[o.index].waits_for_server()
                            && failing_ids
                                .iter()
                                .any(|id| o.result.summary.contains(&format!("(see {id})"))))
                })
                .map(|o| o.index)
                .collect();
            if retry.is_empty() {
                break;
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_secs(2));
            // Each retry needs fresh probes, so it gets a fresh context.
            let fresh = Arc::new(Context::new(ctx.settings.clone()));
            let subset: Vec<_> = retry.iter().map(|&i| checks[i].clone()).collect();
            for (o, &i) in runner::run_all(&subset, &fresh, jobs, timeout, &runner::NoProgress)
                .into_iter()
                .zip(&retry)
            {
                outcomes[i].result = o.result;
                outcomes[i].duration = o.duration;
            }
        }
        waited = Some(wait_start.elapsed());
    }
    if let Some(s) = spinner {
        s.0.finish_and_clear();
    }

    let entries = outcomes
        .into_iter()
        .map(|o| {
            let meta = crate::policy::shown_meta(checks[o.index].meta());
            let mut result = o.result;
            crate::policy::outgoing(&mut result);
            if let Some(&sev) = severity.get(&meta.id) {
                if matches!(result.status, Status::Warn | Status::Fail) {
                    result.status = sev;
                }
            }
            Entry {
                meta,
                result,
                duration: o.duration,
            }
        })
        .collect();
    Report::new(entries, started, clock.elapsed(), strict, waited)
}
