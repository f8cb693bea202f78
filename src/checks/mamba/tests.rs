//! Unit tests of the mamba.* judgements on fixtures: a temporary HOME laid out like real
//! installs, and tools as `--version` identified them.

use super::*;
use crate::core::Settings;
use crate::core::Status;
use crate::policy::no_pip::{argv_calls_pip, text_calls_pip};
use crate::probes::mamba::{
    classify, resolve_roots, shell::probe_with, BrokenTool, Roots, ShellInit, Tool,
};
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

/// A temporary HOME with helpers to lay out roots, envs, rc files and executables.
struct Fx {
    _dir: tempfile::TempDir,
    home: PathBuf,
    vars: Vec<(String, String)>,
    env_name: Option<String>,
    macos: bool,
}

impl Fx {
    fn new() -> Fx {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        Fx {
            vars: vec![
                ("HOME".into(), home.display().to_string()),
                ("SHELL".into(), "/bin/bash".into()),
                ("PATH".into(), "/nonexistent".into()),
            ],
            home,
            _dir: dir,
            env_name: Some("myproj".into()),
            macos: false,
        }
    }

    fn var(&mut self, k: &str, v: impl Into<String>) -> &mut Fx {
        self.vars.retain(|(key, _)| key != k);
        self.vars.push((k.into(), v.into()));
        self
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.home.join(rel)
    }

    fn s(&self, rel: &str) -> String {
        self.path(rel).display().to_string()
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn exe(&self, rel: &str) -> PathBuf {
        let p = self.write(rel, "#!/bin/sh\n");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    /// An environment: `<prefix>/conda-meta/history`.
    fn env(&self, rel: &str) -> PathBuf {
        self.write(
            &format!("{rel}/conda-meta/history"),
            "==> 2025-06-01 12:00:00 <==\n",
        );
        self.path(rel)
    }

    /// A root prefix with pkgs/ (a valid root).
    fn root(&self, rel: &str) -> PathBuf {
        std::fs::create_dir_all(self.path(rel).join("pkgs")).unwrap();
        self.path(rel)
    }

    fn mamba_block(&self, rc: &str, exe: &str, root: &str) {
        self.write(
            rc,
            &format!(
                "alias ll='ls -l'\n# >>> mamba initialize >>>\n# !! Contents within this block are managed by 'micromamba shell init' !!\nexport MAMBA_EXE='{exe}';\nexport MAMBA_ROOT_PREFIX='{root}';\n__mamba_setup=\"$(\"$MAMBA_EXE\" shell hook --shell bash --root-prefix \"$MAMBA_ROOT_PREFIX\" 2> /dev/null)\"\nunset __mamba_setup\n# <<< mamba initialize <<<\n"
            ),
        );
    }

    fn ctx(&self) -> Context {
        let settings = Settings {
            env_name: self.env_name.clone(),
            project_dir: self.home.clone(),
            ..Settings::default()
        };
        Context::with_vars(
            settings,
            self.vars
                .iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v))),
        )
    }

    fn facts(&self, tc: &Toolchain) -> (Context, Roots, ShellInit) {
        let ctx = self.ctx();
        let sh = probe_with(&ctx, self.macos);
        let roots = resolve_roots(&ctx, tc, &sh, &[self.path("etc-conda")]);
        (ctx, roots, sh)
    }

    fn run_all(&self, tc: &Toolchain) -> Vec<CheckResult> {
        let (ctx, roots, sh) = self.facts(tc);
        vec![
            installed(&ctx, tc, &sh),
            root::check(&ctx, tc, &roots, &sh),
            shell::check(&ctx, tc, &roots, &sh),
            channels::check(&ctx, tc, &roots),
        ]
    }
}

fn tool(flavour: Flavour, version: &str, path: PathBuf) -> Tool {
    Tool {
        flavour,
        path,
        version: version.into(),
        conda_version: (flavour == Flavour::Mamba1).then(|| "24.3.0".to_string()),
        on_path: true,
        found_via: vec!["PATH".into()],
        from_records: false,
    }
}

fn chain(tools: Vec<Tool>) -> Toolchain {
    Toolchain {
        tools,
        ..Toolchain::default()
    }
}

/// The tool for each flavour, laid out where its installer puts it.
fn install(fx: &Fx, flavour: Flavour) -> Tool {
    match flavour {
        Flavour::Micromamba2 => tool(flavour, "2.0.5", fx.exe(".local/bin/micromamba")),
        Flavour::Micromamba1 => tool(flavour, "1.5.8", fx.exe(".local/bin/micromamba")),
        Flavour::Mamba2 => {
            fx.root("miniforge3");
            tool(flavour, "2.5.0", fx.exe("miniforge3/bin/mamba"))
        }
        Flavour::Mamba1 => {
            fx.root("miniforge3");
            tool(flavour, "1.5.8", fx.exe("miniforge3/bin/mamba"))
        }
        Flavour::Conda => {
            fx.root("miniforge3");
            tool(flavour, "24.11.3", fx.exe("miniforge3/bin/conda"))
        }
    }
}

fn cmds_of(r: &CheckResult) -> Vec<String> {
    r.fix
        .as_ref()
        .map(|f| f.commands.iter().map(|c| fix::quote_argv(c)).collect())
        .unwrap_or_default()
}

