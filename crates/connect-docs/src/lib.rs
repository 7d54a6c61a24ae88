//! Nothing to use: this crate exists for its tests. Its build script copies every ```` ```rust ````
//! block of the workspace's `README.md` and `docs/*.md` into one module each, so
//! `cargo test --workspace` compiles every example exactly as a reader sees it (its `main`, its
//! imports), runs the ones that need no network, and runs their `#[test]` functions. A snippet
//! that stops compiling fails the build with the page and line it came from.
