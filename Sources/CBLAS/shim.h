#ifndef HEBB_CBLAS_SHIM_H
#define HEBB_CBLAS_SHIM_H
#include <cblas.h>
#endif