fn has_detail(r: &CheckResult, needle: &str) -> bool {
    r.details.iter().any(|d| d.contains(needle))
}

// ---- mamba.installed -------------------------------------------------------------------

#[test]
fn recorded_version_outputs_map_to_flavours() {
    // Verbatim `--version` outputs of each flavour.
    assert_eq!(
        classify("micromamba", "2.0.5\n").unwrap().flavour,
        Flavour::Micromamba2
    );
    assert_eq!(
        classify("mamba", "2.0.5\n").unwrap().flavour,
        Flavour::Mamba2
    );
    let m1 = classify("mamba", "mamba 1.5.8\nconda 24.3.0\n").unwrap();
    assert_eq!(
        (m1.flavour, m1.conda_version.as_deref()),
        (Flavour::Mamba1, Some("24.3.0"))
    );
    assert_eq!(
        classify("conda", "conda 24.11.3\n").unwrap().flavour,
        Flavour::Conda
    );
}

#[test]
fn nothing_installed_fails_with_the_micromamba_installer() {
    let fx = Fx::new();
    let r = installed(&fx.ctx(), &Toolchain::default(), &ShellInit::default());
    assert_eq!(r.status, Status::Fail);
    let f = r.fix.unwrap();
    assert_eq!(f.phase, Phase::InstallTool);
    assert!(f
        .manual
        .iter()
        .any(|m| m.contains("micro.mamba.pm/install.sh")));
}

#[test]
fn without_curl_the_installer_is_fetched_with_wget() {
    // A slim image or CI runner with wget and no curl: curl would need micromamba first.
    let mut fx = Fx::new();
    let bin = fx.home.parent().unwrap().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let wget = bin.join("wget");
    std::fs::write(&wget, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&wget, std::fs::Permissions::from_mode(0o755)).unwrap();
    fx.var("PATH", bin.display().to_string());
    let r = installed(&fx.ctx(), &Toolchain::default(), &ShellInit::default());
    let manual = r.fix.unwrap().manual;
    assert_eq!(
        manual[0],
        r#""${SHELL}" <(wget -qO- https://micro.mamba.pm/install.sh)"#
    );
    // With curl there too, curl.
    let curl = bin.join("curl");
    std::fs::copy(&wget, &curl).unwrap();
    let r = installed(&fx.ctx(), &Toolchain::default(), &ShellInit::default());
    assert!(r.fix.unwrap().manual[0].contains("<(curl -L micro.mamba.pm"));
}

