//! The real binary serves the assets built into it, wherever it is started.

#[test]
fn the_server_serves_its_own_embedded_assets_and_writes_nothing_to_a_shared_folder() {
    let dir = tempfile::tempdir().expect("dir");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).expect("tmp");
    let server = crate::crash::server::Server::start_with(
        &dir.path().join("cp.db"),
        dir.path().join("server.log"),
        &[("TMPDIR", tmp.as_path())],
    );
    let (status, script) =
        crate::crash::server::request(server.addr, "GET", "/static/annotate.js", None, None).expect("request");
    assert_eq!(status, 200);
    assert_eq!(script, include_str!("../../static/annotate.js"), "the repository's script, byte for byte");
    let written: Vec<_> = std::fs::read_dir(&tmp).expect("tmp").filter_map(Result::ok).map(|e| e.path()).collect();
    assert!(written.is_empty(), "nothing may be written to (or trusted from) a shared folder: {written:?}");
}
