//! One home for each policy that several modules share: which names look secret
//! ([`secrets`]), how text from outside is made safe to print ([`text`]) and the detector
//! behind "no fix ever calls pip" ([`no_pip`]).

pub mod no_pip;
pub mod secrets;
pub mod text;
