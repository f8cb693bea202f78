//! The managed blocks `micromamba shell init` / `mamba shell init` / `conda init` write into
//! shell rc files, for the user's `$SHELL`.

use crate::core::Context;
use std::path::{Path, PathBuf};

/// Largest shell rc file read.
const MAX_RC_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// `# >>> mamba initialize >>>` (micromamba, mamba 2).
    Mamba,
    /// `# >>> conda initialize >>>` (conda; mamba 1 adds `mamba.sh` inside it).
    Conda,
}

/// One managed block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitBlock {
    pub kind: BlockKind,
    /// 1-based line of the `>>>` marker.
    pub line: usize,
    /// The `<<<` marker was found.
    pub closed: bool,
    /// `MAMBA_EXE` exported by a mamba block.
    pub mamba_exe: Option<PathBuf>,
    /// `MAMBA_ROOT_PREFIX` exported by a mamba block.
    pub root_prefix: Option<PathBuf>,
    /// The conda executable a conda block hooks.
    pub conda_exe: Option<PathBuf>,
    /// The `<root>/etc/profile.d/mamba.sh` a conda block sources (mamba 1's `mamba init`).
    pub mamba_sh: Option<PathBuf>,
    /// The executable the block runs exists and is a file.
    pub exe_exists: bool,
}

impl InitBlock {
    /// The executable the block runs.
    pub(crate) fn exe(&self) -> Option<&Path> {
        match self.kind {
            BlockKind::Mamba => self.mamba_exe.as_deref(),
            BlockKind::Conda => self.conda_exe.as_deref(),
        }
    }
}

/// One shell rc file that was looked at.
#[derive(Debug, Clone)]
pub(crate) struct ShellRcFile {
    pub path: PathBuf,
    pub blocks: Vec<InitBlock>,
    /// Could not be read (permissions, size).
    pub error: Option<String>,
}

/// The user's shell and its init blocks.
#[derive(Debug, Clone, Default)]
pub(crate) struct ShellInit {
    /// `bash`, `zsh`, `fish`, … from `$SHELL`; `None` when unset.
    pub shell: Option<String>,
    /// The name `shell init --shell` takes for it (`csh` for tcsh); `None` when unsupported.
    pub init_name: Option<String>,
    /// rc files looked at, the one `shell init` writes first.
    pub files: Vec<ShellRcFile>,
    /// `MAMBA_EXE` in this process's environment (a parent shell ran a mamba block).
    pub env_mamba_exe: Option<PathBuf>,
    /// `MAMBA_ROOT_PREFIX` in this process's environment.
    pub env_root_prefix: Option<PathBuf>,
    /// `CONDA_SHLVL` is set: an activation hook (conda's or mamba's) is loaded in the parent.
    pub hook_loaded: bool,
}

impl ShellInit {
    /// Every block found, in file order.
    pub(crate) fn blocks(&self) -> impl Iterator<Item = (&ShellRcFile, &InitBlock)> {
        self.files
            .iter()
            .flat_map(|f| f.blocks.iter().map(move |b| (f, b)))
    }

    /// The first mamba block's exported root prefix.
    pub(crate) fn block_root(&self) -> Option<(&ShellRcFile, &InitBlock, &Path)> {
        self.blocks()
            .find_map(|(f, b)| b.root_prefix.as_deref().map(|r| (f, b, r)))
    }
}

/// The rc files `shell init` writes for a shell, most relevant first.
pub(crate) fn rc_files_for(ctx: &Context, shell: &str, macos: bool) -> Vec<PathBuf> {
    let Some(home) = ctx.home() else {
        return Vec::new();
    };
    let xdg = ctx
        .var_path("XDG_CONFIG_HOME")
        .unwrap_or_else(|| home.join(".config"));
    match shell {
        "bash" if macos => vec![home.join(".bash_profile"), home.join(".bashrc")],
        "bash" => vec![home.join(".bashrc"), home.join(".bash_profile")],
        "zsh" => vec![ctx.var_path("ZDOTDIR").unwrap_or(home).join(".zshrc")],
        "fish" => vec![xdg.join("fish/config.fish")],
        "csh" => vec![home.join(".tcshrc"), home.join(".cshrc")],
        "xonsh" => vec![home.join(".xonshrc")],
        "nu" => vec![xdg.join("nushell/config.nu")],
        _ => Vec::new(),
    }
}

