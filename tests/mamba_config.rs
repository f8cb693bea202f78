//! `mamba.root_prefix`, `mamba.shell_init` and `mamba.channels` end to end: the real binary
//! against a temporary HOME with constructed root prefixes (conda-meta/history), shell rc
//! blocks written by `shell init`, and .condarc files.
mod support;

use std::path::{Path, PathBuf};
use support::{check, Sandbox};

/// A micromamba 2 stand-in on PATH and bash as the user's shell.
fn micromamba_sandbox() -> (Sandbox, PathBuf) {
    let mut sb = Sandbox::new();
    let exe = sb.stand_in("micromamba", "echo 2.0.5");
    sb.var("SHELL", "/bin/bash");
    (sb, exe)
}

/// An environment under the sandbox HOME (`<prefix>/conda-meta/history`).
fn env(sb: &Sandbox, rel: &str) -> PathBuf {
    let prefix = sb.home.join(rel);
    std::fs::create_dir_all(prefix.join("conda-meta")).unwrap();
    std::fs::write(
        prefix.join("conda-meta/history"),
        "==> 2025-06-01 12:00:00 <==\n# cmd: micromamba create -n myproj -f environment.yml\n# conda version: 3.8.0\n",
    )
    .unwrap();
    prefix
}

fn home_file(sb: &Sandbox, rel: &str, text: &str) -> PathBuf {
    let p = sb.home.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// The block `micromamba shell init` writes.
fn mamba_block(exe: &Path, root: &Path) -> String {
    format!(
        "# >>> mamba initialize >>>\n# !! Contents within this block are managed by 'micromamba shell init' !!\nexport MAMBA_EXE='{}';\nexport MAMBA_ROOT_PREFIX='{}';\n__mamba_setup=\"$(\"$MAMBA_EXE\" shell hook --shell bash --root-prefix \"$MAMBA_ROOT_PREFIX\" 2> /dev/null)\"\nif [ $? -eq 0 ]; then\n    eval \"$__mamba_setup\"\nelse\n    alias micromamba=\"$MAMBA_EXE\"  # Fallback on help from micromamba activate\nfi\nunset __mamba_setup\n# <<< mamba initialize <<<\n",
        exe.display(),
        root.display()
    )
}

fn project_env_file(sb: &Sandbox) {
    sb.write(
        "project/environment.yml",
        "name: myproj\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n",
    );
}

#[test]
fn healthy_micromamba_setup_is_all_ok() {
    let (sb, exe) = micromamba_sandbox();
    project_env_file(&sb);
    env(&sb, "micromamba/envs/myproj");
    let root = sb.home.join("micromamba");
    home_file(
        &sb,
        ".bashrc",
        &format!("alias ll='ls -l'\n{}", mamba_block(&exe, &root)),
    );
    home_file(
        &sb,
        ".condarc",
        "channels:\n  - conda-forge\n  - nodefaults\nchannel_priority: strict\n",
    );
    let (report, code) = sb.json(&["mamba.*"]);
    for id in [
        "mamba.installed",
        "mamba.root_prefix",
        "mamba.shell_init",
        "mamba.channels",
    ] {
        assert_eq!(check(&report, id)["status"], "ok", "{id}: {report:#}");
    }
    assert_eq!(code, 0);
    let shell = check(&report, "mamba.shell_init");
    assert!(
        shell["details"]
            .to_string()
            .contains("micromamba run -n myproj python --version"),
        "{shell:#}"
    );
}

#[test]
fn shell_block_pointing_at_a_missing_mamba_exe_fails() {
    let (sb, _) = micromamba_sandbox();
    let root = sb.home.join("micromamba");
    env(&sb, "micromamba/envs/myproj");
    let rc = home_file(
        &sb,
        ".bashrc",
        &mamba_block(Path::new("/opt/gone/bin/micromamba"), &root),
    );
    let (report, code) = sb.json(&["mamba.shell_init"]);
    let c = check(&report, "mamba.shell_init");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(code, 1);
    assert!(c["summary"]
        .as_str()
        .unwrap()
        .contains("/opt/gone/bin/micromamba"));
    assert_eq!(c["locations"][0]["path"], rc.display().to_string());
    assert_eq!(c["locations"][0]["line"], 1);
    assert_eq!(
        c["fix"]["commands"][0],
        serde_json::json!([
            "micromamba",
            "shell",
            "init",
            "--shell",
            "bash",
            "--root-prefix",
            root.display().to_string()
        ])
    );
    assert_eq!(c["fix"]["phase"], "configure");
    assert!(c["details"].to_string().contains("micromamba run -n"));
}

#[test]
fn no_shell_init_warns_with_the_zsh_command() {
    let (mut sb, _) = micromamba_sandbox();
    sb.var("SHELL", "/usr/bin/zsh");
    let (report, _) = sb.json(&["mamba.shell_init"]);
    let c = check(&report, "mamba.shell_init");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(c["summary"].as_str().unwrap().contains("activate"));
    assert_eq!(c["fix"]["commands"][0][4], "zsh");
    assert!(c["details"].to_string().contains(".zshrc"));
}

#[test]
fn condarc_with_defaults_warns_at_the_line() {
    let (sb, _) = micromamba_sandbox();
    let rc = home_file(
        &sb,
        ".condarc",
        "# team config\nchannels:\n  - conda-forge\n  - defaults\n",
    );
    let (report, code) = sb.json(&["mamba.channels"]);
    let c = check(&report, "mamba.channels");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(code, 0, "a warning is not a failure");
    assert_eq!(c["locations"][0]["path"], rc.display().to_string());
    assert_eq!(c["locations"][0]["line"], 4);
    let cmds = c["fix"]["commands"].to_string();
    assert!(
        cmds.contains(r#"["micromamba","config","remove","channels","defaults"]"#),
        "{cmds}"
    );
    assert!(cmds.contains("channel_priority"), "{cmds}");
    // --strict turns the warning into a failure.
    let (_, strict_code) = sb.json(&["mamba.channels", "--strict"]);
    assert_eq!(strict_code, 1);
}

#[test]
fn mambarc_and_system_precedence_for_conda() {
    let mut sb = Sandbox::new();
    let prefix = env(&sb, "miniforge3");
    std::fs::create_dir_all(prefix.join("bin")).unwrap();
    let conda = prefix.join("bin/conda");
    std::fs::write(&conda, "#!/bin/sh\necho conda 24.11.3\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&conda, std::fs::Permissions::from_mode(0o755)).unwrap();
    sb.var("CONDA_EXE", &conda);
    // Miniforge's own .condarc in the root says conda-forge; conda ignores ~/.mambarc.
    std::fs::write(
        prefix.join(".condarc"),
        "channels:\n  - conda-forge\nchannel_priority: strict\n",
    )
    .unwrap();
    home_file(&sb, ".mambarc", "channels: [defaults]\n");
    let (report, _) = sb.json(&["mamba.channels", "mamba.installed"]);
    let c = check(&report, "mamba.channels");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert_eq!(check(&report, "mamba.installed")["data"]["on_path"], false);
}

#[test]
fn malformed_condarc_fails_without_crashing() {
    let (sb, _) = micromamba_sandbox();
    home_file(&sb, ".condarc", "channels: [conda-forge\n  - : :\n\t\u{0}");
    let (report, code) = sb.json(&["mamba.channels"]);
    let c = check(&report, "mamba.channels");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(code, 1);
    assert!(c["details"].to_string().contains(".condarc"));
}

#[test]
fn root_prefix_mismatch_after_upgrade_is_reported() {
    let (mut sb, _) = micromamba_sandbox();
    project_env_file(&sb);
    env(&sb, "micromamba/envs/myproj");
    let new_default = sb.home.join(".local/share/mamba");
    std::fs::create_dir_all(new_default.join("pkgs")).unwrap();
    sb.var("MAMBA_ROOT_PREFIX", &new_default);
    let (report, _) = sb.json(&["mamba.root_prefix"]);
    let c = check(&report, "mamba.root_prefix");
    assert_eq!(c["status"], "warn", "{c:#}");
    let summary = c["summary"].as_str().unwrap();
    assert!(summary.contains("myproj"), "{summary}");
    assert!(summary.contains("~/micromamba"), "{summary}");
    assert_eq!(
        c["fix"]["commands"][0][6],
        sb.home.join("micromamba").display().to_string()
    );
}

#[test]
fn default_root_that_is_not_a_prefix_fails() {
    let (sb, _) = micromamba_sandbox();
    home_file(&sb, ".local/share/mamba/README", "my notes");
    let (report, code) = sb.json(&["mamba.root_prefix"]);
    let c = check(&report, "mamba.root_prefix");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(code, 1);
    assert!(c["details"]
        .to_string()
        .contains("Could not use default root_prefix"));
}

#[test]
fn explain_and_list_cover_the_mamba_checks() {
    let sb = Sandbox::new();
    for id in [
        "mamba.installed",
        "mamba.root_prefix",
        "mamba.shell_init",
        "mamba.channels",
    ] {
        let out = sb.run(&["explain", id]);
        assert_eq!(out.status.code(), Some(0), "{id}");
        assert!(support::stdout(&out).len() > 300, "{id}");
    }
}
