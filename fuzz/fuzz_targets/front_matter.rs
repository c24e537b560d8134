//! Fuzz target: see `ledestjerne_fuzz::front_matter` for what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ledestjerne_fuzz::front_matter(data));
