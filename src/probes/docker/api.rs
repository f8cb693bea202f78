//! Typed facts from the engine's JSON (`/version`, `/info`, `/images/{name}/json`, and the
//! same shapes from `docker version`/`docker info`/`docker image inspect`), as the engine names them.
//! Unknown or missing fields are tolerated, never a panic.

use serde_json::Value;
use std::time::SystemTime;

/// What the engine says about itself.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServerInfo {
    pub version: String,
    pub api_version: String,
    pub min_api_version: String,
    pub os: String,
    pub arch: String,
    pub kernel: String,
    /// `Platform.Name`, e.g. "Docker Engine - Community".
    pub platform: String,
    pub podman: bool,
    /// `SecurityOptions` from `/info` (CSV strings such as `name=seccomp,profile=default`).
    pub security_options: Vec<String>,
    /// `/info` could be read (so rootless/userns are known).
    pub info_read: bool,
    pub rootless: bool,
    pub userns: bool,
}

impl ServerInfo {
    /// A one-line name: "Docker 20.10.24 (API 1.41)" or "Podman 4.3.1 (API 1.41)".
    pub fn label(&self) -> String {
        let kind = if self.podman { "Podman" } else { "Docker" };
        let mut s = format!("{kind} {}", or_unknown(&self.version));
        if !self.api_version.is_empty() {
            s.push_str(&format!(" (API {})", self.api_version));
        }
        s
    }
}

fn or_unknown(s: &str) -> &str {
    if s.is_empty() {
        "(version unknown)"
    } else {
        s
    }
}

