//! The "live lecture" of `scripts/loadtest` (issue 14): hundreds of open
//! reading pages' event streams, a steady rate of posts, and a few pages that
//! redraw after each event the way the page script does.
//!
//! `live_lecture BASE READING_ID POSTER_TOKEN TOKENS_FILE STREAMS SECONDS RATE PAGES MODE`
//!
//! Opens STREAMS event streams on the reading, spread over the tokens in
//! TOKENS_FILE (one per line); once all are open, posts RATE class-visible
//! annotations a second for SECONDS with POSTER_TOKEN; PAGES of the streams
//! fetch, for each event, what the page fetches: `fragments` (this build's
//! script) or `page` (the whole page, as the script did before issue 14), with
//! `Accept-Encoding: br, gzip`. Prints `KEY=VALUE` lines: posts, deliveries
//! expected, late (heard more than 3 s after the POST was sent) and missed
//! (never heard, though the run waits up to 30 s after the last post for
//! stragglers), `resync`s (a stream that fell behind is told to reload whole,
//! and then does not hear what it skipped), streams that ended early, delivery
//! latency p50/p99 (from the POST's sending to the event's arrival), and the
//! mean bytes an open page received per change.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Http = Client<HttpConnector, Full<Bytes>>;

#[derive(Default)]
struct Tally {
    /// When each annotation's POST was sent, by id.
    sent: Mutex<HashMap<String, Instant>>,
    /// Each delivery's latency, in microseconds (matched once the POST answered).
    arrivals: Mutex<Vec<(String, Instant)>>,
    received: AtomicUsize,
    open: AtomicUsize,
    /// `resync` events heard: a stream that fell behind skips ahead and its page reloads whole.
    resyncs: AtomicUsize,
    /// Streams the server ended before the run did.
    ended: AtomicUsize,
    /// Bytes pages fetched after events (bodies as sent, headers approximated), and how many fetches.
    fetched: AtomicU64,
    fetches: AtomicU64,
    event_bytes: AtomicU64,
}

fn request(method: &str, uri: &str, token: &str, body: Option<String>) -> anyhow::Result<hyper::Request<Full<Bytes>>> {
    let mut builder =
        hyper::Request::builder().method(method).uri(uri).header("authorization", format!("Bearer {token}"));
    // What a page fetches comes compressed, as a browser asks; the poster reads its answers plain.
    builder = match body {
        Some(_) => builder.header("content-type", "application/ld+json"),
        None => builder.header("accept-encoding", "br, gzip"),
    };
    Ok(builder.body(Full::new(Bytes::from(body.unwrap_or_default())))?)
}

/// Bytes a response took on the wire, roughly: its status line and headers, and its body as sent.
async fn wire_bytes(response: hyper::Response<hyper::body::Incoming>) -> anyhow::Result<u64> {
    let headers: usize = response.headers().iter().map(|(k, v)| k.as_str().len() + v.len() + 4).sum::<usize>() + 17;
    let body = response.into_body().collect().await?.to_bytes();
    Ok((headers + body.len()) as u64)
}

