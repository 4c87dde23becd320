#include "CSignals.h"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

enum { SLOT_COUNT = 16, SLOT_FREE = 0, SLOT_FILLING = 1, SLOT_ACTIVE = 2 };

static char temp_paths[SLOT_COUNT][PATH_MAX];
static atomic_int temp_states[SLOT_COUNT];

int prepline_temp_register(const char *path) {
    if (strlen(path) >= PATH_MAX) return -1;
    for (int slot = 0; slot < SLOT_COUNT; slot++) {
        int expected = SLOT_FREE;
        if (atomic_compare_exchange_strong(&temp_states[slot], &expected, SLOT_FILLING)) {
            strcpy(temp_paths[slot], path);
            /* Published only once the path is whole: the handler skips a slot being filled. */
            atomic_store(&temp_states[slot], SLOT_ACTIVE);
            return slot;
        }
    }
    return -1;
}

void prepline_temp_unregister(int slot) {
    if (slot >= 0 && slot < SLOT_COUNT) atomic_store(&temp_states[slot], SLOT_FREE);
}

static void remove_temporaries_and_exit(int signal_number) {
    for (int slot = 0; slot < SLOT_COUNT; slot++) {
        if (atomic_load(&temp_states[slot]) == SLOT_ACTIVE) unlink(temp_paths[slot]);
    }
    /* The conventional status of a process ended by a signal, without running atexit handlers
       or destructors while worker threads are still live. */
    _exit(128 + signal_number);
}

void prepline_install_signal_handlers(void) {
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    /* A parent may hand these down blocked (Foundation's Process does): unblock them in this
       thread before any other starts, so every thread inherits a mask that lets them in. */
    sigset_t wanted;
    sigemptyset(&wanted);
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction previous;
        if (sigaction(signals[i], NULL, &previous) == 0 && previous.sa_handler == SIG_IGN) continue;
        sigaddset(&wanted, signals[i]);
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = remove_temporaries_and_exit;
        sigfillset(&action.sa_mask);
        sigaction(signals[i], &action, NULL);
    }
    pthread_sigmask(SIG_UNBLOCK, &wanted, NULL);
}
