import CLinearAlgebra

/// Process-wide settings for executables, made once at start-up (libraries never change them:
/// they are global, and changing them while other work runs changes BLAS's rounding under it).
public enum ProcessTuning {
    /// mlbot parallelises its own kernels (feature columns, Gram-matrix halves, logistic chunks,
    /// MLP batch halves) with fixed splits; OpenBLAS threads on top would oversubscribe 2 cores.
    /// Also keeps large freed blocks in the malloc heap: by default glibc serves anything above
    /// 32 MiB with a fresh mmap, and on a VM first-touch page faults on a fresh 200 MB matrix cost
    /// more than computing it.
    public static func configureForParallelKernels() {
        BLASThreads.set(1)
        _ = mallopt(M_MMAP_THRESHOLD, Int32.max / 2)
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max / 2)
    }
}
