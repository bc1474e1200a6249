/* Timing for the C benchmarks: a monotonic clock and the median of a set of samples. */
#ifndef HEBB_BENCH_TIMING_H
#define HEBB_BENCH_TIMING_H
#include <stdlib.h>
#include <time.h>

/// Seconds on the monotonic clock.
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare_doubles(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/// The median of `count` samples (sorts them in place; the upper middle one for an even count).
static double median(double *samples, int count) {
    qsort(samples, count, sizeof samples[0], compare_doubles);
    return samples[count / 2];
}
#endif