#[test]
fn without_curl_or_wget_python3_fetches_the_binary_or_curl_comes_first() {
    // micromamba's install.sh itself downloads with curl or wget: piping it in by other
    // means would fail there. python3 fetches the release binary directly instead.
    let mut fx = Fx::new();
    let bin = fx.home.parent().unwrap().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    fx.var("PATH", bin.display().to_string());
    fx.var("SHELL", "/usr/bin/zsh".to_string());
    let manual = |fx: &Fx| {
        let r = installed(&fx.ctx(), &Toolchain::default(), &ShellInit::default());
        r.fix.unwrap().manual
    };
    let nothing = manual(&fx);
    assert!(
        nothing[0].contains("install curl with the system's package manager"),
        "{nothing:?}"
    );
    assert!(
        !nothing.iter().any(|m| m.contains("python3 -c")),
        "{nothing:?}"
    );
    let python = bin.join("python3");
    std::fs::write(&python, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
    let by_python = manual(&fx);
    assert!(
        by_python[0].starts_with("mkdir -p ~/.local/bin && python3 -c ")
            && by_python[0].contains("releases/latest/download/micromamba-"),
        "{by_python:?}"
    );
    assert_eq!(
        by_python[1],
        "chmod +x ~/.local/bin/micromamba && ~/.local/bin/micromamba shell init --shell zsh --root-prefix ~/micromamba"
    );
    assert!(!by_python
        .iter()
        .any(|m| m.contains("install.sh") || m.contains("pip")));
}

#[test]
fn each_flavour_gets_its_verdict() {
    let expect = [
        (Flavour::Micromamba2, Status::Ok),
        (Flavour::Micromamba1, Status::Ok),
        (Flavour::Mamba2, Status::Ok),
        (Flavour::Mamba1, Status::Warn),
        (Flavour::Conda, Status::Warn),
    ];
    for (flavour, status) in expect {
        let fx = Fx::new();
        let t = install(&fx, flavour);
        let r = installed(&fx.ctx(), &chain(vec![t.clone()]), &ShellInit::default());
        assert_eq!(r.status, status, "{flavour:?}: {r:?}");
        assert!(r.summary.contains(&t.version), "{}", r.summary);
        assert_eq!(r.data["flavour"], serde_json::to_value(flavour).unwrap());
        assert_eq!(r.data["flavour_label"], flavour.label());
        assert_eq!(r.data["version"], t.version.as_str());
    }
}

#[test]
fn mamba1_is_end_of_life_with_a_move_to_2() {
    let fx = Fx::new();
    let r = installed(
        &fx.ctx(),
        &chain(vec![install(&fx, Flavour::Mamba1)]),
        &ShellInit::default(),
    );
    assert!(r.summary.contains("end of life"), "{}", r.summary);
    assert!(r.summary.contains("conda 24.3.0"), "{}", r.summary);
    let f = r.fix.unwrap();
    assert_eq!(f.phase, Phase::InstallTool);
    assert_eq!(
        f.commands[0],
        crate::words("conda install -y -n base -c conda-forge mamba>=2")
    );
}

#[test]
fn conda_only_suggests_micromamba_from_conda_forge() {
    let fx = Fx::new();
    let r = installed(
        &fx.ctx(),
        &chain(vec![install(&fx, Flavour::Conda)]),
        &ShellInit::default(),
    );
    assert_eq!(
        cmds_of(&r),
        ["conda install -y -n base -c conda-forge micromamba"]
    );
}

#[test]
fn a_tool_off_path_is_worded_with_its_absolute_path() {
    let fx = Fx::new();
    let mut t = install(&fx, Flavour::Conda);
    t.on_path = false;
    t.found_via = vec!["known location".into()];
    let tc = chain(vec![t.clone()]);
    let r = installed(&fx.ctx(), &tc, &ShellInit::default());
    assert_eq!(r.status, Status::Warn);
    assert!(cmds_of(&r)[0].starts_with(&t.path.display().to_string()));
    assert!(r.fix.unwrap().manual.iter().any(|m| m.contains("PATH")));
    assert_eq!(tc.commands().program, t.path.display().to_string());
}

#[test]
fn off_path_but_named_by_the_init_block_says_open_a_new_shell() {
    let fx = Fx::new();
    let mut t = install(&fx, Flavour::Micromamba2);
    t.on_path = false;
    t.found_via = vec!["known location".into()];
    fx.mamba_block(
        ".bashrc",
        &t.path.display().to_string(),
        &fx.s("micromamba"),
    );
    let tc = chain(vec![t]);
    let (ctx, _, sh) = fx.facts(&tc);
    let r = installed(&ctx, &tc, &sh);
    assert_eq!(r.status, Status::Warn);
    assert!(
        r.fix
            .unwrap()
            .manual
            .iter()
            .any(|m| m.contains("open a new shell")),
        "{:?}",
        r.details
    );
}

fn broken(kind: ProblemKind) -> BrokenTool {
    BrokenTool {
        name: "micromamba".into(),
        path: "/x/micromamba".into(),
        kind,
        reason: "did not answer".into(),
    }
}

#[test]
fn unidentifiable_tools_are_unknown_never_ok() {
    let fx = Fx::new();
    for kind in [
        ProblemKind::TimedOut,
        ProblemKind::Crashed,
        ProblemKind::Garbage,
        ProblemKind::Failed,
        ProblemKind::NotStarted,
    ] {
        let tc = Toolchain {
            broken: vec![broken(kind)],
            problems: vec!["micromamba (/x/micromamba) did not answer".into()],
            ..Toolchain::default()
        };
        let r = installed(&fx.ctx(), &tc, &ShellInit::default());
        assert_eq!(r.status, Status::Unknown, "{kind:?}");
        assert!(r.summary.contains("/x/micromamba"));
        assert_eq!(r.fix.is_some(), kind != ProblemKind::TimedOut, "{kind:?}");
        // The later checks cannot judge either.
        let (ctx, roots, sh) = fx.facts(&tc);
        assert_eq!(root::check(&ctx, &tc, &roots, &sh).status, Status::Unknown);
        assert_eq!(channels::check(&ctx, &tc, &roots).status, Status::Unknown);
    }
}

#[test]
fn a_broken_second_tool_is_a_warning() {
    let fx = Fx::new();
    let mut tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    tc.broken.push(broken(ProblemKind::Crashed));
    let r = installed(&fx.ctx(), &tc, &ShellInit::default());
    assert_eq!(r.status, Status::Warn);
    assert!(has_detail(&r, "reinstall"), "{:?}", r.details);
}

// ---- mamba.root_prefix -----------------------------------------------------------------

#[test]
fn micromamba2_default_root_and_legacy_root() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    let (_, roots, _) = fx.facts(&tc);
    assert_eq!(roots.root_prefix, Some(fx.path(".local/share/mamba")));
    fx.root("micromamba");
    let (ctx, roots, sh) = fx.facts(&tc);
    assert_eq!(roots.root_prefix, Some(fx.path("micromamba")));
    assert_eq!(root::check(&ctx, &tc, &roots, &sh).status, Status::Ok);
}

#[test]
fn micromamba1_uses_home_micromamba() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba1)]);
    let (_, roots, _) = fx.facts(&tc);
    assert_eq!(roots.root_prefix, Some(fx.path("micromamba")));
}

/// The warning about micromamba 2's new default comes with micromamba 1's own default root
/// only: a root a variable names does not move on upgrade.
#[test]
fn micromamba1_default_root_warns_about_the_upgrade_only_when_defaulted() {
    const MOVE: &str = "micromamba 2 looks in ~/.local/share/mamba";
    let mut fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba1)]);
    fx.root("micromamba");
    let (ctx, roots, sh) = fx.facts(&tc);
    assert!(roots.root_defaulted);
    let r = root::check(&ctx, &tc, &roots, &sh);
    assert!(has_detail(&r, MOVE), "{:?}", r.details);

    let named = fx.root("roots/named").display().to_string();
    fx.var("MAMBA_ROOT_PREFIX", named);
    let (ctx, roots, sh) = fx.facts(&tc);
    assert_eq!(roots.root_source, "MAMBA_ROOT_PREFIX");
    assert!(!roots.root_defaulted);
    let r = root::check(&ctx, &tc, &roots, &sh);
    assert!(!has_detail(&r, MOVE), "{:?}", r.details);
}

