//! Runs the selected checks over one probe cache, retries under `--wait`, applies the
//! severity overrides and redaction, and returns the [`Report`].

use crate::core::Settings;
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

/// When env.exists found that `-n NAME` will not find the project's environment, every fix of
/// the run addresses it by path instead (`-p PREFIX`), so no step contradicts that finding.
fn address_by_prefix(checks: &[Arc<dyn Check>], outcomes: &mut [runner::Ran]) {
    let found = outcomes
        .iter()
        .filter(|o| checks[o.index].meta().id == "env.exists")
        .find_map(|o| {
            let v = o.result.data.get(crate::checks::env::ADDRESS_BY_PREFIX)?;
            Some((
                v["name"].as_str()?.to_string(),
                v["prefix"].as_str()?.to_string(),
            ))
        });
    let Some((name, prefix)) = found else { return };
    let by_name = format!("-n {}", crate::fix::quote(&name));
    let by_path = format!("-p {}", crate::fix::quote(&prefix));
    for o in outcomes.iter_mut() {
        let Some(fix) = o.result.fix.as_mut() else {
            continue;
        };
        for argv in &mut fix.commands {
            for i in 0..argv.len().saturating_sub(1) {
                if matches!(argv[i].as_str(), "-n" | "--name") && argv[i + 1] == name {
                    argv[i] = "-p".into();
                    argv[i + 1] = prefix.clone();
                }
            }
        }
        for m in &mut fix.manual {
            *m = m.replace(&format!("{by_name} "), &format!("{by_path} "));
            if m.ends_with(&by_name) {
                let cut = m.len() - by_name.len();
                m.replace_range(cut.., &by_path);
            }
        }
    }
}

/// The checks `--wait` retries: the server checks that failed, and those that skipped because
/// of one of them ("(see mcp.port)"), so they report on the server once it is up.
fn to_retry(checks: &[Arc<dyn Check>], outcomes: &[runner::Ran]) -> (Vec<usize>, Vec<String>) {
    let failing: Vec<usize> = outcomes
        .iter()
        .filter(|o| matches!(o.result.status, Status::Fail | Status::Unknown))
        .filter(|o| checks[o.index].retries_failures())
        .map(|o| o.index)
        .collect();
    let failing_ids: Vec<String> = failing
        .iter()
        .map(|&i| checks[i].meta().id.clone())
        .collect();
    if failing.is_empty() {
        return (Vec::new(), failing_ids);
    }
    let retry = outcomes
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
    (retry, failing_ids)
}

/// `--wait`: retries the server checks with backoff until they pass or `limit` is spent,
/// saying on a terminal what it waits for and how long is left. Returns the time waited.
fn wait_for_server(
    checks: &[Arc<dyn Check>],
    ctx: &Arc<Context>,
    outcomes: &mut [runner::Ran],
    limit: Duration,
    jobs: usize,
    bar: Option<&indicatif::ProgressBar>,
) -> Duration {
    let wait_start = Instant::now();
    let mut pause = Duration::from_millis(200);
    let timeout = ctx.settings.timeout;
    if let Some(bar) = bar {
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}").expect("static template"),
        );
    }
    loop {
        let (retry, failing) = to_retry(checks, outcomes);
        if retry.is_empty() || wait_start.elapsed() + pause > limit {
            break;
        }
        if let Some(bar) = bar {
            let left = limit.saturating_sub(wait_start.elapsed());
            let at = if failing.iter().any(|id| id.starts_with("mcp.")) {
                let url = crate::probes::mcp::project(ctx).mcp_url.clone();
                format!(" at {}", crate::probes::http::redact(&url))
            } else {
                String::new()
            };
            bar.set_message(format!(
                "waiting for {}{at} — {} s left",
                failing.join(", "),
                left.as_secs()
            ));
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
    wait_start.elapsed()
}

/// Runs the selected checks, retries network checks under `--wait`, and builds the report.
pub(crate) fn run(
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

    let waited = wait.map(|limit| {
        let bar = spinner.as_ref().map(|s| &s.0);
        wait_for_server(&checks, &ctx, &mut outcomes, limit, jobs, bar)
    });
    if let Some(s) = spinner {
        s.0.finish_and_clear();
    }
    address_by_prefix(&checks, &mut outcomes);

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
