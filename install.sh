#!/bin/sh
# Builds devdoctor from this checkout and installs it, with its shell completions and man page.
#   ./install.sh                      install into ~/.local (binary in ~/.local/bin)
#   ./install.sh --prefix /opt/dd     or PREFIX=/opt/dd ./install.sh
#   ./install.sh --uninstall          remove what install put there
# Safe to run again: a re-run rebuilds and replaces the same files.
set -eu

prog=install.sh

say() { printf '%s: %s\n' "$prog" "$*"; }
warn() { printf '%s: warning: %s\n' "$prog" "$*" >&2; }
# die MESSAGE HINT [CODE]
die() {
    printf '%s: error: %s\n' "$prog" "$1" >&2
    [ -z "${2:-}" ] || printf 'hint: %s\n' "$2" >&2
    exit "${3:-1}"
}

usage() {
    cat <<'EOF'
Usage: ./install.sh [--prefix DIR] [--debug] [--uninstall]

Builds devdoctor with `cargo install --path . --locked` and installs:
  PREFIX/bin/devdoctor
  PREFIX/share/bash-completion/completions/devdoctor
  PREFIX/share/zsh/site-functions/_devdoctor
  PREFIX/share/fish/vendor_completions.d/devdoctor.fish
  PREFIX/share/man/man1/devdoctor.1

Options:
  --prefix DIR   install under DIR (default: $PREFIX, else ~/.local)
  --debug        build the debug profile (faster to compile, slower to run)
  --uninstall    remove the files listed above
  -h, --help     print this help

Needs Rust's cargo (https://rustup.rs). Running it again is safe.
EOF
}

prefix=${PREFIX:-}
action=install
profile_flag=
while [ $# -gt 0 ]; do
    case $1 in
        --prefix)
            [ $# -ge 2 ] && [ -n "$2" ] || die "--prefix needs a directory" "e.g. ./install.sh --prefix \"\$HOME/.local\"" 2
            prefix=$2
            shift 2
            ;;
        --prefix=*)
            prefix=${1#--prefix=}
            [ -n "$prefix" ] || die "--prefix needs a directory" "e.g. ./install.sh --prefix \"\$HOME/.local\"" 2
            shift
            ;;
        --debug) profile_flag=--debug; shift ;;
        --uninstall) action=uninstall; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown option: $1" "see ./install.sh --help" 2 ;;
    esac
done

if [ -z "$prefix" ]; then
    [ -n "${HOME:-}" ] || die "HOME is not set, so there is no default prefix" "pass one: ./install.sh --prefix DIR" 2
    prefix=$HOME/.local
fi
case $prefix in
    /*) ;;
    *) prefix=$(pwd)/$prefix ;;
esac
prefix=${prefix%/}
[ -n "$prefix" ] || prefix=/

bin_dir=$prefix/bin
bin=$bin_dir/devdoctor
bash_completion=$prefix/share/bash-completion/completions/devdoctor
zsh_completion=$prefix/share/zsh/site-functions/_devdoctor
fish_completion=$prefix/share/fish/vendor_completions.d/devdoctor.fish
man_page=$prefix/share/man/man1/devdoctor.1

# cargo on PATH, or rustup's default place when the shell has not picked it up yet.
find_cargo() {
    if command -v cargo >/dev/null 2>&1; then
        command -v cargo
    elif [ -n "${HOME:-}" ] && [ -x "$HOME/.cargo/bin/cargo" ]; then
        printf '%s\n' "$HOME/.cargo/bin/cargo"
    fi
}

do_uninstall() {
    removed=0
    if [ -e "$bin" ]; then
        cargo=$(find_cargo)
        # cargo uninstall also drops the entry from PREFIX/.crates.toml; without cargo, remove the file.
        if [ -n "$cargo" ] && "$cargo" uninstall --root "$prefix" devdoctor >/dev/null 2>&1; then
            :
        else
            rm -f "$bin"
        fi
        say "removed $bin"
        removed=1
    fi
    for f in "$bash_completion" "$zsh_completion" "$fish_completion" "$man_page"; do
        if [ -e "$f" ]; then
            rm -f "$f"
            say "removed $f"
            removed=1
        fi
    done
    if [ "$removed" = 0 ]; then
        say "devdoctor is not installed under $prefix; nothing to remove"
    else
        say "devdoctor is uninstalled from $prefix"
    fi
}

# write_generated FILE COMMAND...: FILE gets COMMAND's output, replaced in one step.
write_generated() {
    dest=$1
    shift
    mkdir -p "$(dirname "$dest")"
    tmp=$dest.tmp.$$
    if ! "$@" >"$tmp"; then
        rm -f "$tmp"
        die "could not generate $dest with: $*" "run it by hand to see why"
    fi
    mv -f "$tmp" "$dest"
}

do_install() {
    src=$(cd "$(dirname "$0")" && pwd)
    [ -f "$src/Cargo.toml" ] && [ -d "$src/src" ] ||
        die "no devdoctor checkout next to install.sh ($src)" "run ./install.sh from a clone of the devdoctor repository"

    cargo=$(find_cargo)
    [ -n "$cargo" ] || die "cargo (Rust's build tool) was not found on PATH" \
        "install Rust with rustup from https://rustup.rs (curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh), open a new shell, then run ./install.sh again"

    mkdir -p "$bin_dir" || die "cannot create $bin_dir" "choose a prefix you can write to: ./install.sh --prefix DIR"
    say "building devdoctor with $cargo (this takes a few minutes the first time)"
    # --locked: build exactly the committed Cargo.lock. --target-dir: reuse the checkout's
    # build directory, so running install.sh again rebuilds only what changed (cargo install
    # otherwise builds everything from scratch in a temporary directory every time).
    target_dir=${CARGO_TARGET_DIR:-$src/target}
    # shellcheck disable=SC2086  # $profile_flag is empty or one word
    "$cargo" install --path "$src" --locked --target-dir "$target_dir" --root "$prefix" $profile_flag ||
        die "cargo install failed (see its output above)" "check that your Rust is recent enough: rustup update"
    [ -x "$bin" ] || die "cargo finished but $bin is missing" "run: $cargo install --path $src --locked --root $prefix"

    write_generated "$bash_completion" "$bin" completions bash
    write_generated "$zsh_completion" "$bin" completions zsh
    write_generated "$fish_completion" "$bin" completions fish
    write_generated "$man_page" "$bin" man

    say "installed $("$bin" --version) to $bin"
    say "completions: $bash_completion, $zsh_completion, $fish_completion"
    say "man page: $man_page"

    case ":${PATH:-}:" in
        *":$bin_dir:"* | *":$bin_dir/:"*) say "run: devdoctor" ;;
        *)
            warn "$bin_dir is not on your PATH, so the shell will not find devdoctor"
            printf 'hint: add it, e.g. in ~/.profile or your shell rc file:  export PATH="%s:$PATH"\n' "$bin_dir" >&2
            printf 'hint: until then run it as %s\n' "$bin" >&2
            ;;
    esac
    case ${SHELL:-}:$prefix in
        *zsh:/usr | *zsh:/usr/local) ;;
        *zsh:*) say "zsh finds the completions once $(dirname "$zsh_completion") is in fpath (before compinit in ~/.zshrc)" ;;
    esac
}

"do_$action"