/// A root reached by two names (a symlink) is one candidate, listed under the first name.
#[test]
fn a_root_behind_a_symlink_is_one_candidate() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    fx.root("micromamba");
    std::os::unix::fs::symlink(fx.path("micromamba"), fx.path("miniforge3")).unwrap();
    fx.root("anaconda3");
    let (_, roots, _) = fx.facts(&tc);
    let shown: Vec<&PathBuf> = roots
        .candidates
        .iter()
        .filter(|c| c.valid)
        .map(|c| &c.path)
        .collect();
    assert_eq!(shown, [&fx.path("micromamba"), &fx.path("anaconda3")]);
}

#[test]
fn mamba2_and_conda_use_their_install_prefix() {
    for flavour in [Flavour::Mamba2, Flavour::Mamba1, Flavour::Conda] {
        let fx = Fx::new();
        let tc = chain(vec![install(&fx, flavour)]);
        fx.env("miniforge3/envs/myproj");
        let (ctx, roots, sh) = fx.facts(&tc);
        assert_eq!(
            roots.root_prefix,
            Some(fx.path("miniforge3")),
            "{flavour:?}"
        );
        let r = root::check(&ctx, &tc, &roots, &sh);
        assert_eq!(r.status, Status::Ok, "{flavour:?}: {r:?}");
        assert!(r.summary.contains("1 environment"), "{}", r.summary);
    }
}

#[test]
fn mamba2_inside_an_env_uses_the_outer_root() {
    // mamba in <root>/envs/<x>/bin → <root>.
    let fx = Fx::new();
    fx.root("miniforge3");
    fx.env("miniforge3/envs/tools");
    let t = tool(
        Flavour::Mamba2,
        "2.3.0",
        fx.exe("miniforge3/envs/tools/bin/mamba"),
    );
    let (_, roots, _) = fx.facts(&chain(vec![t]));
    assert_eq!(roots.root_prefix, Some(fx.path("miniforge3")));
}

#[test]
fn micromamba_2_0_5_ignores_its_location() {
    // The binary's location became a source in 2.0.6 (PR #3782).
    let fx = Fx::new();
    fx.root("tools");
    let old = tool(
        Flavour::Micromamba2,
        "2.0.5",
        fx.exe("tools/bin/micromamba"),
    );
    let (_, roots, _) = fx.facts(&chain(vec![old]));
    assert_eq!(roots.root_prefix, Some(fx.path(".local/share/mamba")));
    let new = tool(
        Flavour::Micromamba2,
        "2.1.0",
        fx.exe("tools/bin/micromamba"),
    );
    let (_, roots, _) = fx.facts(&chain(vec![new]));
    assert_eq!(roots.root_prefix, Some(fx.path("tools")));
}

#[test]
fn conda_envs_dirs_include_the_user_dir() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Conda)]);
    let (_, roots, _) = fx.facts(&tc);
    assert_eq!(
        roots.envs_dirs,
        [fx.path("miniforge3/envs"), fx.path(".conda/envs")]
    );
}

#[test]
fn root_mismatch_after_an_upgrade_is_reported_with_the_real_root() {
    // MAMBA_ROOT_PREFIX points at the 2.x default, envs live in ~/micromamba.
    let mut fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    fx.env("micromamba/envs/myproj");
    let r = fx.s(".local/share/mamba");
    fx.var("MAMBA_ROOT_PREFIX", r);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = root::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Warn, "{r:?}");
    assert!(r.summary.contains("~/micromamba"), "{}", r.summary);
    assert!(r.summary.contains("myproj"), "{}", r.summary);
    assert_eq!(
        cmds_of(&r),
        [format!(
            "micromamba shell init --shell bash --root-prefix {}",
            fx.s("micromamba")
        )]
    );
    assert!(r.fix.unwrap().manual[0].starts_with("export MAMBA_ROOT_PREFIX="));
}

#[test]
fn envs_registered_elsewhere_without_the_project_env() {
    let mut fx = Fx::new();
    fx.env_name = None;
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    fx.env("micromamba/envs/a");
    fx.env("micromamba/envs/b");
    let p = fx.s("empty-root");
    fx.var("MAMBA_ROOT_PREFIX", p);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = root::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Warn);
    assert!(r.summary.contains("a, b"), "{}", r.summary);
}

#[test]
fn default_root_that_is_not_a_prefix_fails_with_micromambas_message() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    fx.write(".local/share/mamba/notes.txt", "not a prefix");
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = root::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Fail);
    assert!(has_detail(&r, "Could not use default root_prefix"));
    assert!(cmds_of(&r)[0].contains("--root-prefix"));
}

#[test]
fn missing_root_is_a_warning_with_shell_init() {
    let mut fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    let p = fx.s("nowhere");
    fx.var("MAMBA_ROOT_PREFIX", p);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = root::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Warn);
    assert!(r.summary.contains("does not exist"));
    assert_eq!(r.fix.unwrap().phase, Phase::Configure);
}

#[test]
fn read_only_root_is_a_warning() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    fx.root("micromamba");
    let (ctx, mut roots, sh) = fx.facts(&tc);
    roots.root_facts.writable = false;
    let r = root::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Warn);
    assert!(cmds_of(&r)[0].starts_with("micromamba config prepend envs_dirs"));
}

