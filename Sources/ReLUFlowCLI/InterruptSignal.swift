import Foundation

/// Turns SIGINT and SIGTERM into a flag the run polls after every step, so that an
/// interrupted run still writes everything it computed (and says where it stopped).
///
/// During set-up (`installDuringSetUp()` until `keepResults()`) nothing is written yet, so a
/// signal ends the process at once with status 130 and leaves nothing. A second signal
/// always ends it at once: the user insists, and the files being written are left unfinished.
enum InterruptSignal {
    nonisolated(unsafe) private static var received: sig_atomic_t = 0
    nonisolated(unsafe) private static var exitsAtOnce: sig_atomic_t = 0

    static func install() {
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { _ in
                // Only async-signal-safe calls here: _exit, and the flag.
                if InterruptSignal.exitsAtOnce != 0 || InterruptSignal.received != 0 { _exit(130) }
                InterruptSignal.received = 1
            }
            sigaddset(&unblocked, signalNumber)
        }
        // A parent may have blocked them (blocked signals survive exec); unblock them here.
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    }

    /// Installs the handler so that a signal ends the process at once until `keepResults()`.
    static func installDuringSetUp() {
        exitsAtOnce = 1
        install()
    }

    /// From here on a first signal only raises the flag: the run stops at its next step and
    /// writes what it computed.
    static func keepResults() { exitsAtOnce = 0 }

    static var isRaised: Bool { received != 0 }
}
