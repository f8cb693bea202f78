//! JUnit XML (the Jenkins/Surefire dialect every CI test viewer reads): one `<testsuite>` per
//! category, one `<testcase>` per check (classname = category, name = check id).
//!
//! ok → pass; warn → pass with the finding in `<system-out>` (a failure under `--strict`,
//! matching the exit code); fail → `<failure>`; unknown → `<error>` (the check could not run);
//! skip → `<skipped>`. Bodies carry the summary, details, locations and the fix.

use super::{
    by_category, plain_body, scrub_controls, scrub_multiline, Entry, RenderOptions, Report,
};
use crate::core::Status;
use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn timestamp(t: SystemTime) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let since = t.duration_since(UNIX_EPOCH).ok()?;
    let secs = i64::try_from(since.as_secs()).ok()?;
    chrono::DateTime::from_timestamp(secs, since.subsec_nanos()).map(|t| t.fixed_offset())
}

fn case(e: &Entry, strict: bool, opts: &RenderOptions) -> TestCase {
    let r = &e.result;
    // Every string goes through the scrubber: XML 1.0 cannot carry most control characters.
    // An attribute value: XML parsers turn a raw line break there into a space anyway.
    let summary = scrub_controls(&r.summary.replace("\r\n", " ").replace('\n', " "), true);
    let body = scrub_multiline(&plain_body(e, opts.project_dir.as_deref()));
    let non_success = |kind: NonSuccessKind, ty: &str| {
        let mut s = TestCaseStatus::non_success(kind);
        s.set_message(summary.as_str())
            .set_type(ty)
            .set_description(body.as_str());
        s
    };
    let status = match r.status {
        Status::Ok => TestCaseStatus::success(),
        Status::Warn if strict => non_success(NonSuccessKind::Failure, "warn"),
        Status::Warn => TestCaseStatus::success(),
        Status::Fail => non_success(NonSuccessKind::Failure, "fail"),
        Status::Unknown => non_success(NonSuccessKind::Error, "unknown"),
        Status::Skip => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(summary.as_str());
            s
        }
    };
    let mut tc = TestCase::new(scrub_multiline(&e.meta.id), status);
    tc.set_classname(scrub_multiline(&e.meta.category))
        .set_time(e.duration);
    let passed_with_output = match r.status {
        Status::Warn => !strict,
        Status::Ok => !r.details.is_empty() || !r.locations.is_empty(),
        _ => false,
    };
    if passed_with_output {
        tc.set_system_out(body.as_str());
    }
    tc
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut junit = Junit::new("devdoctor");
    junit.set_time(report.duration);
    if let Some(ts) = timestamp(report.started) {
        junit.set_timestamp(ts);
    }
    for (category, entries) in by_category(report) {
        let mut suite = TestSuite::new(scrub_multiline(category));
        if let Some(ts) = timestamp(report.started) {
            suite.set_timestamp(ts);
        }
        suite.set_time(entries.iter().map(|e| e.duration).sum::<Duration>());
        suite.add_test_cases(entries.iter().map(|e| case(e, report.strict, opts)));
        junit.add_test_suite(suite);
    }
    // Serialising into a String only fails on a writer error, which a String never gives.
    junit
        .to_string()
        .unwrap_or_else(|e| format!("<!-- devdoctor: JUnit serialisation failed: {e} -->\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{CheckMeta, CheckResult, Fix, Location, Origin};

    fn entry(id: &str, cat: &str, result: CheckResult) -> Entry {
        Entry {
            meta: CheckMeta {
                id: id.into(),
                category: cat.into(),
                title: format!("title of {id}"),
                can_fix: false,
                explain: String::new(),
                origin: Origin::Builtin,
            },
            result,
            duration: Duration::from_millis(5),
        }
    }

    fn report(strict: bool) -> Report {
        Report::new(
            vec![
                entry("a.ok", "a", CheckResult::ok("fine")),
                entry("a.warn", "a", CheckResult::warn("risky")),
                entry(
                    "b.fail",
                    "b",
                    CheckResult::fail("broken <here> & \u{1b}[31mred\u{1b}[0m \u{7}bell")
                        .detail("detail line")
                        .location(Location::new("Dockerfile", 3, "USER root"))
                        .with_fix(Fix::new("install it").cmd(["micromamba", "install", "x"])),
                ),
                entry("b.unknown", "b", CheckResult::unknown("timed out")),
                entry("c.skip", "c", CheckResult::skip("no Dockerfile")),
            ],
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            Duration::from_millis(40),
            strict,
            None,
        )
    }

    fn parsed(strict: bool) -> Junit {
        let xml = render(&report(strict), &RenderOptions::default());
        Junit::deserialize_from_str(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"))
    }

    fn status_of<'a>(j: &'a Junit, id: &str) -> &'a TestCase {
        j.test_suites
            .iter()
            .flat_map(|s| &s.test_cases)
            .find(|c| c.name.as_str() == id)
            .unwrap()
    }

    #[test]
    fn statuses_map_to_junit_elements() {
        let j = parsed(false);
        assert_eq!(j.test_suites.len(), 3);
        assert_eq!((j.tests, j.failures, j.errors), (5, 1, 1));
        assert!(matches!(
            status_of(&j, "a.warn").status,
            TestCaseStatus::Success { .. }
        ));
        assert!(status_of(&j, "a.warn")
            .system_out
            .as_deref()
            .is_some_and(|s| s.contains("warn: risky")));
        let fail = status_of(&j, "b.fail");
        assert_eq!(fail.classname.as_deref(), Some("b"));
        match &fail.status {
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Failure,
                message,
                description,
                ..
            } => {
                assert_eq!(message.as_deref(), Some("broken <here> & red \u{fffd}bell"));
                let d = description.as_deref().unwrap();
                assert!(d.contains("at Dockerfile:3: USER root"), "{d}");
                assert!(d.contains("$ micromamba install x"), "{d}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            status_of(&j, "b.unknown").status,
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Error,
                ..
            }
        ));
        assert!(matches!(
            status_of(&j, "c.skip").status,
            TestCaseStatus::Skipped { .. }
        ));
    }

    #[test]
    fn a_multi_line_summary_is_one_line_in_the_message_attribute() {
        let r = Report::new(
            vec![entry(
                "a.x",
                "a",
                CheckResult::fail("first\r\nsecond\nthird"),
            )],
            SystemTime::UNIX_EPOCH,
            Duration::ZERO,
            false,
            None,
        );
        let j = Junit::deserialize_from_str(&render(&r, &RenderOptions::default())).unwrap();
        match &status_of(&j, "a.x").status {
            TestCaseStatus::NonSuccess { message, .. } => {
                assert_eq!(message.as_deref(), Some("first second third"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn strict_makes_warnings_failures() {
        let j = parsed(true);
        assert_eq!(j.failures, 2);
        assert!(matches!(
            status_of(&j, "a.warn").status,
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Failure,
                ..
            }
        ));
    }
}
