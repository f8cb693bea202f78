//! `mamba.installed` end to end: the real binary, a temporary HOME, and stand-in
//! micromamba/mamba/conda scripts printing the recorded `--version` outputs
//! (as each flavour prints its version), plus tools that hang, crash or print garbage.
mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::{check, status, Sandbox};

const MAMBA1: &str = "printf 'mamba 1.5.8\\nconda 24.3.0\\n'";

fn mamba_json(sb: &Sandbox, extra: &[&str]) -> (serde_json::Value, i32) {
    let mut args = vec!["mamba.*"];
    args.extend_from_slice(extra);
    sb.json(&args)
}

/// Puts a stand-in under `<home>/<root>/bin/<name>` (a constructed install prefix with
/// conda-meta/history) and that bin dir on PATH.
fn install_in_prefix(sb: &mut Sandbox, root: &str, name: &str, script: &str) {
    let prefix = sb.home.join(root);
    std::fs::create_dir_all(prefix.join("conda-meta")).unwrap();
    std::fs::write(
        prefix.join("conda-meta/history"),
        "==> 2025-06-01 12:00:00 <==\n",
    )
    .unwrap();
    let bin = prefix.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let exe = bin.join(name);
    std::fs::write(&exe, format!("#!/bin/sh\n{script}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut path = bin.into_os_string();
    path.push(":");
    path.push(sb.path_var());
    sb.var("PATH", path);
}

/// `pgrep -f`: whether any process's command line contains `pattern` (read from /proc, so
/// the test does not depend on procps being installed).
fn pgrep(pattern: &str) -> bool {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        // Without /proc fall back to the real pgrep.
        return Command::new("pgrep")
            .args(["-f", pattern])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
    };
    dir.flatten().any(|e| {
        std::fs::read(e.path().join("cmdline")).is_ok_and(|raw| {
            let line: Vec<u8> = raw.iter().map(|&b| if b == 0 { b' ' } else { b }).collect();
            String::from_utf8_lossy(&line).contains(pattern)
        })
    })
}

#[test]
fn pgrep_sees_running_processes() {
    // The helper must be able to see a live process, or the kill tests prove nothing.
    let marker = format!("59.{}{}", std::process::id(), 1);
    let mut child = Command::new("sleep").arg(&marker).spawn().unwrap();
    // Right after spawn the child may not have exec'd `sleep` yet: poll briefly.
    let seen = (0..100).any(|_| {
        let found = pgrep(&format!("sleep {marker}"));
        if !found {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        found
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(seen);
}

/// Installs outside HOME and PATH that devdoctor also looks at; a machine that has one
/// cannot show "nothing installed".
fn system_install_present() -> bool {
    [
        "/opt/conda/bin/conda",
        "/opt/conda/bin/mamba",
        "/usr/local/bin/micromamba",
        "/opt/homebrew/bin/micromamba",
    ]
    .iter()
    .any(|p| Path::new(p).exists())
}

#[test]
fn nothing_installed_fails_with_the_installer() {
    if system_install_present() {
        support::skipped("this machine has a system-wide conda/micromamba");
        return;
    }
    let sb = Sandbox::new();
    let (report, code) = mamba_json(&sb, &[]);
    assert_eq!(code, 1, "{report:#}");
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["fix"]["phase"], "install_tool");
    let manual = c["fix"]["manual"].to_string();
    assert!(manual.contains("micro.mamba.pm/install.sh"), "{manual}");
    for id in ["mamba.root_prefix", "mamba.shell_init", "mamba.channels"] {
        assert_eq!(status(&report, id), "skip", "{id}");
    }
}

/// A pixi project (pixi.toml, or `[tool.pixi]` in pyproject.toml) with no environment.yml
/// needs no micromamba: pixi brings its own solver, so the check skips and says why. With an
/// environment.yml next to it, or with a package manager installed, nothing changes.
#[test]
fn a_pixi_project_without_an_environment_file_needs_no_micromamba() {
    if system_install_present() {
        support::skipped("this machine has a system-wide conda/micromamba");
        return;
    }
    for (file, text) in [
        (
            "pixi.toml",
            "[project]\nname = \"p\"\nchannels = [\"conda-forge\"]\n",
        ),
        (
            "pyproject.toml",
            "[project]\nname = \"p\"\n\n[tool.pixi.workspace]\nchannels = [\"conda-forge\"]\n",
        ),
    ] {
        let sb = Sandbox::new();
        sb.write(format!("project/{file}"), text);
        let (report, _) = mamba_json(&sb, &[]);
        let c = check(&report, "mamba.installed");
        assert_eq!(c["status"], "skip", "{file}: {c:#}");
        assert!(
            c["summary"].as_str().unwrap().contains("a pixi project"),
            "{c:#}"
        );
        sb.write(
            "project/environment.yml",
            "name: p\nchannels: [conda-forge]\ndependencies: [python=3.12]\n",
        );
        let (report, _) = mamba_json(&sb, &[]);
        assert_eq!(status(&report, "mamba.installed"), "fail", "{file}");
    }
    // An environment file that is Binder's alone, for running the examples online, is not
    // this machine's (Libensemble/libensemble): still no micromamba needed.
    let sb = Sandbox::new();
    sb.write(
        "project/pyproject.toml",
        "[project]\nname = \"mylib\"\n\n[tool.pixi.workspace]\nchannels = [\"conda-forge\"]\n",
    );
    sb.write(
        "project/binder/environment.yml",
        "name: mylib-binder\nchannels: [conda-forge]\ndependencies: [python=3.12, mylib]\n",
    );
    let (report, _) = mamba_json(&sb, &[]);
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "skip", "{c:#}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("no environment file but Binder's (binder/environment.yml)"),
        "{c:#}"
    );
    // A pyproject.toml without a pixi table is no pixi project.
    let sb = Sandbox::new();
    sb.write("project/pyproject.toml", "[project]\nname = \"p\"\n");
    let (report, _) = mamba_json(&sb, &[]);
    assert_eq!(status(&report, "mamba.installed"), "fail");
    // With micromamba installed the check judges it as usual.
    let sb = Sandbox::new();
    sb.write("project/pixi.toml", "[project]\nname = \"p\"\n");
    sb.stand_in("micromamba", "echo 2.0.5");
    let (report, _) = mamba_json(&sb, &[]);
    assert_eq!(status(&report, "mamba.installed"), "ok");
}

#[test]
fn micromamba_2_on_path_is_ok() {
    let sb = Sandbox::new();
    let exe = sb.stand_in("micromamba", "echo 2.0.5");
    let (report, _) = mamba_json(&sb, &[]);
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert_eq!(c["data"]["flavour"], "micromamba2");
    assert_eq!(c["data"]["version"], "2.0.5");
    assert_eq!(c["data"]["path"], exe.display().to_string());
}

#[test]
fn micromamba_1_is_ok_and_uses_home_micromamba() {
    let sb = Sandbox::new();
    sb.stand_in("micromamba", "echo 1.5.8");
    let (report, _) = mamba_json(&sb, &[]);
    assert_eq!(
        check(&report, "mamba.installed")["data"]["flavour"],
        "micromamba1"
    );
    let root = check(&report, "mamba.root_prefix");
    assert_eq!(
        root["data"]["root_prefix"],
        sb.home.join("micromamba").display().to_string()
    );
}

#[test]
fn mamba_2_in_miniforge_is_ok_with_its_prefix_as_root() {
    let mut sb = Sandbox::new();
    install_in_prefix(&mut sb, "miniforge3", "mamba", "echo 2.5.0");
    let (report, _) = mamba_json(&sb, &[]);
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert_eq!(c["data"]["flavour"], "mamba2");
    let root = check(&report, "mamba.root_prefix");
    assert_eq!(root["status"], "ok", "{root:#}");
    assert_eq!(
        root["data"]["root_prefix"],
        sb.home.join("miniforge3").display().to_string()
    );
}

#[test]
fn mamba_1_warns_end_of_life() {
    let mut sb = Sandbox::new();
    install_in_prefix(&mut sb, "miniforge3", "mamba", MAMBA1);
    let (report, code) = mamba_json(&sb, &[]);
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(c["data"]["flavour"], "mamba1");
    assert_eq!(c["data"]["conda_version"], "24.3.0");
    assert!(c["summary"].as_str().unwrap().contains("end of life"));
    assert!(c["fix"]["commands"].to_string().contains("mamba>=2"));
    assert_ne!(code, 1, "a warning alone does not fail the run: {report:#}");
}

#[test]
fn conda_only_warns_with_micromamba_from_conda_forge() {
    let mut sb = Sandbox::new();
    install_in_prefix(&mut sb, "miniforge3", "conda", "echo conda 24.11.3");
    let (report, _) = mamba_json(&sb, &[]);
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(c["data"]["flavour"], "conda");
    assert_eq!(
        c["fix"]["commands"][0],
        serde_json::json!([
            "conda",
            "install",
            "-y",
            "-n",
            "base",
            "-c",
            "conda-forge",
            "micromamba"
        ])
    );
}

#[test]
fn micromamba_is_preferred_over_conda_and_strict_fails_on_warnings() {
    let mut sb = Sandbox::new();
    install_in_prefix(&mut sb, "miniforge3", "conda", "echo conda 24.11.3");
    sb.stand_in("micromamba", "echo 2.1.0");
    let (report, _) = mamba_json(&sb, &[]);
    let c = check(&report, "mamba.installed");
    assert_eq!(c["data"]["flavour"], "micromamba2");
    assert_eq!(c["data"]["tools"].as_array().unwrap().len(), 2);
    assert!(c["details"]
        .to_string()
        .contains("also found: conda 24.11.3"));
}

#[test]
fn mamba_exe_off_path_is_used_with_its_absolute_path() {
    let mut sb = Sandbox::new();
    let exe = sb.write("tools/micromamba", "#!/bin/sh\necho 2.0.5\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    sb.var("MAMBA_EXE", &exe).var("SHELL", "/bin/bash");
    let (report, _) = mamba_json(&sb, &[]);
    let c = check(&report, "mamba.installed");
    assert_eq!(c["data"]["on_path"], false, "{c:#}");
    let shell = check(&report, "mamba.shell_init");
    let cmd = &shell["fix"]["commands"][0];
    assert_eq!(cmd[0], exe.display().to_string(), "{shell:#}");
}

#[test]
fn a_hung_tool_is_unknown_promptly_and_killed() {
    let sb = Sandbox::new();
    // A unique sleep argument identifies the grandchild.
    let marker = format!("60.{}{}", std::process::id(), 7);
    sb.stand_in("micromamba", &format!("sleep {marker}"));
    let start = Instant::now();
    let (report, code) = mamba_json(&sb, &["--timeout", "1"]);
    let took = start.elapsed();
    assert!(took < Duration::from_millis(1500), "took {took:?}");
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "unknown", "{c:#}");
    assert!(c["details"].to_string().contains("did not answer"), "{c:#}");
    assert_eq!(code, 3, "{report:#}");
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        !pgrep(&format!("sleep {marker}")),
        "the hung tool was left running"
    );
    let script = sb.bin.join("micromamba");
    assert!(
        !pgrep(&script.display().to_string()),
        "the stand-in shell was left running"
    );
}

#[test]
fn a_hung_conda_beside_a_good_micromamba_is_a_warning() {
    let mut sb = Sandbox::new();
    let marker = format!("61.{}{}", std::process::id(), 3);
    install_in_prefix(&mut sb, "miniforge3", "conda", &format!("sleep {marker}"));
    sb.stand_in("micromamba", "echo 2.0.5");
    let (report, _) = mamba_json(&sb, &["--timeout", "1"]);
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(c["data"]["flavour"], "micromamba2");
    assert!(c["data"]["problems"].to_string().contains("conda"), "{c:#}");
    assert!(!pgrep(&format!("sleep {marker}")));
}

#[test]
fn a_crashing_tool_is_unknown_with_the_signal() {
    for script in ["kill -SEGV $$", "exit 139"] {
        let sb = Sandbox::new();
        sb.stand_in("micromamba", script);
        let (report, code) = mamba_json(&sb, &[]);
        let c = check(&report, "mamba.installed");
        assert_eq!(c["status"], "unknown", "{script}: {c:#}");
        let details = c["details"].to_string();
        assert!(details.contains("crashed"), "{script}: {details}");
        assert!(details.contains("SIGSEGV"), "{script}: {details}");
        assert_eq!(code, 3);
    }
}

#[test]
fn a_tool_printing_garbage_is_unknown() {
    let sb = Sandbox::new();
    sb.stand_in(
        "micromamba",
        "echo 'Welcome to the matrix'; printf '\\377\\376'",
    );
    let (report, code) = mamba_json(&sb, &[]);
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "unknown", "{c:#}");
    assert!(
        c["details"].to_string().contains("instead of a version"),
        "{c:#}"
    );
    assert_eq!(code, 3);
}

