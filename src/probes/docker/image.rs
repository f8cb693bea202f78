//! Local images: `GET /images/{name}/json` over the socket, or `docker image inspect`,
//! looked up once per run per name.

use super::{api, cli, http, request_timeout, EngineState, ImageConfig, Via, BODY_CAP};
use crate::core::Context;
use crate::exec::Cmd;
use std::sync::Arc;

/// What the engine says about one image name.
#[derive(Debug, Clone)]
pub(crate) enum ImageLookup {
    Found(ImageConfig),
    /// The engine does not have it locally.
    Missing,
    /// The engine could not be asked (down, unknown); the engine check says why.
    NoEngine(String),
    /// The engine answered with an error, or the answer was unreadable.
    Error(String),
}

/// The local image `name`, looked up once per run per name.
pub(crate) fn image(ctx: &Context, name: &str) -> Arc<ImageLookup> {
    ctx.probe_keyed(name.to_string(), |ctx| lookup_image(ctx, name))
}

/// The local image `name`, when the engine is reachable and has it. `None` otherwise.
pub(crate) fn local_image(ctx: &Context, name: &str) -> Option<ImageConfig> {
    match image(ctx, name).as_ref() {
        ImageLookup::Found(c) => Some(c.clone()),
        _ => None,
    }
}

/// Whether `name` could be an image reference (and is safe as an argument).
pub fn valid_reference(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 512
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/:@".contains(c))
}

fn lookup_image(ctx: &Context, name: &str) -> ImageLookup {
    if !valid_reference(name) {
        return ImageLookup::Error(format!("`{name}` is not a valid image reference"));
    }
    // The ping is enough: the lookup does not wait for /version and /info.
    let engine = super::reach(ctx);
    match &engine.state {
        EngineState::Up(_) => {}
        EngineState::Down { message, .. } => return ImageLookup::NoEngine(message.clone()),
        EngineState::Unknown(m) => return ImageLookup::NoEngine(m.clone()),
    }
    let timeout = request_timeout(ctx);
    match (&engine.via, &engine.endpoint.target) {
        (Via::Socket, Ok(target)) => {
            let path = format!(
                "{}/images/{}/json",
                engine.api_prefix,
                http::escape_ref(name)
            );
            match http::get(target, &path, timeout, BODY_CAP) {
                Ok(r) if r.status == 200 => match serde_json::from_slice(&r.body) {
                    Ok(v) => ImageLookup::Found(api::parse_image(&v)),
                    Err(e) => {
                        ImageLookup::Error(format!("the engine's image JSON is unreadable: {e}"))
                    }
                },
                Ok(r) if r.status == 404 => ImageLookup::Missing,
                Ok(r) => ImageLookup::Error(r.error_message()),
                Err(e) => ImageLookup::Error(e.to_string()),
            }
        }
        (Via::Cli(path), _) => {
            let out = Cmd::new(path)
                .args(["image", "inspect", "--", name])
                .env_exact(ctx.vars())
                .timeout(timeout)
                .cap(BODY_CAP)
                .run();
            match out {
                Ok(o) if o.success() => {
                    match serde_json::from_slice::<serde_json::Value>(&o.stdout) {
                        Ok(serde_json::Value::Array(items)) if !items.is_empty() => {
                            ImageLookup::Found(api::parse_image(
                                items.first().unwrap_or(&serde_json::Value::Null),
                            ))
                        }
                        _ => ImageLookup::Error("`docker image inspect` printed no image".into()),
                    }
                }
                Ok(o) => {
                    let err = o.stderr_text();
                    let lower = err.to_ascii_lowercase();
                    if lower.contains("no such image") || lower.contains("no such object") {
                        ImageLookup::Missing
                    } else {
                        ImageLookup::Error(format!(
                            "`docker image inspect` {}: {}",
                            o.describe_end(),
                            cli::first_line(&err)
                        ))
                    }
                }
                Err(e) => ImageLookup::Error(format!("{e:#}")),
            }
        }
        _ => ImageLookup::NoEngine("the engine was not contacted".into()),
    }
}
