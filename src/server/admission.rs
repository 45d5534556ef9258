//! Who may open another connection: a cap on connections in all and one per
//! client address, with trusted proxies exempt from the second.
//!
//! A counter per address behind a mutex, taken once per accepted connection:
//! a crate for this would be larger than the dozen lines it replaces.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, PoisonError};

/// The counts of open connections, shared with every [`Ticket`].
#[derive(Clone)]
pub struct Admission {
    inner: Arc<Inner>,
}

struct Inner {
    max_total: usize,
    max_per_address: usize,
    trusted_proxies: Vec<IpAddr>,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// One admitted connection; dropping it gives its place back.
pub struct Ticket {
    inner: Arc<Inner>,
    /// The address it counts against; `None` for a trusted proxy.
    address: Option<IpAddr>,
}

impl Admission {
    pub fn new(max_total: usize, max_per_address: usize, trusted_proxies: Vec<IpAddr>) -> Self {
        let trusted_proxies = trusted_proxies.into_iter().map(|ip| ip.to_canonical()).collect();
        let open = Mutex::default();
        Self { inner: Arc::new(Inner { max_total, max_per_address, trusted_proxies, open }) }
    }

    /// A ticket for a connection from `peer`, or `None` when a cap is reached.
    pub fn admit(&self, peer: IpAddr) -> Option<Ticket> {
        let peer = peer.to_canonical();
        let address = (!self.inner.trusted_proxies.contains(&peer)).then(|| client_key(peer));
        let mut open = self.inner.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.total >= self.inner.max_total {
            return None;
        }
        if let Some(address) = address {
            let count = open.by_address.entry(address).or_default();
            if *count >= self.inner.max_per_address {
                return None;
            }
            *count += 1;
        }
        open.total += 1;
        Some(Ticket { inner: Arc::clone(&self.inner), address })
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.inner.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.total -= 1;
        if let Some(address) = self.address {
            if let Some(count) = open.by_address.get_mut(&address) {
                *count -= 1;
                if *count == 0 {
                    open.by_address.remove(&address);
                }
            }
        }
    }
}

/// What one client is counted as: its IPv4 address, or its IPv6 /64, since
/// one host is usually given a whole /64 and could change address within it.
fn client_key(peer: IpAddr) -> IpAddr {
    match peer {
        IpAddr::V4(_) => peer,
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(v6.to_bits() & !u128::from(u64::MAX))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn each_address_gets_its_share_and_gives_it_back() {
        let admission = Admission::new(10, 2, vec![]);
        let first = admission.admit(ip("10.0.0.1"));
        let second = admission.admit(ip("10.0.0.1"));
        assert!(first.is_some() && second.is_some());
        assert!(admission.admit(ip("10.0.0.1")).is_none(), "a third from one address is refused");
        assert!(admission.admit(ip("::ffff:10.0.0.1")).is_none(), "the same address written as IPv6");
        assert!(admission.admit(ip("10.0.0.2")).is_some(), "another address is not");
        drop(first);
        assert!(admission.admit(ip("10.0.0.1")).is_some(), "a closed connection frees its place");
    }

    #[test]
    fn an_ipv6_client_counts_as_its_64() {
        let admission = Admission::new(10, 1, vec![]);
        let _held = admission.admit(ip("2001:db8:1:2::1"));
        assert!(admission.admit(ip("2001:db8:1:2::ffff")).is_none());
        assert!(admission.admit(ip("2001:db8:1:3::1")).is_some());
    }

    #[test]
    fn trusted_proxies_pass_the_per_address_cap_but_not_the_total() {
        let admission = Admission::new(3, 1, vec![ip("192.0.2.7")]);
        let held: Vec<_> = (0..3).filter_map(|_| admission.admit(ip("192.0.2.7"))).collect();
        assert_eq!(held.len(), 3);
        assert!(admission.admit(ip("192.0.2.7")).is_none(), "the total cap holds for everyone");
        assert!(admission.admit(ip("10.0.0.1")).is_none());
        drop(held);
        let open = admission.inner.open.lock().map(|o| (o.total, o.by_address.len())).unwrap_or((9, 9));
        assert_eq!(open, (0, 0), "every place was given back");
    }
}
