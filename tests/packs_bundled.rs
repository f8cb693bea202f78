//! The packs shipped in `checks/`: quiet on an unrelated project, and right on the projects
//! they are about (pip in scripts, .env secrets, developer tools).

mod support;

use std::path::Path;
use std::process::Command;
use support::{check, status, stdout, Sandbox};

const BUNDLED_GLOBS: &[&str] = &["tools.*", "dotenv.*", "pip.*"];

fn bundled(sb: &Sandbox, extra: &[&str]) -> (serde_json::Value, i32) {
    let mut args = extra.to_vec();
    args.extend_from_slice(BUNDLED_GLOBS);
    sb.json(&args)
}

/// Puts the real git on the sandbox PATH; `None` (test skipped) when git is not installed.
fn with_git(sb: &Sandbox) -> Option<()> {
    let git = which::which("git").ok()?;
    std::os::unix::fs::symlink(git, sb.bin.join("git")).ok()?;
    Some(())
}

/// Makes the sandbox's project a git repository with the real git on PATH; `None` (the test
/// says it skipped) when git is not installed.
fn git_repo(sb: &Sandbox) -> Option<()> {
    if with_git(sb).is_none() {
        support::skipped("git is not installed");
        return None;
    }
    git(&sb.project, &["init", "-q"]);
    Some(())
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs")
        .status
        .success();
    assert!(ok, "git {args:?} failed");
}