#[test]
fn both_envs_variables_fail() {
    let mut fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    fx.var("CONDA_ENVS_DIRS", "/a").var("CONDA_ENVS_PATH", "/b");
    let (ctx, roots, sh) = fx.facts(&tc);
    assert_eq!(root::check(&ctx, &tc, &roots, &sh).status, Status::Fail);
}

#[test]
fn envs_dirs_follow_rc_and_variables() {
    let mut fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    fx.root("micromamba");
    fx.write(".condarc", "envs_dirs:\n  - ~/my-envs\n");
    fx.var("CONDA_ENVS_PATH", "/shared/envs");
    let (_, roots, _) = fx.facts(&tc);
    assert_eq!(
        roots.envs_dirs,
        [
            PathBuf::from("/shared/envs"),
            fx.path("my-envs"),
            fx.path("micromamba/envs")
        ]
    );
}

#[test]
fn without_home_the_defaults_are_unknown() {
    let mut fx = Fx::new();
    let t = install(&fx, Flavour::Micromamba2);
    fx.vars.retain(|(k, _)| k != "HOME");
    let tc = chain(vec![t]);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = root::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Unknown, "{r:?}");
    assert!(r.summary.contains("HOME is not set"), "{}", r.summary);
    assert_eq!(shell::check(&ctx, &tc, &roots, &sh).status, Status::Unknown);
    // MAMBA_ROOT_PREFIX needs no HOME.
    fx.var("MAMBA_ROOT_PREFIX", "/tmp");
    let (ctx, roots, sh) = fx.facts(&tc);
    assert_ne!(root::check(&ctx, &tc, &roots, &sh).status, Status::Unknown);
}

// ---- mamba.shell_init ------------------------------------------------------------------

#[test]
fn a_good_block_is_ok_and_run_is_always_mentioned() {
    let fx = Fx::new();
    let t = install(&fx, Flavour::Micromamba2);
    fx.root("micromamba");
    fx.mamba_block(
        ".bashrc",
        &t.path.display().to_string(),
        &fx.s("micromamba"),
    );
    let tc = chain(vec![t]);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = shell::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Ok, "{r:?}");
    assert!(r.summary.contains(".bashrc:2"), "{}", r.summary);
    // No server script in the project: the example runs python, never a made-up main.py.
    assert!(has_detail(&r, "micromamba run -n myproj python --version"));
}

#[test]
fn block_with_a_missing_mamba_exe_fails_at_its_line() {
    let fx = Fx::new();
    let t = install(&fx, Flavour::Micromamba2);
    fx.root("micromamba");
    fx.mamba_block(".bashrc", "/gone/bin/micromamba", &fx.s("micromamba"));
    let tc = chain(vec![t]);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = shell::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("/gone/bin/micromamba"));
    assert_eq!(r.locations[0].line, 2);
    assert_eq!(
        cmds_of(&r),
        [format!(
            "micromamba shell init --shell bash --root-prefix {}",
            fx.s("micromamba")
        )]
    );
    assert!(has_detail(&r, "micromamba run -n myproj"));
}

#[test]
fn block_root_differs_from_where_envs_live() {
    let fx = Fx::new();
    let t = install(&fx, Flavour::Micromamba2);
    fx.env("micromamba/envs/myproj");
    fx.mamba_block(
        ".bashrc",
        &t.path.display().to_string(),
        &fx.s(".local/share/mamba"),
    );
    let tc = chain(vec![t]);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = shell::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Warn, "{r:?}");
    assert!(r.summary.contains("MAMBA_ROOT_PREFIX="), "{}", r.summary);
    assert!(cmds_of(&r)[0].ends_with(&fx.s("micromamba")));
}

#[test]
fn no_block_warns_with_shell_init_per_flavour_and_shell() {
    let cases = [
        (
            Flavour::Micromamba2,
            "/bin/bash",
            "micromamba shell init --shell bash --root-prefix",
        ),
        (
            Flavour::Micromamba1,
            "/usr/bin/zsh",
            "micromamba shell init --shell zsh -p",
        ),
        (
            Flavour::Mamba2,
            "/usr/bin/fish",
            "mamba shell init --shell fish --root-prefix",
        ),
        (Flavour::Mamba1, "/bin/bash", "mamba init bash"),
        (Flavour::Conda, "/bin/tcsh", "conda init csh"),
    ];
    for (flavour, shell_path, want) in cases {
        let mut fx = Fx::new();
        fx.var("SHELL", shell_path);
        let tc = chain(vec![install(&fx, flavour)]);
        let (ctx, roots, sh) = fx.facts(&tc);
        let r = shell::check(&ctx, &tc, &roots, &sh);
        assert_eq!(r.status, Status::Warn, "{flavour:?}");
        assert!(
            cmds_of(&r)[0].starts_with(want),
            "{flavour:?}: {:?}",
            cmds_of(&r)
        );
        assert!(has_detail(&r, " run -n myproj "), "{:?}", r.details);
    }
}

