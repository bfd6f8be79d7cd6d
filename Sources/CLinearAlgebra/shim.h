// OpenBLAS CBLAS (the pkg-config include path selects OpenBLAS's cblas.h) and netlib LAPACKE,
// whose LAPACK calls resolve into OpenBLAS.
#include <cblas.h>
#include <lapacke.h>
// mallopt: numeric code tunes the allocator for its large matrices (NumericKit.ProcessTuning).
#include <malloc.h>
