import CLinearAlgebra

/// OpenBLAS's process-wide thread count (one setting for the whole process).
public enum BLASThreads {
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Use 1 when the caller parallelises itself; threads oversubscribe 2-core machines otherwise.
    public static func set(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
}