#[test]
fn rc_file_per_shell_and_os() {
    let mut fx = Fx::new();
    let t = install(&fx, Flavour::Micromamba2);
    fx.mamba_block(
        ".config/fish/config.fish",
        &t.path.display().to_string(),
        &fx.s("micromamba"),
    );
    fx.var("SHELL", "/usr/bin/fish");
    let tc = chain(vec![t.clone()]);
    let (ctx, roots, sh) = fx.facts(&tc);
    assert_eq!(shell::check(&ctx, &tc, &roots, &sh).status, Status::Ok);

    let mut fx = Fx::new();
    fx.macos = true;
    let t = install(&fx, Flavour::Micromamba2);
    fx.mamba_block(
        ".bash_profile",
        &t.path.display().to_string(),
        &fx.s("micromamba"),
    );
    let tc = chain(vec![t]);
    let (_, _, sh) = fx.facts(&tc);
    assert_eq!(sh.files[0].path, fx.path(".bash_profile"));
    assert!(sh.files[0].blocks.len() == 1);
}

#[test]
fn conda_block_serves_conda_but_not_micromamba() {
    let fx = Fx::new();
    let conda = install(&fx, Flavour::Conda);
    fx.write(
        ".bashrc",
        &format!(
            "# >>> conda initialize >>>\n__conda_setup=\"$('{}' 'shell.bash' 'hook' 2> /dev/null)\"\n# <<< conda initialize <<<\n",
            conda.path.display()
        ),
    );
    let tc = chain(vec![conda]);
    let (ctx, roots, sh) = fx.facts(&tc);
    assert_eq!(shell::check(&ctx, &tc, &roots, &sh).status, Status::Ok);
    let mm = install(&fx, Flavour::Micromamba2);
    let tc = chain(vec![mm]);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = shell::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Warn);
    assert!(has_detail(&r, "conda init block"));
}

#[test]
fn mamba1_needs_mamba_sh_in_condas_block() {
    let fx = Fx::new();
    let m1 = install(&fx, Flavour::Mamba1);
    let conda = fx.exe("miniforge3/bin/conda");
    fx.write(
        ".bashrc",
        &format!(
            "# >>> conda initialize >>>\n__conda_setup=\"$('{}' 'shell.bash' 'hook' 2> /dev/null)\"\n# <<< conda initialize <<<\n",
            conda.display()
        ),
    );
    let tc = chain(vec![m1]);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = shell::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Warn);
    assert_eq!(cmds_of(&r), ["mamba init bash"]);
}

#[test]
fn unsupported_shell_is_skipped_with_run_hint() {
    let mut fx = Fx::new();
    fx.var("SHELL", "/bin/ksh");
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = shell::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Skip);
    assert!(has_detail(&r, "micromamba run -n myproj"));
}

#[test]
fn loaded_hook_without_block_is_ok() {
    let mut fx = Fx::new();
    let t = install(&fx, Flavour::Micromamba2);
    fx.var("MAMBA_EXE", t.path.display().to_string())
        .var("CONDA_SHLVL", "1");
    let tc = chain(vec![t]);
    let (ctx, roots, sh) = fx.facts(&tc);
    assert_eq!(shell::check(&ctx, &tc, &roots, &sh).status, Status::Ok);
}

// ---- mamba.channels --------------------------------------------------------------------

#[test]
fn builtin_default_channel_per_flavour() {
    let expect = [
        (Flavour::Micromamba2, Status::Ok),
        (Flavour::Mamba2, Status::Ok),
        (Flavour::Micromamba1, Status::Warn),
        (Flavour::Mamba1, Status::Warn),
        (Flavour::Conda, Status::Warn),
    ];
    for (flavour, status) in expect {
        let fx = Fx::new();
        let tc = chain(vec![install(&fx, flavour)]);
        let (ctx, roots, _) = fx.facts(&tc);
        let r = channels::check(&ctx, &tc, &roots);
        assert_eq!(r.status, status, "{flavour:?}: {r:?}");
    }
}

#[test]
fn conda_without_channels_gets_forge_then_removes_implicit_defaults() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Conda)]);
    let (ctx, roots, _) = fx.facts(&tc);
    let r = channels::check(&ctx, &tc, &roots);
    assert_eq!(
        cmds_of(&r),
        [
            "conda config --prepend channels conda-forge",
            "conda config --set channel_priority strict",
            "conda config --remove channels defaults",
        ]
    );
}

#[test]
fn defaults_in_home_condarc_is_a_warning_at_its_line() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    let rc = fx.write(".condarc", "channels:\n  - conda-forge\n  - defaults\n");
    let (ctx, roots, _) = fx.facts(&tc);
    let r = channels::check(&ctx, &tc, &roots);
    assert_eq!(r.status, Status::Warn);
    assert!(r.summary.contains("defaults"), "{}", r.summary);
    assert_eq!(r.locations[0].path, rc);
    assert_eq!(r.locations[0].line, 3);
    assert_eq!(
        cmds_of(&r),
        [
            "micromamba config remove channels defaults",
            "micromamba config set channel_priority strict",
        ]
    );
}

#[test]
fn defaults_in_the_root_condarc_is_removed_there() {
    for flavour in [Flavour::Conda, Flavour::Mamba2] {
        let fx = Fx::new();
        let tc = chain(vec![install(&fx, flavour)]);
        let rc = fx.write("miniforge3/.condarc", "channels:\n  - defaults\n");
        let (ctx, roots, _) = fx.facts(&tc);
        let r = channels::check(&ctx, &tc, &roots);
        assert_eq!(r.status, Status::Warn);
        let cmds = cmds_of(&r);
        let rc = rc.display().to_string();
        let want = if flavour == Flavour::Conda {
            format!("conda config --file {rc} --remove channels defaults")
        } else {
            format!("mamba config remove channels defaults --file {rc}")
        };
        assert_eq!(cmds[0], want, "{flavour:?}");
        assert!(cmds[1].contains("prepend channels conda-forge"), "{cmds:?}");
    }
}

