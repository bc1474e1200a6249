// The 512-bit loops of CSleef, the only code this target holds: it is built with
// -mavx512f (Package.swift), and CSleef calls it only on CPUs that have the instructions.
#include "../CSleef/vecmath_loops.h"

#if defined(__x86_64__)
DEFINE_LOOPS(512, __m512d, __m512, d8, f16)
#endif
