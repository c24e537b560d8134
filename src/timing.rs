//! Where a build's time goes: with the environment variable
//! `LEDESTJERNE_TIMINGS` set, each phase's end is printed to standard error
//! with the time since the first phase and since the one before.

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Instant;

/// When timing began and when the last phase ended; `None` when not timing.
static CLOCK: OnceLock<Option<Mutex<(Instant, Instant)>>> = OnceLock::new();

/// Notes that the phase `name` has ended (the first call starts the clock).
pub fn phase(name: &str) {
    let clock = CLOCK.get_or_init(|| std::env::var_os("LEDESTJERNE_TIMINGS").map(|_| Mutex::new((Instant::now(), Instant::now()))));
    if let Some(clock) = clock {
        let mut clock = clock.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let (total, step) = (now - clock.0, now - clock.1);
        clock.1 = now;
        eprintln!("timing: {:>8.1} ms {:>8.1} ms  {name}", total.as_secs_f64() * 1e3, step.as_secs_f64() * 1e3);
    }
}
