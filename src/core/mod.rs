//! Core types shared by every check, probe and report.
pub mod context;
pub mod diagnostic;
pub mod model;
pub mod settings;
pub mod status;

pub use context::Context;
pub use diagnostic::Diagnostic;
pub use model::{
    area_of, Builtin, Check, CheckMeta, CheckResult, Early, Fix, Location, Origin, Outcome, Phase,
    Settle, Spec,
};
pub use settings::Settings;
pub use status::{Counts, Status};
