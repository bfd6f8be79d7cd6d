import CLinearAlgebra

/// Process-wide allocator tuning for executables (never called by libraries).
public enum MemoryTuning {
    /// Keeps large freed blocks (feature matrices, design matrices) in the malloc heap so the next
    /// one reuses them. By default glibc serves anything above 32 MiB with a fresh mmap, and on a
    /// VM first-touch page faults on a fresh 200 MB matrix cost more than computing it.
    public static func retainLargeAllocations() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, Int32.max / 2)
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max / 2)
        #endif
    }
}
