//! Core types shared by every check, probe and report.
pub(crate) mod context;
pub mod diagnostic;
pub(crate) mod model;
pub(crate) mod settings;
pub mod status;

pub(crate) use context::Context;
pub(crate) use diagnostic::Diagnostic;
pub(crate) use model::{area_of, Builtin, Check, Early, Outcome, Phase, Settle, Spec};
pub use model::{CheckMeta, CheckResult, Fix, Location, NewFile, Origin};
pub(crate) use settings::Settings;
pub use status::{Counts, Status};
