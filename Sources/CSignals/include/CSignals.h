#ifndef CSIGNALS_H
#define CSIGNALS_H

/// Temporary files the process must not leave behind when SIGINT, SIGTERM or SIGHUP ends it.
///
/// A signal handler may only do async-signal-safe work, so the paths live in a fixed C array
/// (no allocation, no locks) that the handler walks with unlink(2) before _exit(128 + signal).

/// Records `path`; returns its slot, or -1 when every slot is taken (the file is then only
/// removed on the ordinary error paths).
int prepline_temp_register(const char *path);

/// Forgets a slot from `prepline_temp_register` (after the file was renamed or removed).
void prepline_temp_unregister(int slot);

/// Installs the handler for SIGINT, SIGTERM and SIGHUP, except where the signal is ignored
/// (a background job started with SIGINT ignored keeps ignoring it).
void prepline_install_signal_handlers(void);

#endif
