#![no_main]
//! Target `error_answer`: the body lives in the library (see its `fuzzing` module), so a stable test
//! replays this target's corpus.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    connect_auth::fuzzing::error_answer(data);
});