/// Fetches what a page fetches to redraw, counting its bytes.
async fn redraw(http: Http, uri: String, token: String, tally: Arc<Tally>) {
    let Ok(req) = request("GET", &uri, &token, None) else { return };
    if let Ok(response) = http.request(req).await {
        if let Ok(bytes) = wire_bytes(response).await {
            tally.fetched.fetch_add(bytes, Ordering::Relaxed);
            tally.fetches.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn stream(http: Http, base: String, reading: String, token: String, page: Option<String>, tally: Arc<Tally>) {
    let Ok(req) = request("GET", &format!("{base}/readings/{reading}/events"), &token, None) else { return };
    let Ok(response) = http.request(req).await else { return };
    tally.open.fetch_add(1, Ordering::SeqCst);
    let mut body = response.into_body();
    let mut pending = String::new();
    while let Some(Ok(frame)) = body.frame().await {
        let Some(data) = frame.data_ref() else { continue };
        pending.push_str(&String::from_utf8_lossy(data));
        while let Some(end) = pending.find("\n\n") {
            let message: String = pending.drain(..end + 2).collect();
            if message.lines().any(|l| l.trim() == "event: resync" || l.trim() == "event:resync") {
                tally.resyncs.fetch_add(1, Ordering::Relaxed);
                // A page that fell behind reloads whole, as the page script does.
                if page.is_some() {
                    tokio::spawn(redraw(
                        http.clone(),
                        format!("{base}/readings/{reading}"),
                        token.clone(),
                        Arc::clone(&tally),
                    ));
                }
                continue;
            }
            let Some(json) = message.lines().find_map(|l| l.strip_prefix("data:")) else { continue };
            let Ok(value) = serde_json::from_str::<serde_json::Value>(json.trim()) else { continue };
            let Some(id) = value["annotation"].as_str() else { continue };
            let now = Instant::now();
            tally.received.fetch_add(1, Ordering::Relaxed);
            tally.arrivals.lock().map(|mut a| a.push((id.to_owned(), now))).ok();
            let Some(mode) = &page else { continue };
            tally.event_bytes.fetch_add(message.len() as u64, Ordering::Relaxed);
            let uri = match mode.as_str() {
                "page" => format!("{base}/readings/{reading}"),
                _ => format!("{base}/readings/{reading}/fragments?ids={id}&blocks="),
            };
            tokio::spawn(redraw(http.clone(), uri, token.clone(), Arc::clone(&tally)));
        }
    }
    tally.ended.fetch_add(1, Ordering::Relaxed);
}

/// Waits, after the last post, until every delivery arrived, none arrived for
/// 3 s, or 30 s passed: what is heard by then was late, not lost.
async fn wait_for_stragglers(tally: &Tally, expected: impl Fn() -> usize) {
    let (started, mut last_count, mut last_change) = (Instant::now(), 0, Instant::now());
    while started.elapsed() < Duration::from_secs(30) && last_change.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let count = tally.received.load(Ordering::Relaxed);
        if count >= expected() {
            return;
        }
        if count != last_count {
            (last_count, last_change) = (count, Instant::now());
        }
    }
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, reading, poster, tokens, streams, seconds, rate, pages, mode] = args.as_slice() else {
        anyhow::bail!("usage: live_lecture BASE READING_ID POSTER_TOKEN TOKENS_FILE STREAMS SECONDS RATE PAGES MODE");
    };
    let tokens: Vec<String> =
        std::fs::read_to_string(tokens)?.lines().map(str::to_owned).filter(|t| !t.is_empty()).collect();
    anyhow::ensure!(!tokens.is_empty(), "no tokens in the file");
    let (streams, seconds, rate, pages): (usize, u64, u64, usize) =
        (streams.parse()?, seconds.parse()?, rate.parse()?, pages.parse()?);
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let http: Http = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(usize::MAX).build(connector);
    let tally = Arc::new(Tally::default());
    for n in 0..streams {
        let page = (n < pages).then(|| mode.clone());
        let token = tokens[n % tokens.len()].clone();
        tokio::spawn(stream(http.clone(), base.clone(), reading.clone(), token, page, Arc::clone(&tally)));
    }
    let opening = Instant::now();
    while tally.open.load(Ordering::SeqCst) < streams {
        anyhow::ensure!(
            opening.elapsed() < Duration::from_secs(60),
            "only {} streams opened",
            tally.open.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let chars = 20_000_u64;
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
    let started = Instant::now();
    let mut posts = 0_u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        tick.tick().await;
        let start = (posts * 7_919) % (chars - 100);
        let body = format!(
            r#"{{"@context":"http://www.w3.org/ns/anno.jsonld","type":"Annotation","body":[{{"type":"TextualBody","purpose":"classifying","value":"claim"}},{{"type":"TextualBody","purpose":"commenting","value":"Live lecture {posts}."}}],"visibility":"class","target":{{"source":"{base}/readings/{reading}","selector":{{"type":"TextPositionSelector","start":{start},"end":{}}}}}}}"#,
            start + 40
        );
        let req = request("POST", &format!("{base}/api/readings/{reading}/annotations/"), poster, Some(body))?;
        // Posted at the rate whatever each takes to answer: a class does not wait for one another.
        let (http, tally) = (http.clone(), Arc::clone(&tally));
        tokio::spawn(async move {
            let sent = Instant::now();
            let Ok(response) = http.request(req).await else { return };
            if response.status() != 201 {
                eprintln!("a post answered {}", response.status());
                return;
            }
            let Ok(bytes) = response.into_body().collect().await.map(|b| b.to_bytes()) else { return };
            let answer: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let id = answer["id"].as_str().and_then(|id| id.rsplit('/').next()).unwrap_or_default().to_owned();
            tally.sent.lock().map(|mut s| s.insert(id, sent)).ok();
        });
        posts += 1;
    }
    let ended_early = tally.ended.load(Ordering::Relaxed);
    wait_for_stragglers(&tally, || tally.sent.lock().map(|s| s.len()).unwrap_or_default() * streams).await;
    let sent = tally.sent.lock().map(|s| s.clone()).unwrap_or_default();
    let posts = sent.len() as u64;
    let mut latencies: Vec<u64> = tally
        .arrivals
        .lock()
        .map(|a| {
            a.iter()
                .filter_map(|(id, at)| sent.get(id).map(|s| at.saturating_duration_since(*s).as_micros() as u64))
                .collect()
        })
        .unwrap_or_default();
    latencies.sort_unstable();
    let expected = posts as usize * streams;
    let fetches = tally.fetches.load(Ordering::Relaxed).max(1);
    let heard_by_pages = (posts as usize * pages).max(1) as u64;
    println!("POSTS={posts}");
    println!("STREAMS={streams}");
    println!("EXPECTED={expected}");
    println!("MISSED={}", expected.saturating_sub(latencies.len()));
    println!("LATE={}", latencies.iter().filter(|&&l| l > 3_000_000).count());
    println!("RESYNCS={}", tally.resyncs.load(Ordering::Relaxed));
    println!("ENDED_EARLY={ended_early}");
    println!("P50_MS={:.1}", percentile(&latencies, 0.5) as f64 / 1000.0);
    println!("P99_MS={:.1}", percentile(&latencies, 0.99) as f64 / 1000.0);
    println!("FETCHES={}", tally.fetches.load(Ordering::Relaxed));
    println!("BYTES_PER_FETCH={}", tally.fetched.load(Ordering::Relaxed) / fetches);
    println!("EVENT_BYTES={}", tally.event_bytes.load(Ordering::Relaxed) / heard_by_pages);
    Ok(())
}
