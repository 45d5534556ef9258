//! Conversions between Counterpoint's annotations and other formats. Pure.

pub mod w3c;
