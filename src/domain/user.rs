//! Accounts: emails, display names and passwords as users type them.

use super::{Invalid, bounded_text};

/// An account as the app uses it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
}

/// An email address, trimmed and lower-cased so that uniqueness ignores case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let value = bounded_text("email", value, 254)?.to_lowercase();
        let valid = value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !value.chars().any(char::is_whitespace)
        });
        if valid { Ok(Self(value)) } else { Err(Invalid::new("email", "is not an email address")) }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: trimmed, 1 to 80 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        bounded_text("name", value, 80).map(Self)
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 10 characters, at most 1,000. Never logged.
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let len = value.chars().count();
        if len < Self::MIN_CHARS {
            return Err(Invalid::new("password", format!("must be at least {} characters", Self::MIN_CHARS)));
        }
        if len > 1_000 {
            return Err(Invalid::new("password", "must be at most 1000 characters"));
        }
        Ok(Self(value.to_owned()))
    }

    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(Email::parse(" Ana@Example.ORG ").map(|e| e.0), Ok("ana@example.org".into()));
        for bad in ["", "ana", "@x", "ana@", "a b@x.org", "a@b@c"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(Password::parse("123456789").is_err());
        assert!(Password::parse("1234567890").is_ok());
    }
}

/// Who may register an account on the sign-up page (`--registration`). Accounts
/// made on the command line or by an administrator are not subject to it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Registration {
    /// Anyone.
    #[default]
    Open,
    /// No one: accounts come from the command line or an administrator.
    Closed,
    /// Only emails at this domain (`domain:example.edu`), lower-cased.
    Domain(String),
}

impl std::str::FromStr for Registration {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            other => match other.strip_prefix("domain:") {
                Some(domain) if !domain.is_empty() && !domain.contains('@') && domain.contains('.') => {
                    Ok(Self::Domain(domain.trim_start_matches('.').to_owned()))
                }
                _ => Err(format!("{value:?} is not open, closed or domain:example.edu")),
            },
        }
    }
}

impl Registration {
    /// Whether `email` may register; `Err` says why not, for the page.
    pub fn admits(&self, email: &Email) -> Result<(), &'static str> {
        match self {
            Self::Open => Ok(()),
            Self::Closed => Err(
                "registration is closed on this server: ask your instructor or the site's administrator for an account",
            ),
            Self::Domain(domain) => {
                let at = email.as_str().rsplit_once('@').map_or("", |(_, d)| d);
                if at == domain || at.ends_with(&format!(".{domain}")) {
                    Ok(())
                } else {
                    Err("only addresses of this institution may register here")
                }
            }
        }
    }
}

#[cfg(test)]
mod registration_tests {
    use super::*;

    #[test]
    fn registration_admits_by_policy_and_domain() {
        let email = |e: &str| Email::parse(e).unwrap_or_else(|_| panic!("{e}"));
        let open: Registration = "open".parse().unwrap_or(Registration::Closed);
        assert!(open.admits(&email("a@b.org")).is_ok());
        let closed: Registration = "CLOSED".parse().unwrap_or_default();
        assert!(closed.admits(&email("a@b.org")).is_err());
        let domain: Registration = "domain:example.edu".parse().unwrap_or_default();
        assert!(domain.admits(&email("ana@example.edu")).is_ok());
        assert!(domain.admits(&email("ana@students.example.edu")).is_ok());
        assert!(domain.admits(&email("ana@evilexample.edu")).is_err());
        assert!(domain.admits(&email("ana@example.edu.evil.org")).is_err());
        for bad in ["", "domain:", "sometimes", "domain:a@b.edu", "domain:localhost"] {
            assert!(bad.parse::<Registration>().is_err(), "{bad}");
        }
    }
}
