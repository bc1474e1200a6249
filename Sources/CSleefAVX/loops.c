// The 256-bit loops of CSleef, the only code this target holds: it is built with
// -mavx (Package.swift), and CSleef calls it only on CPUs that have the instructions.
#include "../CSleef/vecmath_loops.h"

#if defined(__x86_64__)
DEFINE_LOOPS(256, __m256d, __m256, d4, f8)
#endif