#[test]
fn a_failing_tool_is_unknown_with_its_error() {
    let sb = Sandbox::new();
    sb.stand_in(
        "conda",
        "echo 'ImportError: no module named conda' >&2; exit 1",
    );
    let (report, _) = mamba_json(&sb, &[]);
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "unknown", "{c:#}");
    assert!(c["details"].to_string().contains("ImportError"), "{c:#}");
}

#[test]
fn stale_mamba_exe_is_mentioned() {
    if system_install_present() {
        support::skipped("this machine has a system-wide conda/micromamba");
        return;
    }
    let mut sb = Sandbox::new();
    sb.var("MAMBA_EXE", "/nonexistent/devdoctor/micromamba");
    let (report, _) = mamba_json(&sb, &[]);
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "fail");
    assert!(c["details"]
        .to_string()
        .contains("/nonexistent/devdoctor/micromamba"));
}

#[test]
fn human_output_names_the_tool_and_the_fix() {
    if system_install_present() {
        support::skipped("this machine has a system-wide conda/micromamba");
        return;
    }
    let sb = Sandbox::new();
    let out = sb.run(&["mamba.installed", "--color", "never"]);
    let text = support::stdout(&out);
    assert!(text.contains("mamba.installed"), "{text}");
    assert!(text.contains("micro.mamba.pm/install.sh"), "{text}");
    assert!(
        !Path::new(&sb.home.join("micromamba")).exists(),
        "the doctor only reads"
    );
}

#[test]
fn conda_with_package_records_is_not_run() {
    let mut sb = Sandbox::new();
    // Would hang if run: the version must come from conda-meta.
    install_in_prefix(&mut sb, "miniforge3", "conda", "sleep 30");
    std::fs::write(
        sb.home
            .join("miniforge3/conda-meta/conda-24.11.3-py312h7900ff3_0.json"),
        "{}",
    )
    .unwrap();
    let start = Instant::now();
    let (report, _) = mamba_json(&sb, &[]);
    assert!(start.elapsed() < Duration::from_secs(5));
    let c = check(&report, "mamba.installed");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(c["data"]["version"], "24.11.3");
    assert!(c["details"].to_string().contains("package record"), "{c:#}");
}
