//! The image's filesystem, read without running it. The engine streams the image as a tar
//! (`GET /images/{name}/get`, the `docker save` format: legacy `<id>/layer.tar` or OCI
//! `blobs/sha256/…`, with manifest.json naming the layers in order); each layer is itself a
//! tar, read as it arrives, bounded in bytes and time. Whiteouts (`.wh.NAME`, `.wh..wh..opq`)
//! apply in layer order, so a file a later layer deleted is gone from the final view but is
//! still reported where it was added (it stays readable in that layer).
//!
//! Only what the image checks need is kept: pip's INSTALLER records, conda-meta records,
//! setuid/setgid files, programs in bin folders and files that hold secrets (names only).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read};

/// What the image checks need to know about the image's files.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Contents {
    /// The layers, in order.
    pub layers: usize,
    /// Python distributions in the final image and the INSTALLER that put them there.
    pub dists: Vec<Dist>,
    /// conda-meta records in the final image.
    pub conda: Vec<Record>,
    /// Files that hold secrets, in any layer.
    pub secrets: Vec<SecretFile>,
    /// setuid/setgid files in the final image.
    pub setuid: Vec<Special>,
    /// Programs in `bin`/`sbin` folders of the final image (paths without the leading `/`).
    pub bins: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Dist {
    pub site_packages: String,
    pub name: String,
    pub version: String,
    /// INSTALLER's first line, lowercased (`pip`, `conda`, `uv`, …).
    pub installer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Record {
    /// The environment's prefix (`opt/conda`, `opt/conda/envs/app`).
    pub prefix: String,
    pub name: String,
    pub version: String,
    pub build: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SecretFile {
    pub path: String,
    /// What it is ("a .env file", "a private key", …).
    pub what: String,
    /// The layer (0-based) that added it.
    pub layer: usize,
    /// A later layer deleted it: gone from the running container, still in the image.
    pub removed_later: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Special {
    pub path: String,
    pub mode: u32,
    pub layer: usize,
}

/// One kept entry of a layer.
#[derive(Debug, Clone)]
enum Kept {
    Installer(String),
    CondaRecord,
    Setuid(u32),
    Bin,
    Secret(&'static str),
}

#[derive(Debug, Default)]
struct LayerScan {
    kept: Vec<(String, Kept)>,
    /// Deleted paths (`.wh.NAME`) and folders emptied of lower layers (`.wh..wh..opq`).
    deleted: Vec<String>,
    opaque: Vec<String>,
}

/// Counts bytes and stops the read past `max`, remembering that it did.
struct Bounded<R> {
    inner: R,
    left: u64,
    exceeded: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            self.exceeded.set(true);
            return Err(io::Error::other("the image is larger than devdoctor reads"));
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// `./usr/bin/x` → `usr/bin/x`.
fn clean(path: &str) -> String {
    path.trim_start_matches("./")
        .trim_start_matches('/')
        .trim_end_matches('/')
        .to_string()
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

/// Whether a file is a secret by its name alone, or needs its start read (`Some(false)`).
fn secret_by_name(path: &str) -> Option<(&'static str, bool)> {
    let name = base_name(path);
    let lower = name.to_ascii_lowercase();
    let sample = ["example", "sample", "template", "dist", "defaults"];
    if lower == ".env" || (lower.starts_with(".env.") && !sample.iter().any(|s| lower.ends_with(s)))
    {
        return Some(("a .env file", true));
    }
    if ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"].contains(&name) {
        return Some(("an SSH private key", true));
    }
    if path.ends_with(".aws/credentials") {
        return Some(("AWS credentials", true));
    }
    if name == ".netrc" {
        return Some(("a .netrc with passwords", true));
    }
    if name == ".git-credentials" {
        return Some(("git credentials", true));
    }
    // Shipped test keys and CA bundles live in packages and system folders.
    let packaged = path.contains("/site-packages/")
        || path.starts_with("usr/")
        || path.starts_with("etc/ssl/")
        || path.contains("/pkgs/");
    if (lower.ends_with(".pem") || lower.ends_with(".key")) && !packaged {
        return Some(("a private key", false));
    }
    if name == ".npmrc" || name == ".pypirc" || path.ends_with(".docker/config.json") {
        return Some(("a registry token", false));
    }
    None
}

/// Whether the start of a file confirms the secret its name suggested.
fn confirms(what: &str, head: &str) -> bool {
    match what {
        "a private key" => head.contains("PRIVATE KEY"),
        "a registry token" => {
            head.contains("_authToken")
                || head.contains("_auth=")
                || head.contains("password")
                || head.contains("\"auth\"")
        }
        _ => true,
    }
}

fn read_head(entry: &mut impl Read, max: u64) -> String {
    let mut head = Vec::new();
    let _ = entry.take(max).read_to_end(&mut head);
    String::from_utf8_lossy(&head).into_owned()
}

/// One layer's tar: what it adds that the checks need, and what it deletes.
fn scan_layer(reader: impl Read) -> io::Result<LayerScan> {
    let mut scan = LayerScan::default();
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let path = clean(&String::from_utf8_lossy(&entry.path_bytes()));
        let name = base_name(&path);
        if name == ".wh..wh..opq" {
            scan.opaque.push(parent(&path).to_string());
            continue;
        }
        if let Some(hidden) = name.strip_prefix(".wh.") {
            let dir = parent(&path);
            scan.deleted.push(if dir.is_empty() {
                hidden.to_string()
            } else {
                format!("{dir}/{hidden}")
            });
            continue;
        }
        let kind = entry.header().entry_type();
        let mode = entry.header().mode().unwrap_or(0);
        if kind.is_dir() {
            if name == ".git" {
                scan.kept
                    .push((path, Kept::Secret("a git repository (.git/)")));
            }
            continue;
        }
        let file = kind.is_file();
        if file && path.ends_with(".dist-info/INSTALLER") {
            let head = read_head(&mut entry, 256);
            let first = head
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            scan.kept.push((path, Kept::Installer(first)));
            continue;
        }
        if file && parent(&path).ends_with("conda-meta") && path.ends_with(".json") {
            scan.kept.push((path, Kept::CondaRecord));
            continue;
        }
        if file && mode & 0o6000 != 0 {
            scan.kept.push((path.clone(), Kept::Setuid(mode)));
        }
        if (file || kind.is_symlink() || kind.is_hard_link())
            && matches!(base_name(parent(&path)), "bin" | "sbin")
        {
            scan.kept.push((path.clone(), Kept::Bin));
        }
        if let Some((what, sure)) = secret_by_name(&path).filter(|_| file) {
            if sure || confirms(what, &read_head(&mut entry, 4096)) {
                scan.kept.push((path, Kept::Secret(what)));
            }
        }
    }
    Ok(scan)
}

/// A layer blob, gzip-compressed or not.
fn scan_blob(mut entry: impl Read) -> io::Result<LayerScan> {
    let mut magic = [0u8; 2];
    let n = entry.read(&mut magic)?;
    let head = io::Cursor::new(magic[..n].to_vec()).chain(entry);
    if n == 2 && magic == [0x1f, 0x8b] {
        scan_layer(flate2::read::GzDecoder::new(head))
    } else {
        scan_layer(head)
    }
}

/// Why an image's layers could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum LayerError {
    #[error("the image is larger than the {0} MiB devdoctor reads")]
    TooLarge(u64),
    #[error("not an image archive: {0}")]
    NotArchive(String),
    #[error("the image archive is unreadable: {0}")]
    Unreadable(String),
    #[error("layer {0} is not a readable tar")]
    BadLayer(String),
    #[error("the image archive has no manifest.json naming its layers")]
    NoManifest,
    #[error("layer {0} is missing from the archive")]
    MissingLayer(String),
    #[error("`{0}` is not a valid image reference")]
    BadReference(String),
    /// The engine's answer to `GET /images/{name}/get`.
    #[error(transparent)]
    Engine(#[from] super::http::HttpError),
    /// `docker save` could not be run (the error chain).
    #[error("{0}")]
    Run(String),
    /// What `docker save` printed is not readable.
    #[error("`docker save`: {0}")]
    Save(Box<LayerError>),
    #[error("the engine was not contacted")]
    NoEngine,
}

/// Reads the image tar from `reader`, at most `max_bytes` of it.
pub(crate) fn read(reader: impl Read, max_bytes: u64) -> Result<Contents, LayerError> {
    let exceeded = std::rc::Rc::new(std::cell::Cell::new(false));
    read_archive(Bounded {
        inner: reader,
        left: max_bytes,
        exceeded: exceeded.clone(),
    })
    .map_err(|e| {
        if exceeded.get() {
            LayerError::TooLarge(max_bytes / 1024 / 1024)
        } else {
            e
        }
    })
}

fn read_archive(bounded: impl Read) -> Result<Contents, LayerError> {
    let mut outer = tar::Archive::new(bounded);
    let mut scans: HashMap<String, LayerScan> = HashMap::new();
    let mut manifest: Option<serde_json::Value> = None;
    let entries = outer
        .entries()
        .map_err(|e| LayerError::NotArchive(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| LayerError::Unreadable(e.to_string()))?;
        let path = clean(&String::from_utf8_lossy(&entry.path_bytes()));
        if path == "manifest.json" {
            let text = read_head(&mut entry, 4 * 1024 * 1024);
            manifest = serde_json::from_str(&text).ok();
        } else if entry.header().entry_type().is_file()
            && (path.ends_with("layer.tar") || path.starts_with("blobs/"))
        {
            // An OCI blob may be a config or manifest (JSON), not a layer: it does not scan.
            if let Ok(scan) = scan_blob(&mut entry) {
                scans.insert(path, scan);
            } else if path.ends_with("layer.tar") {
                return Err(LayerError::BadLayer(path));
            }
        }
    }
    let order: Vec<String> = manifest
        .as_ref()
        .and_then(|m| m.get(0)?.get("Layers")?.as_array().cloned())
        .ok_or(LayerError::NoManifest)?
        .iter()
        .filter_map(|l| l.as_str().map(clean))
        .collect();
    let mut layers = Vec::new();
    for name in &order {
        // A layer shared by two positions is listed twice but stored once.
        let scan = scans
            .get(name)
            .ok_or_else(|| LayerError::MissingLayer(name.clone()))?;
        layers.push(scan);
    }
    Ok(merge(&layers))
}

/// Applies the layers in order: the final view, and the secrets of every layer.
fn merge(layers: &[&LayerScan]) -> Contents {
    // path → the layer that last wrote it and what it is (a setuid program is also a bin).
    let mut view: BTreeMap<String, (usize, Vec<Kept>)> = BTreeMap::new();
    let mut secrets: Vec<SecretFile> = Vec::new();
    for (i, layer) in layers.iter().enumerate() {
        let under = |view: &BTreeMap<String, (usize, Vec<Kept>)>, dir: &str| -> Vec<String> {
            let prefix = format!("{dir}/");
            view.range(prefix.clone()..)
                .take_while(|(k, _)| k.starts_with(&prefix))
                .map(|(k, _)| k.clone())
                .collect()
        };
        for dir in &layer.opaque {
            for k in under(&view, dir) {
                view.remove(&k);
            }
        }
        for gone in &layer.deleted {
            view.remove(gone);
            for k in under(&view, gone) {
                view.remove(&k);
            }
        }
        for (path, kept) in &layer.kept {
            if let Kept::Secret(what) = kept {
                secrets.push(SecretFile {
                    path: path.clone(),
                    what: what.to_string(),
                    layer: i,
                    removed_later: false,
                });
            }
            match view.get_mut(path) {
                Some((layer, all)) if *layer == i => all.push(kept.clone()),
                _ => {
                    view.insert(path.clone(), (i, vec![kept.clone()]));
                }
            }
        }
    }
    for s in &mut secrets {
        s.removed_later = view.get(&s.path).is_none_or(|(l, _)| *l != s.layer);
    }
    let mut out = Contents {
        layers: layers.len(),
        secrets,
        ..Contents::default()
    };
    for (path, (layer, all)) in view {
        for kept in all {
            collect(&mut out, &path, layer, kept);
        }
    }
    out
}

/// Files one kept entry of the final view to the list it belongs in.
fn collect(out: &mut Contents, path: &str, layer: usize, kept: Kept) {
    {
        match kept {
            Kept::Installer(installer) => {
                if let Some(d) = dist(path, installer) {
                    out.dists.push(d);
                }
            }
            Kept::CondaRecord => {
                if let Some(r) = record(path) {
                    out.conda.push(r);
                }
            }
            Kept::Setuid(mode) => out.setuid.push(Special {
                path: path.to_string(),
                mode,
                layer,
            }),
            Kept::Bin => out.bins.push(path.to_string()),
            Kept::Secret(_) => {}
        }
    }
}

/// `…/site-packages/requests-2.32.3.dist-info/INSTALLER` → requests 2.32.3.
fn dist(path: &str, installer: String) -> Option<Dist> {
    let dir = parent(path);
    let (site, folder) = dir.rsplit_once('/')?;
    let stem = folder.strip_suffix(".dist-info")?;
    let (name, version) = stem.split_once('-')?;
    Some(Dist {
        site_packages: site.to_string(),
        name: name.to_string(),
        version: version.to_string(),
        installer,
    })
}

/// `opt/conda/conda-meta/requests-2.32.3-pyhd8ed1ab_0.json` → (opt/conda, requests, …).
fn record(path: &str) -> Option<Record> {
    let meta = parent(path);
    let prefix = parent(meta).to_string();
    let stem = base_name(path).strip_suffix(".json")?;
    let mut parts = stem.rsplitn(3, '-');
    let build = parts.next()?.to_string();
    let version = parts.next()?.to_string();
    let name = parts.next()?.to_string();
    Some(Record {
        prefix,
        name,
        version,
        build,
    })
}

/// The most of an image devdoctor reads (a mamba image with a full environment is ~1 GiB).
const MAX_IMAGE_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// The contents of the local image with id `id` (named `name`), once per run: from the cache
/// ($XDG_CACHE_HOME/devdoctor/images/ID.json, else ~/.cache/…; an image id names its content,
/// so an entry never goes stale), else streamed from the engine socket within 80% of the
/// check timeout.
pub(crate) fn contents(
    ctx: &crate::core::Context,
    name: &str,
    id: &str,
) -> std::sync::Arc<Result<Contents, LayerError>> {
    ctx.probe_keyed((name.to_string(), id.to_string()), |ctx| {
        load(ctx, name, id)
    })
}

fn cache_path(ctx: &crate::core::Context, id: &str) -> Option<std::path::PathBuf> {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let dir = ctx
        .var_path("XDG_CACHE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| ctx.home().map(|h| h.join(".cache")))?;
    Some(dir.join("devdoctor/images").join(format!("{hex}.json")))
}

fn load(ctx: &crate::core::Context, name: &str, id: &str) -> Result<Contents, LayerError> {
    let cache = cache_path(ctx, id);
    if let Some(text) = cache.as_ref().and_then(|p| std::fs::read_to_string(p).ok()) {
        if let Ok(c) = serde_json::from_str::<Contents>(&text) {
            return Ok(c);
        }
    }
    let engine = super::engine(ctx);
    let deadline = std::time::Instant::now() + ctx.settings.timeout.mul_f64(0.8);
    let contents = match (&engine.via, &engine.endpoint.target) {
        (super::Via::Socket, Ok(target)) => {
            let path = format!(
                "{}/images/{}/get",
                engine.api_prefix,
                super::http::escape_ref(name)
            );
            let body = super::http::stream(target, &path, deadline)?;
            read(body, MAX_IMAGE_BYTES)?
        }
        // ssh:// and TLS endpoints: `docker save`, read as it streams.
        (super::Via::Cli(cli), _) => {
            if !super::image::valid_reference(name) {
                return Err(LayerError::BadReference(name.to_string()));
            }
            let saved = crate::exec::Cmd::new(cli)
                .args(["save", "--", name])
                .env_exact(ctx.vars())
                .stream(deadline)
                .map_err(|e| LayerError::Run(format!("{e:#}")))?;
            read(saved, MAX_IMAGE_BYTES).map_err(|e| LayerError::Save(Box::new(e)))?
        }
        _ => return Err(LayerError::NoEngine),
    };
    if let (Some(p), Ok(text)) = (cache, serde_json::to_string(&contents)) {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = crate::disk::write_atomic(&p, text.as_bytes());
    }
    Ok(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar of (path, mode, body) entries; a path ending in `/` is a folder.
    fn tar_of(files: &[(&str, u32, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (path, mode, body) in files {
            let mut h = tar::Header::new_gnu();
            h.set_mode(*mode);
            if path.ends_with('/') {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_size(0);
                b.append_data(&mut h, path, &[][..]).unwrap();
            } else {
                h.set_size(body.len() as u64);
                b.append_data(&mut h, path, *body).unwrap();
            }
        }
        b.into_inner().unwrap()
    }

    /// A `docker save` archive of layers (legacy layout), manifest last as the engine writes it.
    fn image_of(layers: &[Vec<u8>]) -> Vec<u8> {
        let names: Vec<String> = (0..layers.len())
            .map(|i| format!("l{i}/layer.tar"))
            .collect();
        let manifest = serde_json::json!([{"Config": "c.json", "Layers": names}]).to_string();
        let mut files: Vec<(&str, u32, &[u8])> = names
            .iter()
            .zip(layers)
            .map(|(n, l)| (n.as_str(), 0o644, l.as_slice()))
            .collect();
        files.push(("manifest.json", 0o644, manifest.as_bytes()));
        tar_of(&files)
    }

    #[test]
    fn layers_whiteouts_and_what_is_kept() {
        let base = tar_of(&[
            ("bin/", 0o755, b""),
            ("bin/busybox", 0o4755, b"ELF"),
            (
                "opt/conda/conda-meta/python-3.12.4-h1_0_cpython.json",
                0o644,
                b"{}",
            ),
            ("opt/conda/conda-meta/history", 0o644, b""),
            (
                "opt/conda/lib/python3.12/site-packages/idna-3.7.dist-info/INSTALLER",
                0o644,
                b"conda\n",
            ),
            (
                "etc/ssl/certs/ca.pem",
                0o644,
                b"-----BEGIN CERTIFICATE-----",
            ),
        ]);
        let app = tar_of(&[
            ("app/.env", 0o600, b"TOKEN=x"),
            ("app/deploy.pem", 0o600, b"-----BEGIN RSA PRIVATE KEY-----"),
            ("app/.env.example", 0o644, b"TOKEN="),
            (
                "opt/conda/lib/python3.12/site-packages/requests-2.32.3.dist-info/INSTALLER",
                0o644,
                b"pip\n",
            ),
            ("app/.git/", 0o755, b""),
        ]);
        let cleanup = tar_of(&[
            ("app/.wh..env", 0o644, b""),
            ("bin/.wh..wh..opq", 0o644, b""),
        ]);
        let c = read(io::Cursor::new(image_of(&[base, app, cleanup])), 1 << 20).unwrap();
        assert_eq!(c.layers, 3);
        let secrets: Vec<(&str, usize, bool)> = c
            .secrets
            .iter()
            .map(|s| (s.path.as_str(), s.layer, s.removed_later))
            .collect();
        assert_eq!(
            secrets,
            [
                ("app/.env", 1, true),
                ("app/deploy.pem", 1, false),
                ("app/.git", 1, false)
            ]
        );
        // The opaque bin/ of the last layer hides busybox (and its setuid bit).
        assert!(c.bins.is_empty(), "{:?}", c.bins);
        assert!(c.setuid.is_empty());
        assert_eq!(c.conda.len(), 1);
        assert_eq!(
            (c.conda[0].prefix.as_str(), c.conda[0].name.as_str()),
            ("opt/conda", "python")
        );
        assert_eq!(c.conda[0].build, "h1_0_cpython");
        let pip: Vec<&str> = c
            .dists
            .iter()
            .filter(|d| d.installer == "pip")
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(pip, ["requests"]);
    }

    #[test]
    fn setuid_bins_and_bounds() {
        let layer = tar_of(&[
            ("usr/bin/passwd", 0o4755, b"x"),
            ("usr/local/bin/app", 0o755, b"y"),
        ]);
        let img = image_of(&[layer]);
        let c = read(io::Cursor::new(img.clone()), 1 << 20).unwrap();
        assert_eq!(
            c.setuid,
            [Special {
                path: "usr/bin/passwd".into(),
                mode: 0o4755,
                layer: 0
            }]
        );
        assert_eq!(c.bins, ["usr/bin/passwd", "usr/local/bin/app"]);
        assert_eq!(
            read(io::Cursor::new(img), 1 << 10).unwrap_err().to_string(),
            "the image is larger than the 0 MiB devdoctor reads"
        );
        assert!(read(io::Cursor::new(b"garbage".to_vec()), 1 << 20).is_err());
        assert_eq!(
            read(io::Cursor::new(tar_of(&[("x", 0o644, b"y")])), 1 << 20).unwrap_err(),
            LayerError::NoManifest
        );
    }

    #[test]
    fn gzip_layers_are_read_too() {
        use std::io::Write;
        let layer = tar_of(&[("root/.aws/credentials", 0o600, b"[default]")]);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&layer).unwrap();
        let c = read(io::Cursor::new(image_of(&[gz.finish().unwrap()])), 1 << 20).unwrap();
        assert_eq!(c.secrets[0].what, "AWS credentials");
    }
}
