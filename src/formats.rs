//! Conversions between Counterpoint's annotations and other formats. Pure.

pub mod aif;
pub mod csv;
pub mod w3c;