fn string(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The strings of an array field (other elements and a missing field give nothing).
fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// Reads `/version` (or the `Server` object of `docker version`).
pub fn parse_version(v: &Value) -> ServerInfo {
    let components = v
        .get("Components")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let podman = components.iter().any(|c| {
        c.get("Name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.to_ascii_lowercase().contains("podman"))
    }) || v
        .get("Platform")
        .and_then(|p| p.get("Name"))
        .and_then(Value::as_str)
        .is_some_and(|n| n.to_ascii_lowercase().contains("podman"));
    ServerInfo {
        version: string(v, "Version"),
        api_version: string(v, "ApiVersion"),
        min_api_version: string(v, "MinAPIVersion"),
        os: string(v, "Os"),
        arch: string(v, "Arch"),
        kernel: string(v, "KernelVersion"),
        platform: v
            .get("Platform")
            .map(|p| string(p, "Name"))
            .unwrap_or_default(),
        podman,
        ..ServerInfo::default()
    }
}

/// What `/info` says: the engine's version and platform, and its security options (rootless,
/// userns). The architecture is given in Go's names, as `/version` gives it (`amd64`, not
/// `x86_64`).
pub fn parse_info(v: &Value) -> ServerInfo {
    let opts = strings(v.get("SecurityOptions"));
    let mut info = ServerInfo {
        version: string(v, "ServerVersion"),
        os: string(v, "OSType"),
        arch: go_arch(&string(v, "Architecture")).to_string(),
        kernel: string(v, "KernelVersion"),
        ..ServerInfo::default()
    };
    apply_security_options(&mut info, opts);
    info
}

/// `uname -m` names as Go (and `docker version`) calls them.
fn go_arch(machine: &str) -> &str {
    match machine {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "armv7l" | "armv6l" => "arm",
        "i386" | "i686" => "386",
        other => other,
    }
}

pub(crate) fn apply_security_options(info: &mut ServerInfo, opts: Vec<String>) {
    let has = |name: &str| {
        opts.iter()
            .any(|o| o.split(',').any(|kv| kv.trim() == format!("name={name}")))
    };
    info.rootless = has("rootless");
    info.userns = has("userns");
    info.security_options = opts;
    info.info_read = true;
}

/// What the engine says about a local image.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageConfig {
    /// `Config.User`; empty means root.
    pub user: String,
    /// `Config.Healthcheck` is present and its test is not `NONE`.
    pub has_healthcheck: bool,
    pub created: Option<SystemTime>,
    /// `Id` (sha256:…).
    pub id: String,
    pub repo_tags: Vec<String>,
    /// `Config.WorkingDir`; empty when unset.
    pub working_dir: String,
    /// `Config.Healthcheck.Test` (empty when absent).
    pub healthcheck_test: Vec<String>,
    /// `Created` as the engine wrote it.
    pub created_text: String,
    /// `RootFS.Layers`: how many layers the image has.
    pub layers: usize,
    /// `Architecture` (`amd64`, `arm64`, …).
    pub architecture: String,
}

/// Reads one image object (`/images/{name}/json`, or one element of `docker image inspect`).
pub fn parse_image(v: &Value) -> ImageConfig {
    let config = v.get("Config").filter(|c| c.is_object());
    let cfg_str = |key: &str| config.map(|c| string(c, key)).unwrap_or_default();
    let test = strings(
        config
            .and_then(|c| c.get("Healthcheck"))
            .and_then(|h| h.get("Test")),
    );
    let has_healthcheck = test.first().is_some_and(|t| t != "NONE");
    let (created, created_text) = match v.get("Created") {
        Some(Value::String(s)) => (parse_time(s), s.clone()),
        // Some engines (and image lists) give seconds since the epoch.
        Some(Value::Number(n)) => (
            n.as_u64()
                .map(|s| SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(s)),
            n.to_string(),
        ),
        _ => (None, String::new()),
    };
    ImageConfig {
        user: cfg_str("User").trim().to_string(),
        has_healthcheck,
        created,
        id: string(v, "Id"),
        repo_tags: strings(v.get("RepoTags")),
        working_dir: cfg_str("WorkingDir"),
        healthcheck_test: test,
        created_text,
        layers: v
            .get("RootFS")
            .and_then(|r| r.get("Layers"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len),
        architecture: string(v, "Architecture"),
    }
}

/// RFC 3339 as Docker writes it (`2024-01-02T03:04:05.123456789Z`, or with an offset).
pub fn parse_time(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    if let Ok(t) = humantime::parse_rfc3339_weak(s) {
        return Some(t);
    }
    // An explicit offset (`+02:00`): humantime wants UTC, so apply it by hand.
    let split = s.len().checked_sub(6)?;
    let (base, off) = (s.get(..split)?, s.get(split..)?);
    let sign = match off.as_bytes().first()? {
        b'+' => 1i64,
        b'-' => -1i64,
        _ => return None,
    };
    let hours: i64 = off.get(1..3)?.parse().ok()?;
    let mins: i64 = off.get(4..6)?.parse().ok()?;
    let local = humantime::parse_rfc3339_weak(base).ok()?;
    let shift = std::time::Duration::from_secs(u64::try_from(hours * 3600 + mins * 60).ok()?);
    if sign > 0 {
        local.checked_sub(shift)
    } else {
        local.checked_add(shift)
    }
}

/// Whether a `Config.User` value means root (CIS 4.1: "", "0", "root", `root:*`, `0:*`).
pub fn user_is_root(user: &str) -> bool {
    let name = user.trim().split(':').next().unwrap_or("").trim();
    name.is_empty() || name == "0" || name == "root"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn version_of_docker_and_podman() {
        let d = parse_version(&json!({
            "Platform": {"Name": ""},
            "Components": [{"Name": "Engine", "Version": "20.10.24+dfsg1"}, {"Name": "containerd"}],
            "Version": "20.10.24+dfsg1", "ApiVersion": "1.41", "MinAPIVersion": "1.12",
            "Os": "linux", "Arch": "amd64", "KernelVersion": "6.1.0"
        }));
        assert_eq!(d.version, "20.10.24+dfsg1");
        assert_eq!(d.api_version, "1.41");
        assert!(!d.podman);
        assert_eq!(d.label(), "Docker 20.10.24+dfsg1 (API 1.41)");
        let p = parse_version(&json!({
            "Components": [{"Name": "Podman Engine", "Version": "4.3.1"}],
            "Version": "4.3.1", "ApiVersion": "1.41"
        }));
        assert!(p.podman);
        assert_eq!(p.label(), "Podman 4.3.1 (API 1.41)");
        // Garbage shapes give empty facts, not a panic.
        let g = parse_version(&json!({"Components": "x", "Version": 3}));
        assert_eq!(g.version, "");
        assert_eq!(parse_version(&json!(null)), ServerInfo::default());
    }

    #[test]
    fn rootless_and_userns_from_security_options() {
        let s = parse_info(
            &json!({"SecurityOptions": ["name=apparmor","name=seccomp,profile=builtin","name=rootless","name=cgroupns"]}),
        );
        assert!(s.rootless && !s.userns && s.info_read);
        let s = parse_info(
            &json!({"SecurityOptions": ["name=seccomp,profile=default", "name=userns"]}),
        );
        assert!(!s.rootless && s.userns);
        let s = parse_info(&json!({"SecurityOptions": ["name=rootlessish"]}));
        assert!(!s.rootless);
    }

    #[test]
    fn info_names_the_engine_as_version_does() {
        let s = parse_info(&json!({
            "ServerVersion": "27.1.1",
            "OSType": "linux",
            "Architecture": "aarch64",
            "KernelVersion": "6.8.0",
        }));
        assert_eq!(s.label(), "Docker 27.1.1");
        assert_eq!((s.os.as_str(), s.arch.as_str()), ("linux", "arm64"));
        assert_eq!(s.kernel, "6.8.0");
        assert_eq!(
            parse_info(&json!({"Architecture": "riscv64"})).arch,
            "riscv64"
        );
        assert!(
            parse_info(&json!({})).info_read,
            "an /info without options was still read"
        );
    }

    #[test]
    fn image_fields() {
        let i = parse_image(&json!({
            "Id": "sha256:7a6b", "RepoTags": ["ddtest:1"],
            "Created": "2026-11-28T17:42:47.206679962Z",
            "Config": {"User": "1000", "WorkingDir": "/app", "Healthcheck": {"Test": ["CMD", "/bin/true"]}}
        }));
        assert_eq!(i.user, "1000");
        assert!(i.has_healthcheck);
        assert_eq!(i.working_dir, "/app");
        assert_eq!(i.repo_tags, vec!["ddtest:1"]);
        let secs = i
            .created
            .unwrap()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert_eq!(secs, 1795887767);

        let none = parse_image(&json!({"Config": {"User": "", "Healthcheck": {"Test": ["NONE"]}}}));
        assert!(!none.has_healthcheck);
        assert!(user_is_root(&none.user));
        let null = parse_image(&json!({"Config": {"Healthcheck": null}, "Created": 1700000000}));
        assert!(!null.has_healthcheck);
        assert!(null.created.is_some());
        assert_eq!(parse_image(&json!([1, 2])), ImageConfig::default());
    }

    #[test]
    fn time_with_offset() {
        let z = parse_time("2024-01-01T12:00:00Z").unwrap();
        let plus = parse_time("2024-01-01T14:00:00+02:00").unwrap();
        let minus = parse_time("2024-01-01T07:00:00.5-05:00").unwrap();
        assert_eq!(z, plus);
        assert_eq!(
            minus.duration_since(z).unwrap(),
            std::time::Duration::from_millis(500)
        );
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time(""), None);
        assert_eq!(parse_time("é"), None);
    }

    #[test]
    fn root_users() {
        for u in ["", "0", "root", "root:root", "0:0", " 0 "] {
            assert!(user_is_root(u), "{u:?}");
        }
        for u in ["1000", "mambauser", "1000:1000", "nobody", "rooted"] {
            assert!(!user_is_root(u), "{u:?}");
        }
    }
}
