//! The kernel's per-user watch limits, and falling back to polling.
//!
//! [`exhausted_limit`] tells an error that says a limit is used up from
//! other errors; [`polling_warning`] is the warning printed when the
//! watcher then falls back to scanning the sources every [`POLL_INTERVAL`].

use std::time::Duration;

/// A per-user limit of the kernel's file watching (inotify on Linux).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    /// Watched folders: a recursive watch takes one per folder.
    Watches,
    /// Watchers: every running program that watches files takes one.
    Instances,
}

impl Limit {
    /// The sysctl that sets the limit.
    fn sysctl(self) -> &'static str {
        match self {
            Limit::Watches => "fs.inotify.max_user_watches",
            Limit::Instances => "fs.inotify.max_user_instances",
        }
    }

    /// A value to raise the limit to, well above the usual defaults.
    fn suggested(self) -> u32 {
        match self {
            Limit::Watches => 524_288,
            Limit::Instances => 1024,
        }
    }
}

/// How often the sources are scanned once the watcher has fallen back to polling.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Linux's "too many open files", which `inotify_init` returns when the
/// user has used up `fs.inotify.max_user_instances`.
const EMFILE: i32 = 24;
/// Linux's "no space left on device", which `inotify_add_watch` returns
/// when the user has used up `fs.inotify.max_user_watches`.
const ENOSPC: i32 = 28;

/// Which per-user limit `error` says is used up, if that is what it says.
pub(crate) fn exhausted_limit(error: &notify::Error) -> Option<Limit> {
    match &error.kind {
        notify::ErrorKind::MaxFilesWatch => Some(Limit::Watches),
        notify::ErrorKind::Io(io) => match io.raw_os_error() {
            Some(EMFILE) => Some(Limit::Instances),
            Some(ENOSPC) => Some(Limit::Watches),
            _ => None,
        },
        _ => None,
    }
}

/// The warning printed when the watcher falls back to polling.
pub(crate) fn polling_warning(limit: Limit) -> String {
    let sysctl = limit.sysctl();
    format!(
        "warning: the file watcher hit the inotify limit ({sysctl}); watching by polling every {} ms instead. Raise it with: sudo sysctl {sysctl}={}",
        POLL_INTERVAL.as_millis(),
        limit.suggested()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io_error(code: i32) -> notify::Error {
        notify::Error::io(std::io::Error::from_raw_os_error(code))
    }

    #[test]
    fn used_up_inotify_limits_are_told_apart_from_other_errors() {
        assert_eq!(exhausted_limit(&notify::Error::new(notify::ErrorKind::MaxFilesWatch)), Some(Limit::Watches));
        assert_eq!(exhausted_limit(&io_error(28)), Some(Limit::Watches));
        assert_eq!(exhausted_limit(&io_error(24)), Some(Limit::Instances));
        assert_eq!(exhausted_limit(&io_error(13)), None, "permission denied");
        assert_eq!(exhausted_limit(&io_error(2)), None, "not found");
        assert_eq!(exhausted_limit(&notify::Error::path_not_found()), None);
        assert_eq!(exhausted_limit(&notify::Error::generic("other")), None);
    }

    #[test]
    fn the_polling_warning_names_the_sysctl_to_raise() {
        let warning = polling_warning(Limit::Instances);
        assert!(warning.starts_with("warning: "), "{warning}");
        assert!(warning.contains("polling every 500 ms"), "{warning}");
        assert!(warning.contains("sudo sysctl fs.inotify.max_user_instances=1024"), "{warning}");
        assert!(polling_warning(Limit::Watches).contains("sudo sysctl fs.inotify.max_user_watches=524288"));
    }
}