#[test]
fn forge_first_and_strict_is_ok() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    fx.write(
        ".condarc",
        "channels:\n  - conda-forge\n  - nodefaults\nchannel_priority: strict\n",
    );
    let (ctx, roots, _) = fx.facts(&tc);
    let r = channels::check(&ctx, &tc, &roots);
    assert_eq!(r.status, Status::Ok, "{r:?}");
    assert!(r.summary.contains("strict"));
}

#[test]
fn forge_not_first_warns_and_precedence_is_respected() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    fx.write(
        ".condarc",
        "channels:\n  - conda-forge\nchannel_priority: strict\n",
    );
    // ~/.mambarc has higher precedence: its list comes first.
    fx.write(".mambarc", "channels:\n  - bioconda\n");
    let (ctx, roots, _) = fx.facts(&tc);
    let r = channels::check(&ctx, &tc, &roots);
    assert_eq!(r.status, Status::Warn);
    assert!(r.summary.contains("not the first"), "{}", r.summary);
    assert_eq!(
        cmds_of(&r),
        ["micromamba config prepend channels conda-forge"]
    );
    // conda does not read .mambarc.
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Conda)]);
    fx.write(
        ".condarc",
        "channels:\n  - conda-forge\nchannel_priority: strict\n",
    );
    fx.write(".mambarc", "channels:\n  - defaults\n");
    let (ctx, roots, _) = fx.facts(&tc);
    assert_eq!(channels::check(&ctx, &tc, &roots).status, Status::Ok);
}

#[test]
fn priority_variable_overrides_files() {
    let mut fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    fx.write(
        ".condarc",
        "channels: [conda-forge, bioconda]\nchannel_priority: strict\n",
    );
    fx.var("MAMBA_CHANNEL_PRIORITY", "flexible");
    let (ctx, roots, _) = fx.facts(&tc);
    let r = channels::check(&ctx, &tc, &roots);
    assert_eq!(r.status, Status::Warn);
    assert!(
        r.summary.contains("MAMBA_CHANNEL_PRIORITY"),
        "{}",
        r.summary
    );
}

#[test]
fn malformed_rc_is_a_failure_at_its_file() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    let rc = fx.write(".condarc", "channels: [conda-forge\n");
    let (ctx, roots, _) = fx.facts(&tc);
    let r = channels::check(&ctx, &tc, &roots);
    assert_eq!(r.status, Status::Fail);
    assert_eq!(r.locations[0].path, rc);
}

#[test]
fn system_rc_is_read_first_and_condarc_d_expanded() {
    let fx = Fx::new();
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    fx.write("etc-conda/.condarc", "channels: [defaults]\n");
    fx.write(
        ".conda/condarc.d/10-forge.yml",
        "channel_priority: strict\n",
    );
    let (ctx, roots, _) = fx.facts(&tc);
    assert_eq!(
        roots.rc.iter().map(|f| f.path.clone()).collect::<Vec<_>>(),
        [
            fx.path("etc-conda/.condarc"),
            fx.path(".conda/condarc.d/10-forge.yml")
        ]
    );
    let r = channels::check(&ctx, &tc, &roots);
    assert_eq!(r.status, Status::Warn);
}

// ---- the no-pip invariant ---------------------------------------------------------------

/// Lays out one situation in a fixture.
type Scenario = Box<dyn Fn(&mut Fx)>;

/// Every situation the fixtures above build, for one flavour (or none).
fn every_result(flavour: Option<Flavour>) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let scenarios: Vec<Scenario> = vec![
        Box::new(|_| {}),
        Box::new(|fx| {
            fx.env("micromamba/envs/myproj");
            let p = fx.s(".local/share/mamba");
            fx.var("MAMBA_ROOT_PREFIX", p);
        }),
        Box::new(|fx| {
            fx.write(".local/share/mamba/x", "junk");
        }),
        Box::new(|fx| {
            fx.mamba_block(".bashrc", "/gone/micromamba", "/gone/root");
        }),
        Box::new(|fx| {
            fx.write(".condarc", "channels: [bioconda, defaults]\n");
            fx.write("miniforge3/.condarc", "channels: [defaults]\n");
        }),
        Box::new(|fx| {
            fx.write(".condarc", "channels: [oops\n");
        }),
        Box::new(|fx| {
            fx.var("CONDA_ENVS_DIRS", "/a").var("CONDA_ENVS_PATH", "/b");
        }),
        Box::new(|fx| {
            fx.var("SHELL", "/usr/bin/fish");
        }),
    ];
    for scenario in &scenarios {
        let mut fx = Fx::new();
        scenario(&mut fx);
        let mut tcs = vec![];
        match flavour {
            Some(f) => {
                let mut t = install(&fx, f);
                tcs.push(chain(vec![t.clone()]));
                t.on_path = false;
                t.found_via = vec!["known location".into()];
                let mut tc = chain(vec![t]);
                tc.broken.push(broken(ProblemKind::Crashed));
                tcs.push(tc);
            }
            None => {
                tcs.push(Toolchain::default());
                for kind in [ProblemKind::TimedOut, ProblemKind::Garbage] {
                    tcs.push(Toolchain {
                        broken: vec![broken(kind)],
                        ..Toolchain::default()
                    });
                }
            }
        }
        for tc in &tcs {
            out.extend(fx.run_all(tc));
        }
    }
    out
}

