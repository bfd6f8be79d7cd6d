/// One feature definition with its two kernels: batch over a whole series (research) and
/// streaming one bar at a time (service). Both produce the same numbers; rows before `warmUp`
/// are NaN.
public protocol Indicator: Sendable {
    /// Output column names, in order.
    var outputs: [String] { get }
    /// Index of the first row at which every output is valid (the lookback).
    var warmUp: Int { get }
    /// First valid row of each output (outputs of one indicator may warm up at different speeds).
    var outputWarmUps: [Int] { get }
    /// The canonical text of the definition (feeds the set's content hash).
    var canonical: String { get }
    /// Fills `out[k][0..<input.count]` for each output k.
    func batch(_ input: FeatureInput, _ out: [UnsafeMutableBufferPointer<Double>])
    /// A fresh streaming state.
    func makeStream() -> IndicatorStream
}

extension Indicator {
    public var outputWarmUps: [Int] { [Int](repeating: warmUp, count: outputs.count) }
    /// Rough work per bar, for scheduling kernels across threads.
    public var relativeCost: Double { Double(outputs.count) }
}

/// Streaming state of one indicator: O(1) work per bar, O(window) memory.
public protocol IndicatorStream: AnyObject {
    /// Consumes the next bar and writes the outputs for it (NaN during warm-up).
    func update(_ bar: InputBar, _ out: UnsafeMutablePointer<Double>)
}

/// A fixed-capacity ring of the last `capacity` values (wrap-around by comparison, not `%`,
/// which would put an integer division on every bar).
struct Ring {
    private(set) var values: [Double]
    /// Slot of the oldest value.
    private var head = 0
    private(set) var count = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        values = [Double](repeating: 0, count: max(1, capacity))
    }

    /// Pushes `x`; returns the value that fell out (when full), else nil.
    @inline(__always) mutating func push(_ x: Double) -> Double? {
        if count < capacity {
            var slot = head + count
            if slot >= capacity { slot -= capacity }
            values[slot] = x
            count += 1
            return nil
        }
        let old = values[head]
        values[head] = x
        head += 1
        if head == capacity { head = 0 }
        return old
    }

    /// The value `back` steps ago (0 = newest).
    @inline(__always) func ago(_ back: Int) -> Double {
        var slot = head + count - 1 - back
        if slot >= capacity { slot -= capacity }
        if slot < 0 { slot += capacity }
        return values[slot]
    }

    var isFull: Bool { count == capacity }
}

extension UnsafeMutableBufferPointer where Element == Double {
    /// NaN for rows [0, upTo).
    @inline(__always) func fillNaN(upTo n: Int) {
        let m = Swift.min(n, count)
        if m > 0 { baseAddress!.update(repeating: .nan, count: m) }
    }
}

/// TA-Lib (C library 0.6 and later) treats only an exact 0 as zero: a sum of gains and losses of
/// 1e-30 still gives an RSI. Guards here follow that, so tiny-priced assets behave as in TA-Lib.
@inline(__always) func taIsZero(_ v: Double) -> Bool { v == 0 }
@inline(__always) func taIsZeroOrNeg(_ v: Double) -> Bool { v <= 0 }
