//! The cookies this app sets and reads, built and parsed with the `cookie`
//! crate: the session cookie and an LTI login's state cookie. Each is
//! `HttpOnly` and scoped by `Path`; `Secure` when cookies are secure (an https
//! `--base-url`, `Config::secure_cookies`).

use super::auth::SESSION_COOKIE;
use crate::error::Result;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use cookie::time::Duration;
use cookie::{Cookie, SameSite};

/// How long a session cookie lives in the browser: two weeks.
const SESSION_AGE: Duration = Duration::days(14);

/// The session cookie holding `id`: the whole site, not sent on cross-site posts (`SameSite=Lax`).
#[must_use]
pub fn session(id: &str, secure: bool) -> Cookie<'static> {
    session_with(id.to_owned(), SESSION_AGE, secure)
}

/// What ends the session cookie in the browser (signing out, deleting the account).
#[must_use]
pub fn session_ended(secure: bool) -> Cookie<'static> {
    session_with(String::new(), Duration::ZERO, secure)
}

fn session_with(value: String, age: Duration, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(age)
        .secure(secure)
        .build()
}

/// An LTI login's state cookie, valid under `/lti/` for `seconds`. It must come
/// back on the LMS's cross-site POST, so it is `SameSite=None; Secure` when
/// cookies are secure (browsers refuse `None` without `Secure`), and carries no
/// `SameSite` otherwise (plain http in development and tests).
#[must_use]
pub fn lti_state(name: String, value: String, seconds: i64, secure: bool) -> Cookie<'static> {
    let cookie = Cookie::build((name, value)).path("/lti/").max_age(Duration::seconds(seconds)).http_only(true);
    if secure { cookie.same_site(SameSite::None).secure(true).build() } else { cookie.build() }
}

/// What ends an LTI login's state cookie once the launch used it.
#[must_use]
pub fn lti_state_ended(name: String) -> Cookie<'static> {
    Cookie::build((name, "")).path("/lti/").max_age(Duration::ZERO).http_only(true).build()
}

/// Adds `cookie` to the response's `Set-Cookie` headers.
pub fn set(response: &mut Response, cookie: &Cookie<'_>) -> Result<()> {
    let value = HeaderValue::from_str(&cookie.to_string()).map_err(anyhow::Error::from)?;
    response.headers_mut().append(SET_COOKIE, value);
    Ok(())
}

/// The value of the cookie named `name` in the request's `Cookie` headers, if any.
#[must_use]
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(std::result::Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_keeps_its_attributes() {
        let plain = session("abc", false).to_string();
        assert_eq!(plain, "cp_session=abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=1209600");
        let secure = session("abc", true).to_string();
        assert_eq!(secure, "cp_session=abc; HttpOnly; SameSite=Lax; Secure; Path=/; Max-Age=1209600");
        assert_eq!(session_ended(false).to_string(), "cp_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    }

    #[test]
    fn an_lti_state_cookie_crosses_sites_only_when_secure() {
        let plain = lti_state("cp_lti_s".into(), "s".into(), 600, false).to_string();
        assert_eq!(plain, "cp_lti_s=s; HttpOnly; Path=/lti/; Max-Age=600");
        let secure = lti_state("cp_lti_s".into(), "s".into(), 600, true).to_string();
        assert_eq!(secure, "cp_lti_s=s; HttpOnly; SameSite=None; Secure; Path=/lti/; Max-Age=600");
        assert_eq!(lti_state_ended("cp_lti_s".into()).to_string(), "cp_lti_s=; HttpOnly; Path=/lti/; Max-Age=0");
    }

    #[test]
    fn a_cookie_is_read_by_its_exact_name_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("junk; cp_session_old=no; theme=dark"));
        headers.append(COOKIE, HeaderValue::from_static("cp_session=yes=1"));
        assert_eq!(read(&headers, "cp_session").as_deref(), Some("yes=1"));
        assert_eq!(read(&headers, "theme").as_deref(), Some("dark"));
        assert_eq!(read(&headers, "missing"), None);
    }
}
