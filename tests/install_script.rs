//! install.sh, run with /bin/sh into temporary prefixes: install, idempotent re-install,
//! uninstall, prefix selection, the PATH warning and the missing-cargo error.
//!
//! A stand-in `cargo` records its argv and "installs" the devdoctor binary this test run built,
//! so these tests check the script's own logic without a second (release) build; `.ci/run`
//! runs the real `./install.sh` once end to end.
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::Sandbox;

const INSTALLED: [&str; 5] = [
    "bin/devdoctor",
    "share/bash-completion/completions/devdoctor",
    "share/zsh/site-functions/_devdoctor",
    "share/fish/vendor_completions.d/devdoctor.fish",
    "share/man/man1/devdoctor.1",
];

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh")
}

/// A sandbox whose bin dir holds a stand-in cargo that copies the test build of devdoctor.
fn sandbox_with_cargo() -> Sandbox {
    let sb = Sandbox::new();
    sb.stand_in(
        "cargo",
        r#"printf '%s\n' "$*" >> "$CARGO_LOG"
cmd=$1; shift
root=
while [ $# -gt 0 ]; do
  case $1 in --root) root=$2; shift ;; esac
  shift
done
case $cmd in
  install) mkdir -p "$root/bin" && cp "$DEVDOCTOR_BUILT" "$root/bin/devdoctor" ;;
  uninstall) [ -e "$root/bin/devdoctor" ] || { echo "package not installed" >&2; exit 101; }
             rm -f "$root/bin/devdoctor" ;;
  *) echo "stand-in cargo: unexpected $cmd" >&2; exit 99 ;;
esac"#,
    );
    sb
}

fn log_path(sb: &Sandbox) -> PathBuf {
    sb.root().join("cargo.log")
}

/// Runs install.sh with a clean environment: the sandbox HOME, `path` as PATH, plus `vars`.
fn run(sb: &Sandbox, path: &str, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg(script())
        .args(args)
        .env_clear()
        .env("HOME", &sb.home)
        .env("PATH", path)
        .env("CARGO_LOG", log_path(sb))
        .env("DEVDOCTOR_BUILT", env!("CARGO_BIN_EXE_devdoctor"))
        .current_dir(&sb.project);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().expect("install.sh runs")
}

fn sandbox_path(sb: &Sandbox) -> String {
    sb.path_var().to_string_lossy().into_owned()
}

fn text(out: &Output) -> String {
    format!("{}{}", support::stdout(out), support::stderr(out))
}

fn assert_installed(prefix: &Path) {
    for f in INSTALLED {
        let p = prefix.join(f);
        let meta = fs::metadata(&p).unwrap_or_else(|e| panic!("{} missing: {e}", p.display()));
        assert!(meta.len() > 100, "{} is nearly empty", p.display());
    }
    let bash = fs::read_to_string(prefix.join(INSTALLED[1])).unwrap();
    assert!(bash.contains("_devdoctor"), "bash completion: {bash:.200}");
    let zsh = fs::read_to_string(prefix.join(INSTALLED[2])).unwrap();
    assert!(
        zsh.starts_with("#compdef devdoctor"),
        "zsh completion: {zsh:.200}"
    );
    let fish = fs::read_to_string(prefix.join(INSTALLED[3])).unwrap();
    assert!(
        fish.contains("complete -c devdoctor"),
        "fish completion: {fish:.200}"
    );
    let man = fs::read_to_string(prefix.join(INSTALLED[4])).unwrap();
    assert!(man.contains("\n.TH devdoctor 1"), "man page: {man:.200}");
    assert!(man.contains("EXIT STATUS"), "man page lacks exit status");
}

fn assert_removed(prefix: &Path) {
    for f in INSTALLED {
        assert!(!prefix.join(f).exists(), "{f} still there after uninstall");
    }
}

