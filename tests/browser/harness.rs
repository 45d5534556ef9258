//! The browser suite's harness: the real app on a free port, one chromedriver,
//! a headless Chromium session per person (each with its own profile), and
//! small helpers to wait for what the page shows.

use crate::support::{PASSWORD, TestApp, TestUser};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// How long a page may take to show what a step waits for.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Chromium and chromedriver, found once: `CHROMIUM`/`CHROMEDRIVER`, else the `PATH`.
/// When either is absent the suite does not run and says so; under `CI=true` that is a failure.
pub fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    let chromium = from_env_or_path("CHROMIUM", &["chromium", "chromium-browser", "google-chrome"]);
    let driver = from_env_or_path("CHROMEDRIVER", &["chromedriver"]);
    if let (Some(chromium), Some(driver)) = (chromium, driver) {
        return Some((chromium, driver));
    }
    let message = "chromium or chromedriver is missing: the browser tests did not run";
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message} (CI=true requires them)");
    eprintln!("SKIPPED: {message}");
    None
}

fn from_env_or_path(variable: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable).map(PathBuf::from) {
        return path.is_file().then_some(path);
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs).flat_map(|dir| names.iter().map(move |n| dir.join(n))).find(|p| p.is_file())
}

/// A child process that is killed with the suite.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The app served over TCP, chromedriver, and the way to open browsers on them.
pub struct Suite {
    pub app: TestApp,
    pub base: String,
    chromium: PathBuf,
    driver_url: String,
    _driver: Killed,
    profiles: TempDir,
}

impl Suite {
    pub async fn start(chromium: PathBuf, driver: &Path) -> Self {
        let app = TestApp::new().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let router = app.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver_url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(started.elapsed() < PATIENCE, "chromedriver did not start listening");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { app, base, chromium, driver_url, _driver: Killed(child), profiles: tempfile::tempdir().expect("dir") }
    }

    /// A fresh headless Chromium with its own profile.
    pub async fn browser(&self, name: &str) -> Client {
        let profile = self.profiles.path().join(name);
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,1000",
            &format!("--user-data-dir={}", profile.display()),
        ];
        let options = json!({"binary": self.chromium, "args": args});
        let capabilities = json!({"browserName": "chrome", "goog:chromeOptions": options});
        let Value::Object(capabilities) = capabilities else { unreachable!("a JSON object") };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.driver_url)
            .await
            .expect("a Chromium session")
    }

    /// A browser signed in as `user`.
    pub async fn signed_in(&self, user: &TestUser) -> Client {
        let client = self.browser(&user.email).await;
        client.goto(&format!("{}/login", self.base)).await.expect("login page");
        client
            .find(Locator::Css("input[name=email]"))
            .await
            .expect("email")
            .send_keys(&user.email)
            .await
            .expect("type");
        let password = client.find(Locator::Css("input[name=password]")).await.expect("password");
        password.send_keys(PASSWORD).await.expect("type");
        client.find(Locator::Css("form button[type=submit]")).await.expect("button").click().await.expect("submit");
        wait_until(&client, "document.querySelector('form[action=\"/logout\"]') !== null").await;
        client
    }

    pub async fn open_reading(&self, client: &Client, reading: i64) {
        client.goto(&format!("{}/readings/{reading}", self.base)).await.expect("reading page");
        wait_until(client, "document.documentElement.classList.contains('enhanced')").await;
    }
}

/// Waits until the JavaScript `expression` is truthy on the page.
pub async fn wait_until(client: &Client, expression: &str) {
    let script = format!("return Boolean({expression});");
    let started = Instant::now();
    loop {
        if client.execute(&script, vec![]).await.ok().and_then(|v| v.as_bool()) == Some(true) {
            return;
        }
        assert!(started.elapsed() < PATIENCE, "the page never showed: {expression}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
pub async fn run(client: &Client, script: &str, args: Vec<Value>) -> Value {
    client.execute(script, args).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Selects `exact` in the reading like a mouse would, and waits for the annotation editor.
pub async fn select_passage(client: &Client, exact: &str) {
    select_text(client, exact).await;
    wait_until(client, "document.querySelector('[data-role=annotation-editor]').classList.contains('floating')").await;
}

/// Selects `exact` in the reading like a mouse would: a DOM range over the
/// article's text nodes, then mousedown, mouseup and click on the passage.
/// Waits for nothing (in re-attach mode the selection opens another panel).
pub async fn select_text(client: &Client, exact: &str) {
    let script = r#"
        const [needle] = arguments;
        const article = document.getElementById("reading-text");
        const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
        const nodes = [];
        let text = "";
        while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
        const at = text.indexOf(needle);
        if (at < 0) throw new Error("not in the reading: " + needle);
        const point = (i, isEnd) => {
          const [node, start] = nodes.find(([n, s]) => isEnd ? i > s && i <= s + n.data.length : i >= s && i < s + n.data.length);
          return [node, i - start];
        };
        const range = document.createRange();
        range.setStart(...point(at, false));
        range.setEnd(...point(at + needle.length, true));
        const startElement = range.startContainer.parentElement;
        const endElement = range.endContainer.parentElement;
        const box = range.getBoundingClientRect();
        const mouse = (type, target, x, y) =>
          target.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: window, clientX: x, clientY: y, button: 0 }));
        mouse("mousedown", startElement, box.left, box.top);
        const selection = document.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        mouse("mouseup", endElement, box.right, box.bottom);
        mouse("click", endElement, box.right, box.bottom);
    "#;
    run(client, script, vec![json!(exact)]).await;
}

/// Clicks the element `css` finds.
///
/// The page redraws itself when live changes arrive, so an element found a
/// moment ago may be replaced before the click lands: find it again and retry.
pub async fn click(client: &Client, css: &str) {
    let started = std::time::Instant::now();
    loop {
        let element = client.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await.expect(css);
        match element.click().await {
            Ok(()) => return,
            Err(e) if started.elapsed() < PATIENCE && e.to_string().contains("stale element") => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("cannot click {css}: {e}"),
        }
    }
}

/// Types `text` into the field `css` finds.
pub async fn type_into(client: &Client, css: &str, text: &str) {
    let element = client.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await.expect(css);
    element.send_keys(text).await.unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
}
