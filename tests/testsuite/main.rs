//! The integration tests of `ledestjerne`, in one test binary.
//!
//! One binary links the crate once instead of once per test file. Its tests
//! run in parallel threads of one process; the tests that start
//! `ledestjerne serve` share that process's claim on the user's inotify
//! instances with the test that uses them all up (see
//! [`support::live_server`]).

mod support;

mod architecture;
mod build;
mod citations;
mod content;
mod editorial;
mod example;
mod hubs;
mod incremental;
mod init;
mod knowledge;
mod markup;
mod new;
mod reliability;
mod reuse;
mod schema;
mod serve;
mod site_files;
mod values;
mod watch;
mod watch_limit;