#[test]
fn installs_reinstalls_and_uninstalls_into_a_prefix() {
    let sb = sandbox_with_cargo();
    let prefix = sb.root().join("opt/dd");
    let prefix_s = prefix.to_str().unwrap();
    let path = sandbox_path(&sb);

    let out = run(&sb, &path, &["--prefix", prefix_s], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_installed(&prefix);
    let all = text(&out);
    assert!(
        all.contains(&format!("to {prefix_s}/bin/devdoctor")),
        "does not say where: {all}"
    );
    assert!(
        all.contains("devdoctor 0."),
        "does not name the version: {all}"
    );
    // The exact cargo call: a locked build of this checkout into the prefix.
    let log = fs::read_to_string(log_path(&sb)).unwrap();
    assert_eq!(
        log.trim(),
        format!(
            "install --path {} --locked --target-dir {}/target --root {prefix_s}",
            env!("CARGO_MANIFEST_DIR"),
            env!("CARGO_MANIFEST_DIR")
        )
    );
    let man_before = fs::read(prefix.join(INSTALLED[4])).unwrap();

    // Idempotent: a second run succeeds and leaves the same files.
    let again = run(&sb, &path, &["--prefix", prefix_s], &[]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_installed(&prefix);
    assert_eq!(fs::read(prefix.join(INSTALLED[4])).unwrap(), man_before);
    let leftovers: Vec<_> = fs::read_dir(prefix.join("share/man/man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "temp files left behind: {leftovers:?}");

    let un = run(&sb, &path, &["--prefix", prefix_s, "--uninstall"], &[]);
    assert_eq!(un.status.code(), Some(0), "{}", text(&un));
    assert_removed(&prefix);
    assert!(text(&un).contains("removed"), "{}", text(&un));
    assert!(fs::read_to_string(log_path(&sb))
        .unwrap()
        .contains(&format!("uninstall --root {prefix_s} devdoctor")));

    // Uninstalling again is not an error.
    let un2 = run(&sb, &path, &["--prefix", prefix_s, "--uninstall"], &[]);
    assert_eq!(un2.status.code(), Some(0), "{}", text(&un2));
    assert!(text(&un2).contains("nothing to remove"), "{}", text(&un2));
}

#[test]
fn default_prefix_is_home_dot_local_and_warns_when_not_on_path() {
    let sb = sandbox_with_cargo();
    let out = run(&sb, &sandbox_path(&sb), &[], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let prefix = sb.home.join(".local");
    assert_installed(&prefix);
    let err = support::stderr(&out);
    let bin_dir = prefix.join("bin");
    assert!(
        err.contains(&format!("{} is not on your PATH", bin_dir.display())),
        "no PATH warning: {err}"
    );
    assert!(err.contains("export PATH="), "no PATH hint: {err}");
}

#[test]
fn no_path_warning_when_the_bin_dir_is_on_path() {
    let sb = sandbox_with_cargo();
    let prefix = sb.root().join("p");
    let path = format!("{}:{}", prefix.join("bin").display(), sandbox_path(&sb));
    let out = run(&sb, &path, &["--prefix", prefix.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("not on your PATH"), "{}", text(&out));
}

#[test]
fn prefix_from_the_environment_and_the_equals_form() {
    let sb = sandbox_with_cargo();
    let env_prefix = sb.root().join("from-env");
    let out = run(
        &sb,
        &sandbox_path(&sb),
        &[],
        &[("PREFIX", env_prefix.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_installed(&env_prefix);
    assert!(!sb.home.join(".local/bin/devdoctor").exists());

    // The flag wins over the variable; a relative prefix is taken from the current directory.
    let out = run(
        &sb,
        &sandbox_path(&sb),
        &["--prefix=rel"],
        &[("PREFIX", env_prefix.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_installed(&sb.project.join("rel"));
}

#[test]
fn missing_cargo_fails_clearly_and_says_how_to_get_rust() {
    let sb = Sandbox::new(); // no stand-in cargo; HOME has no ~/.cargo either
    let prefix = sb.root().join("p");
    let out = run(
        &sb,
        "/usr/bin:/bin",
        &["--prefix", prefix.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = support::stderr(&out);
    assert!(err.contains("cargo"), "{err}");
    assert!(err.contains("not found"), "{err}");
    assert!(err.contains("https://rustup.rs"), "{err}");
    assert!(!prefix.join("bin/devdoctor").exists());
}

#[test]
fn cargo_from_rustup_default_place_is_used_when_not_on_path() {
    let sb = sandbox_with_cargo();
    let cargo_bin = sb.home.join(".cargo/bin");
    fs::create_dir_all(&cargo_bin).unwrap();
    fs::rename(sb.bin.join("cargo"), cargo_bin.join("cargo")).unwrap();
    let prefix = sb.root().join("p");
    let out = run(
        &sb,
        &sandbox_path(&sb),
        &["--prefix", prefix.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_installed(&prefix);
}

#[test]
fn help_and_bad_options() {
    let sb = sandbox_with_cargo();
    let help = run(&sb, &sandbox_path(&sb), &["--help"], &[]);
    assert_eq!(help.status.code(), Some(0));
    let h = support::stdout(&help);
    assert!(h.contains("--prefix") && h.contains("--uninstall"), "{h}");

    let bad = run(&sb, &sandbox_path(&sb), &["--frobnicate"], &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(support::stderr(&bad).contains("unknown option: --frobnicate"));
    assert!(support::stderr(&bad).contains("hint:"));

    let no_dir = run(&sb, &sandbox_path(&sb), &["--prefix"], &[]);
    assert_eq!(no_dir.status.code(), Some(2));
    assert!(!log_path(&sb).exists(), "cargo ran on a usage error");
}

#[test]
fn man_and_completions_come_from_the_binary() {
    let sb = Sandbox::new();
    let man = sb.run(&["man"]);
    assert_eq!(man.status.code(), Some(0));
    let page = support::stdout(&man);
    assert!(page.contains("\n.TH devdoctor 1"), "{page:.200}");
    // Every subcommand and a sample of the global flags appear, from the same clap definition.
    for word in [
        "list",
        "explain",
        "completions",
        "\\-\\-project\\-dir",
        "\\-\\-strict",
    ] {
        assert!(page.contains(word), "man page lacks {word}");
    }
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = sb.run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "completions {shell}");
        assert!(support::stdout(&out).contains("devdoctor"));
    }
}