/// `shell init --shell` name for a `$SHELL` basename.
pub(crate) fn init_name(shell: &str) -> Option<&'static str> {
    Some(match shell {
        "bash" => "bash",
        "zsh" => "zsh",
        "fish" => "fish",
        "tcsh" | "csh" => "csh",
        "xonsh" => "xonsh",
        "nu" => "nu",
        _ => return None,
    })
}

fn unquote(raw: &str) -> String {
    let v = raw.trim().trim_end_matches(';').trim();
    let v = v
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| v.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
        .unwrap_or(v);
    v.to_string()
}

fn var_assignment(line: &str, var: &str) -> Option<String> {
    let l = line.trim();
    let l = l
        .strip_prefix("export ")
        .or_else(|| l.strip_prefix("set -gx "))
        .or_else(|| l.strip_prefix("setenv "))
        .or_else(|| l.strip_prefix("$env."))
        .or_else(|| l.strip_prefix('$'))
        .unwrap_or(l)
        .trim_start();
    let rest = l.strip_prefix(var)?;
    let rest = rest.trim_start();
    let rest = rest.strip_prefix('=').unwrap_or(rest).trim_start();
    (!rest.is_empty()).then(|| unquote(rest))
}

fn conda_exe_in(line: &str) -> Option<String> {
    if !line.contains("/bin/conda") || !line.contains("shell.") {
        return None;
    }
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r#"['"]?([^'"\s$()]+/bin/conda)['"]?\s+['"]?shell\."#)
            .expect("static regex")
    });
    re.captures(line)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
}

fn mamba_sh_in(line: &str) -> Option<String> {
    let l = line.trim();
    let rest = l.strip_prefix(". ").or_else(|| l.strip_prefix("source "))?;
    let v = unquote(rest);
    v.ends_with("etc/profile.d/mamba.sh").then_some(v)
}

/// Finds the managed blocks in rc text. Paths are expanded with `expand`.
pub fn parse_blocks(text: &str, expand: &dyn Fn(&str) -> PathBuf) -> Vec<InitBlock> {
    let mut blocks: Vec<InitBlock> = Vec::new();
    let mut open: Option<InitBlock> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        let start = match t {
            "# >>> mamba initialize >>>" => Some(BlockKind::Mamba),
            "# >>> conda initialize >>>" => Some(BlockKind::Conda),
            _ => None,
        };
        if let Some(kind) = start {
            if let Some(b) = open.take() {
                blocks.push(b);
            }
            open = Some(InitBlock {
                kind,
                line: i + 1,
                closed: false,
                mamba_exe: None,
                root_prefix: None,
                conda_exe: None,
                mamba_sh: None,
                exe_exists: false,
            });
            continue;
        }
        let Some(b) = open.as_mut() else { continue };
        let end = match b.kind {
            BlockKind::Mamba => "# <<< mamba initialize <<<",
            BlockKind::Conda => "# <<< conda initialize <<<",
        };
        if t == end {
            b.closed = true;
            blocks.extend(open.take());
            continue;
        }
        if t.starts_with('#') {
            continue;
        }
        if let Some(v) = var_assignment(t, "MAMBA_EXE") {
            b.mamba_exe.get_or_insert(expand(&v));
        } else if let Some(v) = var_assignment(t, "MAMBA_ROOT_PREFIX") {
            b.root_prefix.get_or_insert(expand(&v));
        } else if let Some(v) = conda_exe_in(t) {
            b.conda_exe.get_or_insert(expand(&v));
        } else if let Some(v) = mamba_sh_in(t) {
            b.mamba_sh.get_or_insert(expand(&v));
        }
    }
    blocks.extend(open);
    blocks
}