#[test]
fn no_fix_of_any_mamba_check_calls_pip() {
    let mut fixes = 0;
    for flavour in Flavour::ALL.map(Some).into_iter().chain([None]) {
        for r in every_result(flavour) {
            let Some(f) = &r.fix else { continue };
            fixes += 1;
            assert!(!f.why.is_empty());
            for c in &f.commands {
                assert!(!argv_calls_pip(c), "{flavour:?}: {c:?}");
            }
            for m in &f.manual {
                assert!(!text_calls_pip(m), "{flavour:?}: {m}");
            }
        }
    }
    assert!(fixes > 40, "only {fixes} fixes were produced");
}

#[test]
fn registry_ids_and_explain_texts() {
    let ids: Vec<String> = checks().iter().map(|c| c.meta().id.clone()).collect();
    assert_eq!(
        ids,
        crate::words("mamba.installed mamba.root_prefix mamba.shell_init mamba.channels")
    );
    for c in checks() {
        assert!(c.meta().explain.len() > 300, "{}", c.meta().id);
    }
}

// ---- the root the tool itself reports ------------------------------------------------------

/// A micromamba 2 stand-in whose `info --json` prints `info` (the recorded key set, trimmed).
fn reporting_micromamba(fx: &Fx, info: &str) -> Tool {
    let p = fx.write(
        ".local/bin/micromamba",
        &format!("#!/bin/sh\n[ \"$1\" = info ] && printf '%s\\n' '{info}'\n"),
    );
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    tool(Flavour::Micromamba2, "2.0.5", p)
}

#[test]
fn advice_follows_the_root_the_tool_reports() {
    // devdoctor's reading gives the 2.x default (missing); micromamba itself says ~/mm, where
    // the project's environment is: no warning, and the report says whose root it judged.
    let fx = Fx::new();
    fx.env("mm/envs/myproj");
    let info = format!(
        "{{\"base environment\": \"{}\", \"envs directories\": [\"{}/envs\"], \"platform\": \"linux-64\"}}",
        fx.s("mm"),
        fx.s("mm")
    );
    let tc = chain(vec![reporting_micromamba(&fx, &info)]);
    let (ctx, roots, sh) = fx.facts(&tc);
    assert_eq!(roots.root_prefix, Some(fx.path(".local/share/mamba")));
    let r = root::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Ok, "{r:?}");
    assert!(r.summary.contains("~/mm"), "{}", r.summary);
    assert!(r.summary.contains("info --json"), "{}", r.summary);
    assert!(has_detail(&r, "micromamba itself reports ~/mm"), "{r:?}");
    assert!(r.fix.is_none());
}

#[test]
fn a_tool_that_agrees_or_cannot_answer_leaves_the_verdict() {
    let mut fx = Fx::new();
    let p = fx.s("nowhere");
    fx.var("MAMBA_ROOT_PREFIX", p.clone());
    let info = format!("{{\"base environment\": \"{p}/\"}}");
    let tc = chain(vec![reporting_micromamba(&fx, &info)]);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = root::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Warn);
    assert!(has_detail(&r, "reports the same root prefix"), "{r:?}");
    // A tool that prints nothing: the worked-out verdict stands, with why it is unconfirmed.
    let tc = chain(vec![install(&fx, Flavour::Micromamba2)]);
    let (ctx, roots, sh) = fx.facts(&tc);
    let r = root::check(&ctx, &tc, &roots, &sh);
    assert_eq!(r.status, Status::Warn);
    assert!(has_detail(
        &r,
        "could not confirm the root prefix: it printed nothing"
    ));
}

#[test]
fn info_json_root_in_every_shape() {
    use crate::probes::mamba::parse_info_root;
    let mm = r#"{"base environment":"/home/u/.local/share/mamba","log_history":[],"platform":"linux-64"}"#;
    assert_eq!(
        parse_info_root(mm).unwrap(),
        PathBuf::from("/home/u/.local/share/mamba")
    );
    let conda = r#"{"root_prefix":"/opt/miniforge3/","envs":[],"mamba_version":"1.5.8"}"#;
    assert_eq!(
        parse_info_root(conda).unwrap(),
        PathBuf::from("/opt/miniforge3")
    );
    use crate::probes::mamba::RootAskError;
    assert_eq!(parse_info_root("  \n").unwrap_err(), RootAskError::Silent);
    assert_eq!(parse_info_root("{}").unwrap_err(), RootAskError::NoRoot);
    assert!(matches!(
        parse_info_root("{"),
        Err(RootAskError::NotJson(_))
    ));
    assert_eq!(
        parse_info_root(r#"{"root_prefix":"rel"}"#)
            .unwrap_err()
            .to_string(),
        "it names a relative root prefix `rel`"
    );
    assert!(matches!(
        parse_info_root("warning: x"),
        Err(RootAskError::NotJson(_))
    ));
}
