"""Fails when a package in Cargo.lock declares a rust-version above the workspace's own.

Reads `cargo metadata --format-version 1` on stdin. The machines carry one toolchain, so the
declared minimum cannot be built here; this keeps the declaration honest instead.
"""
import json
import sys


def version(v):
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


meta = json.load(sys.stdin)
members = set(meta["workspace_members"])
ours = [p for p in meta["packages"] if p["id"] in members and p.get("rust_version")]
floor = max(version(p["rust_version"]) for p in ours)
too_new = [
    f'{p["name"]} {p["version"]} needs Rust {p["rust_version"]}'
    for p in meta["packages"]
    if p.get("rust_version") and version(p["rust_version"]) > floor
]
if too_new:
    print("dependencies need a newer Rust than the workspace's rust-version:")
    print("\n".join(too_new))
    sys.exit(1)
print(f"every package builds with the declared rust-version {'.'.join(map(str, floor))}")
