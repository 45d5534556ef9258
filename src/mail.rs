//! Mail: password-reset links sent through the SMTP server of `--smtp-url`,
//! with lettre. Sending happens off the request, so the answer to "forgot
//! password" takes as long whether or not the account exists.

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// A configured SMTP connection and sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `url` (`smtp://`, `smtps://`, with `?tls=required` for STARTTLS) sending as `from`.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("--smtp-url {url:?}: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("--smtp-from {from:?}: {e}"))?;
        Ok(Self { transport, from })
    }

    /// Sends a reset link to `to` in the background; failures are logged.
    pub fn send_reset_link(&self, to: &str, name: &str, link: &str) {
        let mailer = self.clone();
        let (to, body) = (to.to_owned(), reset_body(name, link));
        tokio::spawn(async move {
            let message = to.parse::<Mailbox>().map_err(anyhow::Error::from).and_then(|to| {
                Message::builder()
                    .from(mailer.from.clone())
                    .to(to)
                    .subject("Reset your Counterpoint password")
                    // Quoted-printable keeps the (ASCII) link readable whatever the name holds.
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .header(ContentTransferEncoding::QuotedPrintable)
                            .body(body),
                    )
                    .map_err(anyhow::Error::from)
            });
            let sent = match message {
                Ok(message) => mailer.transport.send(message).await.map(drop).map_err(anyhow::Error::from),
                Err(e) => Err(e),
            };
            if let Err(e) = sent {
                tracing::warn!("could not mail a password-reset link: {e:#}");
            }
        });
    }
}

fn reset_body(name: &str, link: &str) -> String {
    // Short lines, so the mail goes as plain 7-bit text and the link is never folded.
    format!(
        "Hello {name},\n\n\
         Someone (we hope you) asked to reset your Counterpoint password.\n\
         Open this link within 24 hours to choose a new one; it works once:\n\n\
         {link}\n\n\
         If you did not ask, ignore this mail: your password stays as it is.\n"
    )
}