#[test]
fn an_unrelated_project_gets_only_skips() {
    let sb = Sandbox::new();
    sb.write("project/main.rs", "fn main() {}\n");
    let (v, code) = bundled(&sb, &[]);
    assert_eq!(code, 3, "nothing applied, so nothing was checked: {v:#}");
    for c in v["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "skip", "{c:#}");
        assert!(
            c["summary"].as_str().unwrap().starts_with("not applicable"),
            "{c:#}"
        );
    }
    // Every bundled check (tools, dotenv and pip packs) was listed.
    assert!(v["checks"].as_array().unwrap().len() >= 11);
}

/// Binder runs `postBuild` (no extension) after creating the environment: a pip install
/// there is a shell script's.
#[test]
fn binders_post_build_script_is_a_shell_script() {
    let sb = Sandbox::new();
    sb.write(
        "project/binder/environment.yml",
        "name: demo\nchannels: [conda-forge]\ndependencies: [python=3.12]\n",
    );
    sb.write(
        "project/binder/postBuild",
        "#!/bin/bash\nset -e\npip install --no-deps fitter\n",
    );
    let (v, _) = bundled(&sb, &[]);
    let c = check(&v, "pip.shell");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(c["locations"][0]["path"], "binder/postBuild", "{c:#}");
    assert_eq!(c["locations"][0]["line"], 3, "{c:#}");
}

/// An environment file written for an image (`name: base`, linusseelinger/tsadar-app): a pack
/// step that creates `{env}` creates the project's own environment, as env.exists proposes;
/// `create -n base` is refused.
#[test]
fn a_base_environment_file_gives_packs_the_projects_own_name() {
    let sb = Sandbox::new();
    sb.write(
        "project/mambaenv.yaml",
        "name: base\nchannels: [conda-forge]\ndependencies: [python=3.11]\n",
    );
    sb.write(
        "project/.github/workflows/ci.yml",
        "jobs:\n  test:\n    steps:\n      - run: pip install pytest\n",
    );
    let (v, _) = bundled(&sb, &[]);
    let fix = check(&v, "pip.ci")["fix"].to_string();
    assert!(
        fix.contains("micromamba create -y -n project -f mambaenv.yaml"),
        "{fix}"
    );
    assert!(!fix.contains("-n base"), "{fix}");
}

#[test]
fn pip_usage_is_found_in_makefiles_scripts_ci_and_readme() {
    let sb = Sandbox::new();
    sb.write(
        "project/environment.yml",
        "name: demo\nchannels: [conda-forge]\ndependencies: [python=3.11]\n",
    );
    sb.write("project/Makefile", "# pip install is forbidden here\nsetup:\n\t@pip install -r requirements.txt\nlock:\n\tconda-lock -f environment.yml\n");
    sb.write("project/scripts/setup.sh", "#!/bin/sh\nset -e\nmicromamba create -y -f environment.yml\nsudo python3 -m pip install --upgrade httpx\n");
    sb.write("project/.github/workflows/ci.yml", "jobs:\n  test:\n    steps:\n      - run: |\n          python -m pip install -r requirements-dev.txt\n          pytest\n");
    sb.write(
        "project/.gitlab-ci.yml",
        "test:\n  script:\n    - uv pip install pytest\n",
    );
    sb.write(
        "project/README.md",
        "Install:\n\n```bash\n$ pip install demo\n```\n\n```console\n✗ dockerfile.pip  RUN uses `pip install`: x\n```\n\n```sh\ncd app && pip install -e . flask\n```\n\nNot code: pip install x\n",
    );
    let (v, code) = bundled(&sb, &[]);
    assert_eq!(code, 0, "warnings only");
    let expect = [
        ("pip.makefile", "Makefile", 3),
        ("pip.shell", "scripts/setup.sh", 4),
        ("pip.ci", ".github/workflows/ci.yml", 5),
        ("pip.readme", "README.md", 4),
    ];
    for (id, path, line) in expect {
        let c = check(&v, id);
        assert_eq!(c["status"], "warn", "{c:#}");
        let loc = &c["locations"][0];
        assert_eq!(loc["path"], path, "{c:#}");
        assert_eq!(loc["line"], line, "{c:#}");
        let fix = &c["fix"];
        let cmds = fix["commands"].as_array().unwrap();
        // The README's and the CI's fixes are edits: env.exists creates a missing
        // environment, a create here would replace one that exists, and updating this
        // machine's environment changes nothing in CI.
        assert_eq!(
            cmds.is_empty(),
            ["pip.readme", "pip.ci"].contains(&id),
            "{c:#}"
        );
        assert!(!fix["manual"].as_array().unwrap().is_empty(), "{c:#}");
        for cmd in cmds {
            let argv: Vec<&str> = cmd
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            assert_eq!(argv[0], "micromamba", "{argv:?}");
            assert!(argv.contains(&"demo"), "{argv:?}");
            assert!(!devdoctor::policy::no_pip::argv_calls_pip(&argv));
        }
    }
    let ci = check(&v, "pip.ci");
    assert_eq!(
        ci["locations"].as_array().unwrap().len(),
        2,
        "GitHub and GitLab: {ci:#}"
    );
    assert_eq!(ci["locations"][1]["path"], ".gitlab-ci.yml");
    // Commands count (line 4, line 12); tool output that mentions pip in prose does not.
    let readme = check(&v, "pip.readme")["locations"]
        .as_array()
        .unwrap()
        .clone();
    let lines: Vec<_> = readme.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [4, 12], "{readme:#?}");
}

/// pip in a project that sets up no conda environment (no environment file, no
/// requirements.txt: a library on PyPI, a pixi workspace) is its own choice: the pip checks
/// skip and say why, instead of proposing an environment.yml that does not exist.
#[test]
fn pip_checks_skip_where_no_conda_environment_is_set_up() {
    let sb = Sandbox::new();
    sb.write(
        "project/Makefile",
        "setup:\n\tpip install -r requirements-dev.txt\n",
    );
    sb.write("project/README.md", "```bash\npip install demo\n```\n");
    sb.write("project/pyproject.toml", "[project]\nname = \"demo\"\n");
    let (v, code) = bundled(&sb, &[]);
    support::assert_skipped(
        &v,
        &["pip.makefile", "pip.readme"],
        "sets up no conda environment",
    );
    // Nothing here warns: every selected check skipped (exit 3: nothing was checked).
    assert_eq!(code, 3, "{v:#}");
    // A requirements.txt that env.file proposes to replace counts as setting one up.
    sb.write("project/requirements.txt", "requests\n");
    let (v, _) = bundled(&sb, &[]);
    assert_eq!(status(&v, "pip.makefile"), "warn", "{v:#}");
}

