import Foundation

/// Turns SIGINT and SIGTERM into a flag the run polls after every step, so that an
/// interrupted run still writes everything it computed (and says where it stopped).
enum InterruptSignal {
    nonisolated(unsafe) private static var received: sig_atomic_t = 0

    static func install() {
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { _ in InterruptSignal.received = 1 }
            sigaddset(&unblocked, signalNumber)
        }
        // A parent may have blocked them (blocked signals survive exec); unblock them here.
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    }

    static var isRaised: Bool { received != 0 }
}
