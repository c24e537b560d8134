//! Fuzz target: see `ledestjerne_fuzz::markdown` for what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ledestjerne_fuzz::markdown(data));