fn read_rc(path: &Path) -> Result<Option<String>, String> {
    match std::fs::metadata(path) {
        Err(_) => Ok(None),
        Ok(m) if !m.is_file() => Err("is not a regular file".to_string()),
        Ok(m) if m.len() > MAX_RC_BYTES => Err(format!("is {} bytes; not read", m.len())),
        Ok(_) => std::fs::read(path)
            .map(|b| Some(String::from_utf8_lossy(&b).into_owned()))
            .map_err(|e| format!("could not be read: {e}")),
    }
}

/// Reads the rc files of `shell` (every known shell's when `$SHELL` is unset).
pub(crate) fn probe_with(ctx: &Context, macos: bool) -> ShellInit {
    let shell = ctx.var("SHELL").and_then(|s| {
        Path::new(s)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
    });
    let paths: Vec<PathBuf> = match &shell {
        Some(s) => rc_files_for(ctx, init_name(s).unwrap_or(s), macos),
        None => ["bash", "zsh", "fish"]
            .iter()
            .flat_map(|s| rc_files_for(ctx, s, macos))
            .collect(),
    };
    let expand = |raw: &str| super::expand_user(ctx, raw);
    let files = paths
        .into_iter()
        .map(|path| match read_rc(&path) {
            Ok(Some(text)) => {
                let mut blocks = parse_blocks(&text, &expand);
                for b in &mut blocks {
                    b.exe_exists = b.exe().is_some_and(Path::is_file);
                }
                ShellRcFile {
                    path,
                    blocks,
                    error: None,
                }
            }
            Ok(None) => ShellRcFile {
                path,
                blocks: Vec::new(),
                error: None,
            },
            Err(e) => ShellRcFile {
                path,
                blocks: Vec::new(),
                error: Some(e),
            },
        })
        .collect();
    ShellInit {
        init_name: shell.as_deref().and_then(init_name).map(str::to_string),
        shell,
        files,
        env_mamba_exe: ctx.var_path("MAMBA_EXE"),
        env_root_prefix: ctx.var_path("MAMBA_ROOT_PREFIX"),
        hook_loaded: ctx.var("CONDA_SHLVL").is_some(),
    }
}

