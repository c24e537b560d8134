//! Fuzz target: see `ledestjerne_fuzz::site_yaml` for what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ledestjerne_fuzz::site_yaml(data));