#[test]
fn clean_scripts_pass() {
    let sb = Sandbox::new();
    sb.write(
        "project/environment.yml",
        "name: demo\nchannels: [conda-forge]\ndependencies: [python=3.11]\n",
    );
    sb.write("project/Makefile", "setup:\n\tmicromamba create -y -n demo -f environment.yml\n\tmicromamba install -y -n demo -c conda-forge pip pipx\n");
    sb.write(
        "project/run.sh",
        "#!/bin/sh\nmicromamba run -n demo python main.py\n",
    );
    let (v, _) = bundled(&sb, &[]);
    assert_eq!(status(&v, "pip.makefile"), "ok", "{v:#}");
    assert_eq!(status(&v, "pip.shell"), "ok", "{v:#}");
}

#[test]
fn a_library_installing_itself_is_a_note_not_a_finding() {
    let sb = with_readme("# lib\n\n```bash\npip install -e \".[dev]\"\n```\n");
    sb.write(
        "project/.github/workflows/ci.yml",
        "jobs:\n  t:\n    steps:\n      - run: python -m pip install --no-deps -e .\n      - run: pip install pytest\n",
    );
    let (v, _) = bundled(&sb, &[]);
    let readme = check(&v, "pip.readme");
    assert_eq!(readme["status"], "ok", "{readme:#}");
    let summary = readme["summary"].as_str().unwrap();
    assert!(
        summary.contains("installs only the project itself") && summary.contains("README.md:4"),
        "{summary}"
    );
    // Not "no match in 1 file" beside the line it matched.
    assert!(
        summary.ends_with("(README.md:4); no other match in 1 file"),
        "{summary}"
    );
    assert!(
        readme["fix"].is_null(),
        "nothing to fix in a README: {readme:#}"
    );
    assert!(
        readme["details"].to_string().contains("under `pip:`"),
        "{readme:#}"
    );
    // A real dependency installed with pip beside it is still a finding, and only it.
    let ci = check(&v, "pip.ci");
    assert_eq!(ci["status"], "warn", "{ci:#}");
    let locations = ci["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 1, "{ci:#}");
    assert_eq!(locations[0]["line"], 5);
    assert_eq!(
        ci["data"]["self_installs"],
        serde_json::json!([".github/workflows/ci.yml:4"])
    );

    // A library's README telling its users to install it from PyPI, by its distribution name
    // (pyproject.toml's, PEP 503 spelling aside), is the same kind of note; another package is
    // not.
    sb.write("project/pyproject.toml", "[project]\nname = \"My_Lib\"\n");
    sb.write(
        "project/README.md",
        "# lib\n\n```bash\nconda install -c conda-forge my-lib\npip install \"my-lib[all]\"\n```\n\n```bash\npip install my-lib-plugins\n```\n",
    );
    let (v, _) = bundled(&sb, &["-v"]);
    let readme = check(&v, "pip.readme");
    assert_eq!(readme["status"], "warn", "{readme:#}");
    let lines = location_lines(readme);
    assert_eq!(lines, [9], "{readme:#}");
    assert_eq!(
        readme["data"]["self_installs"],
        serde_json::json!(["README.md:5"]),
        "{readme:#}"
    );
}

/// The instructions a coding agent follows (CLAUDE.md, AGENTS.md) are setup instructions
/// too: TobiSan5/first-mcp's CLAUDE.md pip-installs into the conda environment. A release job
/// that installs its packaging tools, a wheel checker among them, is a note.
#[test]
fn agent_instructions_are_read_and_release_tools_are_a_note() {
    let sb = with_readme("# app\n");
    sb.write(
        "project/CLAUDE.md",
        "# Working here\n\n```bash\nmamba activate demo\npip install package_name\n```\n",
    );
    sb.write(
        "project/.github/workflows/release.yml",
        "jobs:\n  r:\n    steps:\n      - run: pip install build twine check-wheel-contents\n",
    );
    let (v, _) = bundled(&sb, &[]);
    let readme = check(&v, "pip.readme");
    assert_eq!(readme["status"], "warn", "{readme:#}");
    assert_eq!(readme["locations"][0]["path"], "CLAUDE.md", "{readme:#}");
    assert_eq!(location_lines(readme), [5], "{readme:#}");
    let ci = check(&v, "pip.ci");
    assert_eq!(ci["status"], "ok", "{ci:#}");
}

/// A job that reinstalls the project's own wheel with `--force-reinstall` (anaconda/anaconda-mcp's
/// Makefile) takes every dependency from PyPI again: a finding, whose step keeps the line and
/// adds `--no-deps` rather than moving the wheel into environment.yml. Beside another package,
/// that step comes first and the pack's own follow.
#[test]
fn a_forced_reinstall_of_the_project_keeps_its_line_with_no_deps() {
    let sb = with_readme(
        "# app
",
    );
    let ci = "jobs:\n  t:\n    steps:\n      - run: python -m build\n      - run: pip install --force-reinstall dist/*.whl\n";
    sb.write("project/.github/workflows/ci.yml", ci);
    let (v, _) = bundled(&sb, &[]);
    let c = check(&v, "pip.ci");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(location_lines(c), [5], "{c:#}");
    assert!(
        c["locations"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with("(installs the project itself, but reinstalls every dependency from PyPI too, over the environment's conda packages)"),
        "{c:#}"
    );
    let manual = |c: &serde_json::Value| -> Vec<String> {
        c["fix"]["manual"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        manual(c),
        ["keep each line that installs the project itself (.github/workflows/ci.yml:5), and add `--no-deps` to it, so that its dependencies come from the environment"],
        "{c:#}"
    );
    // With --no-deps it is the project alone: a note.
    sb.write(
        "project/.github/workflows/ci.yml",
        &ci.replace("--force-reinstall", "--force-reinstall --no-deps"),
    );
    let (v, _) = bundled(&sb, &[]);
    assert_eq!(check(&v, "pip.ci")["status"], "ok");
    // Beside a dependency installed with pip, both steps.
    sb.write(
        "project/.github/workflows/ci.yml",
        &format!("{ci}      - run: pip install requests\n"),
    );
    let (v, _) = bundled(&sb, &[]);
    let c = check(&v, "pip.ci");
    assert_eq!(location_lines(c), [5, 6], "{c:#}");
    let steps = manual(c);
    assert!(
        steps[0].starts_with(
            "keep each line that installs the project itself (.github/workflows/ci.yml:5)"
        ),
        "{steps:?}"
    );
    assert!(
        steps[1].starts_with("add what each listed line installs to environment.yml"),
        "{steps:?}"
    );
}

/// A README whose steps are a list with inline code (`conda create …`, then `pip install -r
/// requirements.txt`) installs with pip as much as one with a fenced block; prose that turns
/// pip down ("instead of `pip install …`") does not.
#[test]
fn inline_code_in_a_readme_is_searched() {
    let sb = with_readme(
        "# Setup\n\n1.  **Conda Env:**\n    *   Make a conda env: `conda create -n mcp_env python=3.10`\n\n2.  **Install Stuff:**\n    *   `pip install -r requirements.txt`\n\nUse `micromamba install` instead of `pip install`.\n",
    );
    let (v, _) = bundled(&sb, &[]);
    let readme = check(&v, "pip.readme");
    assert_eq!(readme["status"], "warn", "{readme:#}");
    let lines = location_lines(readme);
    assert_eq!(lines, [7], "{readme:#}");
}

/// An indented code block, as older READMEs write their commands, is searched as a fenced
/// one is; a list item indented as far is not a block.
#[test]
fn an_indented_code_block_in_a_readme_is_searched() {
    let sb = with_readme(
        "Setup\n=====\n\nInstall the requirements:\n\n    conda activate demo\n    pip install -r requirements.txt\n\nThen:\n\n    - pip install is not used for the rest\n",
    );
    let (v, _) = bundled(&sb, &[]);
    let readme = check(&v, "pip.readme");
    assert_eq!(readme["status"], "warn", "{readme:#}");
    assert_eq!(location_lines(readme), [7], "{readme:#}");
}

/// A README.rst (Ouranosinc/raven's) is searched too: reStructuredText's literal blocks, after
/// `::`, are indented code blocks.
#[test]
fn a_restructuredtext_readme_is_searched() {
    let sb = with_readme("");
    std::fs::remove_file(sb.project.join("README.md")).unwrap();
    sb.write(
        "project/README.rst",
        "Raven\n=====\n\nInstall::\n\n    pip install xclim rasterio\n\nThen run it.\n",
    );
    let (v, _) = bundled(&sb, &[]);
    let readme = check(&v, "pip.readme");
    assert_eq!(readme["status"], "warn", "{readme:#}");
    assert_eq!(location_lines(readme), [6], "{readme:#}");
}

#[test]
fn trivy_version_is_checked_and_fixed_with_mamba() {
    let sb = Sandbox::new();
    sb.write("project/Dockerfile", "FROM mambaorg/micromamba:1.5.6\n");
    sb.stand_in("trivy", "echo 'Version: 0.48.3'; echo 'Vulnerability DB:'");
    let (v, code) = bundled(&sb, &["tools.trivy"]);
    let c = check(&v, "tools.trivy");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(code, 0);
    assert!(c["summary"].as_str().unwrap().contains("0.48.3"), "{c:#}");
    assert_eq!(
        c["fix"]["commands"][0],
        serde_json::json!([
            "micromamba",
            "install",
            "-y",
            "-n",
            "base",
            "-c",
            "conda-forge",
            "trivy"
        ])
    );
    sb.stand_in("trivy", "echo 'Version: 0.51.2'");
    let (v, _) = bundled(&sb, &["tools.trivy"]);
    assert_eq!(status(&v, "tools.trivy"), "ok");
    // The human report prints the fix as a command line.
    sb.stand_in("trivy", "echo 'Version: 0.40.0'");
    let out = sb.run(&["--color", "never", "tools.trivy"]);
    assert!(
        stdout(&out).contains("micromamba install -y -n base -c conda-forge trivy"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_tool_the_fix_installed_into_base_passes_the_next_run() {
    // The fix installs trivy into the base environment, whose bin folder is not on PATH: the
    // next run must find it there (and say how to run it), not report it missing again.
    let mut sb = Sandbox::new();
    sb.write("project/Dockerfile", "FROM scratch\n");
    sb.stand_in("micromamba", "echo 2.0.5");
    let root = sb.root().join("mamba-root");
    let trivy = sb.write(
        "mamba-root/bin/trivy",
        "#!/bin/sh\necho 'Version: 0.58.1'\n",
    );
    std::fs::set_permissions(&trivy, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(root.join("conda-meta")).unwrap();
    sb.var("MAMBA_ROOT_PREFIX", root.as_os_str());
    let (v, _) = bundled(&sb, &["tools.trivy"]);
    let c = check(&v, "tools.trivy");
    assert_eq!(c["status"], "ok", "{c:#}");
    let details = c["details"].to_string();
    assert!(
        details.contains("found in the base environment")
            && details.contains("micromamba run -n base trivy"),
        "{details}"
    );
}

#[test]
fn committed_env_file_with_secrets_fails_without_printing_them() {
    let sb = Sandbox::new();
    if git_repo(&sb).is_none() {
        return;
    }
    let p = &sb.project;
    sb.write("project/.env", "DEBUG=1\nexport OPENAI_API_KEY=sk-proj-abcdef0123456789\nDB_PASSWORD=\"hunter2hunter2\"\nEMPTY_TOKEN=\nREF_SECRET=${FROM_VAULT}\nTOKENIZERS_PARALLELISM=false\nPASSWORD_FILE=/run/secrets/db\nPGPASSWORD=pgS3cr3t99\n");
    sb.write(
        "project/.env.example",
        "OPENAI_API_KEY=sk-your-key-here-please\n",
    );
    git(p, &["add", ".env", ".env.example"]);
    let out = sb.run(&["--json", "dotenv.committed", "dotenv.gitignore"]);
    let text = stdout(&out);
    for secret in ["sk-proj-abcdef", "hunter2", "pgS3cr3t99"] {
        assert!(!text.contains(secret), "secret leaked: {text}");
    }
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let c = check(&v, "dotenv.committed");
    assert_eq!(c["status"], "fail", "{c:#}");
    let locs = c["locations"].as_array().unwrap();
    // The one secret-name classifier decides: PGPASSWORD (glued) counts, PASSWORD_FILE and
    // TOKENIZERS_PARALLELISM do not.
    assert_eq!(locs.len(), 3, "{c:#}");
    assert_eq!(
        locs[2]["message"],
        "secret-looking value for `PGPASSWORD` (value hidden)"
    );
    assert_eq!(locs[0]["path"], ".env");
    assert_eq!(locs[0]["line"], 2);
    assert_eq!(
        locs[0]["message"],
        "secret-looking value for `OPENAI_API_KEY` (value hidden)"
    );
    assert_eq!(locs[1]["line"], 3);
    assert_eq!(out.status.code(), Some(1));
    // no .gitignore yet
    assert_eq!(status(&v, "dotenv.gitignore"), "warn");
    let human = stdout(&sb.run(&["-v", "--color", "never", "dotenv.committed"]));
    assert!(
        !human.contains("hunter2") && !human.contains("sk-proj"),
        "{human}"
    );

    // untracked and ignored: both pass
    git(p, &["rm", "-q", "--cached", ".env"]);
    sb.write("project/.gitignore", "__pycache__/\n.env\n");
    let (v, _) = sb.json(&["dotenv.committed", "dotenv.gitignore"]);
    assert_eq!(status(&v, "dotenv.committed"), "ok", "{v:#}");
    assert_eq!(status(&v, "dotenv.gitignore"), "ok", "{v:#}");

    // a negated rule does not count
    sb.write("project/.gitignore", ".env*\n!.env\n");
    let (v, _) = sb.json(&["dotenv.gitignore"]);
    assert_eq!(status(&v, "dotenv.gitignore"), "warn", "{v:#}");
}

/// A template named the other way round (fema-ffrd/stac-graph's `example.env`) says the
/// project keeps a .env too: its .gitignore is asked.
#[test]
fn an_example_env_template_asks_for_the_ignore_rule() {
    let sb = Sandbox::new();
    if git_repo(&sb).is_none() {
        return;
    }
    sb.write("project/example.env", "AWS_ACCESS_KEY_ID=\n");
    let (v, _) = sb.json(&["dotenv.gitignore"]);
    assert_eq!(status(&v, "dotenv.gitignore"), "warn", "{v:#}");
    sb.write("project/.gitignore", ".env\n");
    let (v, _) = sb.json(&["dotenv.gitignore"]);
    assert_eq!(status(&v, "dotenv.gitignore"), "ok", "{v:#}");
}

/// A variant in a subfolder (Extralit's `.devcontainer/docker-compose/.env.dev`) is a .env
/// file too, and the step untracks the files found, not a `.env` that is not there.
#[test]
fn a_committed_env_variant_in_a_subfolder_fails() {
    let sb = Sandbox::new();
    if git_repo(&sb).is_none() {
        return;
    }
    sb.write(
        "project/deploy/.env.dev",
        "WCS_PASSWORD=LongDevPassword9
",
    );
    sb.write(
        "project/deploy/.env.dev.example",
        "WCS_PASSWORD=LongDevPassword9
",
    );
    git(&sb.project, &["add", "deploy"]);
    let (v, _) = sb.json(&["dotenv.committed"]);
    let c = check(&v, "dotenv.committed");
    assert_eq!(c["status"], "fail", "{c:#}");
    let locs = c["locations"].as_array().unwrap();
    assert_eq!(locs.len(), 1, "{c:#}");
    assert_eq!(locs[0]["path"], "deploy/.env.dev");
    let manual = c["fix"]["manual"].to_string();
    assert!(manual.contains("`git rm --cached -- FILE`"), "{manual}");
    assert!(!manual.contains("-- .env "), "{manual}");
}

/// A repository's own `.git/config` may name an excludes file anywhere on the machine; git
/// would read it and `check-ignore -v` would quote its matching line, which a failing check
/// shows. devdoctor's git reads no excludes file but the repository's .gitignore files.
#[test]
fn a_repository_config_cannot_make_git_quote_a_file_outside_it() {
    let sb = Sandbox::new();
    if git_repo(&sb).is_none() {
        return;
    }
    let p = &sb.project;
    let outside = sb.write("private/notes-4711", "*.env\n.env\n");
    git(
        p,
        &["config", "core.excludesFile", &outside.to_string_lossy()],
    );
    sb.write("project/.env", "DEBUG=1\n");
    let out = sb.run(&["-v", "--json", "dotenv.gitignore"]);
    let text = stdout(&out);
    assert!(!text.contains("4711"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(status(&v, "dotenv.gitignore"), "warn", "{v:#}");
}

#[test]
fn dockerignore_must_exclude_env_when_both_exist() {
    let sb = Sandbox::new();
    sb.write("project/.env", "X=1\n");
    let (v, _) = sb.json(&["dotenv.dockerignore"]);
    assert_eq!(status(&v, "dotenv.dockerignore"), "skip", "no Dockerfile");
    sb.write("project/Dockerfile", "FROM scratch\n");
    let (v, _) = sb.json(&["dotenv.dockerignore"]);
    let c = check(&v, "dotenv.dockerignore");
    assert_eq!(c["status"], "warn", "{c:#}");
    // The missing file is named as resolved, not as the pack's pattern.
    let said = c.to_string();
    assert!(said.contains("./.dockerignore does not exist"), "{c:#}");
    assert!(!said.contains("{build_context}"), "{c:#}");
    sb.write("project/.dockerignore", ".git\n**/.env\n");
    let (v, _) = sb.json(&["dotenv.dockerignore"]);
    assert_eq!(status(&v, "dotenv.dockerignore"), "ok", "{v:#}");
}

/// A `.env` that is a link (to a shared secrets file) is sent to the engine as the link: the
/// check applies, and where it points is never looked at, inside the project or out.
#[test]
fn a_linked_env_file_counts_as_itself() {
    let sb = Sandbox::new();
    sb.write("project/Dockerfile", "FROM scratch\n");
    std::os::unix::fs::symlink(
        "/nonexistent/devdoctor/secrets.env",
        sb.project.join(".env"),
    )
    .unwrap();
    let (v, _) = sb.json(&["dotenv.dockerignore"]);
    assert_eq!(status(&v, "dotenv.dockerignore"), "warn", "{v:#}");
}

/// dotenv.dockerignore warns, its summary starting with `summary` and its fix naming `fix`.
fn dockerignore_warns(sb: &Sandbox, summary: &str, fix: &str) {
    let (v, _) = sb.json(&["dotenv.dockerignore"]);
    let c = check(&v, "dotenv.dockerignore");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(c["summary"].as_str().unwrap().starts_with(summary), "{c:#}");
    assert!(c["fix"].to_string().contains(fix), "{c:#}");
}

#[test]
fn dockerignore_is_judged_per_build_context() {
    // The Dockerfile builds from services/api: a .env at the root never reaches the engine.
    let sb = Sandbox::new();
    sb.write("project/.env", "X=1\n");
    sb.write("project/services/api/Dockerfile", "FROM scratch\n");
    let (v, _) = sb.json(&["dotenv.dockerignore"]);
    let c = check(&v, "dotenv.dockerignore");
    assert_eq!(c["status"], "skip", "{c:#}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("build context (services/api)"),
        "{c:#}"
    );
    // A .env inside that context without a .dockerignore there: a warning naming the context,
    // and a root .dockerignore does not help (the engine reads the context's own).
    sb.write("project/services/api/.env", "X=1\n");
    sb.write("project/.dockerignore", ".env\n");
    dockerignore_warns(
        &sb,
        "services/api/.dockerignore",
        "services/api/.dockerignore",
    );
    sb.write("project/services/api/.dockerignore", "/.env\n");
    let (v, _) = sb.json(&["dotenv.dockerignore"]);
    assert_eq!(status(&v, "dotenv.dockerignore"), "ok", "{v:#}");
    // A compose build context of `.` takes the root .env back in.
    sb.write(
        "project/compose.yaml",
        "services:\n  api:\n    build:\n      context: .\n      dockerfile: services/api/Dockerfile\n",
    );
    std::fs::remove_file(sb.project.join(".dockerignore")).unwrap();
    let (v, _) = sb.json(&["dotenv.dockerignore"]);
    let c = check(&v, "dotenv.dockerignore");
    assert_eq!(c["status"], "warn", "{c:#}");
}

/// A Dockerfile's own ignore file (`app.Dockerfile.dockerignore`), which BuildKit reads in
/// place of the context's `.dockerignore`, is the one judged.
#[test]
fn a_dockerfiles_own_ignore_file_is_the_one_judged() {
    let sb = Sandbox::new();
    sb.write("project/.env", "X=1\n");
    sb.write("project/app.Dockerfile", "FROM scratch\n");
    sb.write("project/app.Dockerfile.dockerignore", ".git\n");
    sb.write("project/.dockerignore", ".env\n");
    dockerignore_warns(
        &sb,
        "./app.Dockerfile.dockerignore does not exclude .env",
        "to ./app.Dockerfile.dockerignore",
    );
    sb.write("project/app.Dockerfile.dockerignore", ".git\n.env\n");
    std::fs::remove_file(sb.project.join(".dockerignore")).unwrap();
    let (v, _) = sb.json(&["dotenv.dockerignore"]);
    assert_eq!(status(&v, "dotenv.dockerignore"), "ok", "{v:#}");
}

#[test]
fn tools_apply_only_where_the_project_uses_them() {
    let sb = Sandbox::new();
    sb.write("project/.pre-commit-config.yaml", "repos: []\n");
    sb.stand_in("pre-commit", "echo 'pre-commit 3.7.1'");
    let (v, _) = bundled(&sb, &[]);
    let c = check(&v, "tools.pre-commit");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert_eq!(c["data"]["version"], "3.7.1");
    // conda-lock is env.lock's business (its fix installs conda-lock where it runs it): no
    // tools check reports it a second time.
    sb.write("project/environment.yml", "name: demo\n");
    let (v, _) = bundled(&sb, &[]);
    let tools: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .filter(|id| id.contains("conda-lock"))
        .collect();
    assert!(tools.is_empty(), "{tools:?}");
}

#[test]
fn gitignore_check_works_for_a_project_in_a_subfolder_of_the_repository() {
    let sb = Sandbox::new();
    if with_git(&sb).is_none() {
        support::skipped("git is not installed");
        return;
    }
    // The repository is the sandbox root; the project is its `project/` subfolder.
    git(sb.root(), &["init", "-q"]);
    sb.write("project/.env", "DEBUG=1\n");
    let (v, _) = sb.json(&["dotenv.gitignore"]);
    assert_eq!(status(&v, "dotenv.gitignore"), "warn", "{v:#}");
    sb.write("project/.gitignore", ".env\n");
    let (v, _) = sb.json(&["dotenv.gitignore"]);
    assert_eq!(status(&v, "dotenv.gitignore"), "ok", "{v:#}");
    // A conda project with neither a .env nor a template of one keeps no secrets there: the
    // check does not apply (eladrich/pixel2style2pixel).
    std::fs::remove_file(sb.project.join(".env")).unwrap();
    std::fs::remove_file(sb.project.join(".gitignore")).unwrap();
    sb.write(
        "project/environment.yml",
        "name: x\ndependencies: [python=3.12]\n",
    );
    let (v, _) = sb.json(&["dotenv.gitignore"]);
    assert_eq!(status(&v, "dotenv.gitignore"), "skip", "{v:#}");
    sb.write("project/.env.example", "API_KEY=\n");
    let (v, _) = sb.json(&["dotenv.gitignore"]);
    assert_eq!(status(&v, "dotenv.gitignore"), "warn", "{v:#}");
    sb.write("project/.env", "DEBUG=1\n");
    // The repository's top-level .gitignore covers it too.
    sb.write(".gitignore", "*.pyc\n.env\n");
    let (v, _) = sb.json(&["dotenv.gitignore"]);
    assert_eq!(status(&v, "dotenv.gitignore"), "ok", "{v:#}");
}

/// A project with an environment.yml (`demo`, Python 3.11) and this README.md.
fn with_readme(readme: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        "project/environment.yml",
        "name: demo\nchannels: [conda-forge]\ndependencies: [python=3.11]\n",
    );
    sb.write("project/README.md", readme);
    sb
}

/// The lines of a check's locations, in order.
fn location_lines(c: &serde_json::Value) -> Vec<u64> {
    c["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["line"].as_u64().unwrap())
        .collect()
}