pub(crate) fn probe(ctx: &Context) -> ShellInit {
    probe_with(ctx, cfg!(target_os = "macos"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> PathBuf {
        PathBuf::from(s.replace('~', "/home/u"))
    }

    const BASH_BLOCK: &str = r#"alias ll='ls -l'
# >>> mamba initialize >>>
# !! Contents within this block are managed by 'micromamba shell init' !!
export MAMBA_EXE='/home/u/.local/bin/micromamba';
export MAMBA_ROOT_PREFIX='/home/u/micromamba';
__mamba_setup="$("$MAMBA_EXE" shell hook --shell bash --root-prefix "$MAMBA_ROOT_PREFIX" 2> /dev/null)"
if [ $? -eq 0 ]; then
    eval "$__mamba_setup"
else
    alias micromamba="$MAMBA_EXE"  # Fallback on help from micromamba activate
fi
unset __mamba_setup
# <<< mamba initialize <<<
"#;

    #[test]
    fn reads_the_micromamba_block() {
        let b = parse_blocks(BASH_BLOCK, &plain);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].kind, BlockKind::Mamba);
        assert_eq!(b[0].line, 2);
        assert!(b[0].closed);
        assert_eq!(
            b[0].mamba_exe.as_deref(),
            Some(Path::new("/home/u/.local/bin/micromamba"))
        );
        assert_eq!(
            b[0].root_prefix.as_deref(),
            Some(Path::new("/home/u/micromamba"))
        );
    }

    #[test]
    fn reads_the_fish_block() {
        let text = "# >>> mamba initialize >>>\n# !! Contents within this block are managed by 'micromamba shell init' !!\nset -gx MAMBA_EXE \"/home/u/.local/bin/micromamba\"\nset -gx MAMBA_ROOT_PREFIX \"/home/u/micromamba\"\n$MAMBA_EXE shell hook --shell fish --root-prefix $MAMBA_ROOT_PREFIX | source\n# <<< mamba initialize <<<\n";
        let b = parse_blocks(text, &plain);
        assert_eq!(
            b[0].mamba_exe.as_deref(),
            Some(Path::new("/home/u/.local/bin/micromamba"))
        );
        assert_eq!(
            b[0].root_prefix.as_deref(),
            Some(Path::new("/home/u/micromamba"))
        );
    }

    #[test]
    fn reads_conda_and_mamba1_blocks() {
        let text = r#"# >>> conda initialize >>>
# !! Contents within this block are managed by 'conda init' !!
__conda_setup="$('/home/u/miniforge3/bin/conda' 'shell.bash' 'hook' 2> /dev/null)"
if [ $? -eq 0 ]; then
    eval "$__conda_setup"
else
    if [ -f "/home/u/miniforge3/etc/profile.d/conda.sh" ]; then
        . "/home/u/miniforge3/etc/profile.d/conda.sh"
    else
        export PATH="/home/u/miniforge3/bin:$PATH"
    fi
fi
unset __conda_setup

if [ -f "/home/u/miniforge3/etc/profile.d/mamba.sh" ]; then
    . "/home/u/miniforge3/etc/profile.d/mamba.sh"
fi
# <<< conda initialize <<<
"#;
        let b = parse_blocks(text, &plain);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].kind, BlockKind::Conda);
        assert_eq!(
            b[0].conda_exe.as_deref(),
            Some(Path::new("/home/u/miniforge3/bin/conda"))
        );
        assert_eq!(
            b[0].mamba_sh.as_deref(),
            Some(Path::new("/home/u/miniforge3/etc/profile.d/mamba.sh"))
        );
        let fish = "# >>> conda initialize >>>\nif test -f /home/u/miniconda3/bin/conda\n    eval /home/u/miniconda3/bin/conda \"shell.fish\" \"hook\" $argv | source\nend\n# <<< conda initialize <<<\n";
        let b = parse_blocks(fish, &plain);
        assert_eq!(
            b[0].conda_exe.as_deref(),
            Some(Path::new("/home/u/miniconda3/bin/conda"))
        );
    }

    #[test]
    fn unterminated_block_is_kept_open() {
        let b = parse_blocks(
            "# >>> mamba initialize >>>\nexport MAMBA_EXE=/x/micromamba\n",
            &plain,
        );
        assert_eq!(b.len(), 1);
        assert!(!b[0].closed);
        assert_eq!(b[0].mamba_exe.as_deref(), Some(Path::new("/x/micromamba")));
    }

    #[test]
    fn tilde_and_unquoted_values() {
        let b = parse_blocks(
            "# >>> mamba initialize >>>\nexport MAMBA_EXE=~/bin/micromamba;\nexport MAMBA_ROOT_PREFIX=\"~/mm\";\n# <<< mamba initialize <<<\n",
            &plain,
        );
        assert_eq!(
            b[0].mamba_exe.as_deref(),
            Some(Path::new("/home/u/bin/micromamba"))
        );
        assert_eq!(b[0].root_prefix.as_deref(), Some(Path::new("/home/u/mm")));
    }

    proptest::proptest! {

        #![proptest_config(crate::proptest_config())]
        #[test]
        fn parse_blocks_never_panics(s in "(# >>> mamba initialize >>>\n|# <<< mamba initialize <<<\n|export MAMBA_EXE=|'|\"|;|\n|x|/bin/conda 'shell.bash'| )*") {
            let _ = parse_blocks(&s, &plain);
        }
    }
}
