//! Faults of the storage under the database — a full disk, a disk error, a
//! read-only file, a lock held by another process — told apart from bad
//! requests and bugs, so that they get a clear refusal and no acknowledgement.

/// What went wrong with the storage; each clears when its cause goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `SQLITE_FULL`: the disk (or the database's size limit) is full.
    Full,
    /// `SQLITE_IOERR` and `SQLITE_CANTOPEN`: the disk failed a read or a write.
    Io,
    /// `SQLITE_READONLY`: the database file or its folder cannot be written.
    ReadOnly,
    /// `SQLITE_BUSY` or `SQLITE_LOCKED` past the busy timeout, or no connection free in time.
    Locked,
}

/// PostgreSQL's counterparts, by SQLSTATE: a full disk, a failing disk or a lost
/// connection, a server that takes no writes (a standby, a shutdown), a lock or
/// too many clients. Constraint violations and the like are not storage faults.
fn postgres(sqlstate: &str) -> Option<Fault> {
    match sqlstate {
        "53100" => Some(Fault::Full),
        "58030" | "XX001" | "XX002" => Some(Fault::Io),
        code if code.starts_with("08") || code.starts_with("57P") => Some(Fault::Io),
        "25006" => Some(Fault::ReadOnly),
        "55P03" | "53300" | "40001" | "40P01" => Some(Fault::Locked),
        _ => None,
    }
}

impl Fault {
    /// The storage fault behind `error`, if it is one.
    #[must_use]
    pub fn of(error: &sqlx::Error) -> Option<Self> {
        match error {
            sqlx::Error::Database(e) if e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some() => {
                postgres(e.code()?.as_ref())
            }
            sqlx::Error::Database(e) => {
                // The extended result code; its low byte is the primary code.
                let code: i32 = e.code()?.parse().ok()?;
                match code & 0xff {
                    13 => Some(Self::Full),
                    10 | 14 => Some(Self::Io),
                    8 => Some(Self::ReadOnly),
                    5 | 6 => Some(Self::Locked),
                    _ => None,
                }
            }
            sqlx::Error::PoolTimedOut => Some(Self::Locked),
            // PostgreSQL's server out of reach (SQLite's file is never across a network).
            sqlx::Error::Io(_) | sqlx::Error::Tls(_) => Some(Self::Io),
            sqlx::Error::AnyDriverError(e) => e.downcast_ref::<Shared>().map(|shared| shared.fault),
            _ => None,
        }
    }

    /// What an instructor or student is told: what happened and what to do.
    #[must_use]
    pub fn message(self) -> &'static str {
        match self {
            Self::Full => {
                "the server's disk is full: nothing new can be saved until its administrator frees space \
                 (reading still works); what you were saving was not saved, so keep it and try again later"
            }
            Self::Io => {
                "the server cannot write to its disk (a disk error): nothing new can be saved until its \
                 administrator checks the disk; what you were saving was not saved, so keep it and try again later"
            }
            Self::ReadOnly => {
                "the server's database is read-only: nothing new can be saved until its administrator makes \
                 the database file writable; what you were saving was not saved, so keep it and try again later"
            }
            Self::Locked => {
                "the database is locked by another program: what you were saving was not saved; try again in a moment"
            }
        }
    }

    /// How long a client should wait before trying again, in seconds.
    #[must_use]
    pub fn retry_after(self) -> u64 {
        match self {
            Self::Locked => 5,
            Self::Full | Self::Io | Self::ReadOnly => 60,
        }
    }
}

/// The database's own message for `error`, for the log.
#[must_use]
pub fn detail(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::AnyDriverError(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// A storage fault passed on to every request of a failed group
/// (`sqlx::Error` cannot be cloned); [`Fault::of`] still recognises it.
#[derive(Debug, thiserror::Error)]
#[error("{detail}")]
pub struct Shared {
    fault: Fault,
    detail: String,
}

/// The same failure as `error` for another waiting request, keeping its fault.
#[must_use]
pub fn share(error: &sqlx::Error) -> sqlx::Error {
    let detail = format!("the group this write was part of failed: {error}");
    match Fault::of(error) {
        Some(fault) => sqlx::Error::AnyDriverError(Box::new(Shared { fault, detail })),
        None => sqlx::Error::Protocol(detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_states_map_to_the_same_faults_and_constraints_to_none() {
        assert_eq!(postgres("53100"), Some(Fault::Full));
        assert_eq!(postgres("08006"), Some(Fault::Io));
        assert_eq!(postgres("57P01"), Some(Fault::Io));
        assert_eq!(postgres("25006"), Some(Fault::ReadOnly));
        assert_eq!(postgres("40001"), Some(Fault::Locked));
        assert_eq!(postgres("23505"), None, "a unique violation is the request's doing");
    }

    #[test]
    fn a_shared_fault_is_still_that_fault() {
        let shared = share(&sqlx::Error::PoolTimedOut);
        assert_eq!(Fault::of(&shared), Some(Fault::Locked));
        assert_eq!(Fault::of(&share(&sqlx::Error::RowNotFound)), None);
    }
}
