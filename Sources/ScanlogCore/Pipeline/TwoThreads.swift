import Dispatch

/// Two pieces of work at once, one on each core: classification's two halves, the report's two sorts.
enum TwoThreads {
    /// `first()` and `second()`, on two threads when `parallel`.
    static func pair<A: Sendable, B: Sendable>(parallel: Bool, _ first: @escaping @Sendable () -> A,
                                              _ second: @escaping @Sendable () -> B) -> (A, B) {
        guard parallel else { return (first(), second()) }
        let results = PairResults<A, B>()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 { results.first = first() } else { results.second = second() }
        }
        return (results.first!, results.second!)
    }

    /// Each thread sets only its own result, and the caller reads them after `concurrentPerform` has returned.
    private final class PairResults<A, B>: @unchecked Sendable {
        var first: A?
        var second: B?
    }
}
