import Dispatch
import Foundation
import Synchronization

/// Set by the first of the watched signals, so a loop can stop at a safe point (after the models
/// or the bar in progress); a second signal ends the process at once.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .relaxed) }

    /// Watches `signals` until the returned sources are cancelled; `message` goes to standard error.
    func watch(_ signals: [Int32], message: String) -> [any DispatchSourceSignal] {
        signals.map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                if flag.exchange(true, ordering: .relaxed) { exit(130) }
                FileHandle.standardError.write(Data("\n\(message)\n".utf8))
            }
            source.resume()
            return source
        }
    }
}
