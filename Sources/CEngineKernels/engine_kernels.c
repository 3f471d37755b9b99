#include "engine_kernels.h"
#include "vector_units.h"

// No contraction of a*b + c into one fused multiply-add (vector_units.h turns it off): every
// unit must round as the baseline, and as the Swift loop it replaced, does.

#define KERNEL_BODIES "column_bodies.h"
#include "each_unit.h"

typedef void AddWeightedColumns(long, long, const double *, const double *, double *);

static AddWeightedColumns *const addWeightedColumns[] = BY_LEVEL(add_weighted_columns);

void reluflow_add_weighted_columns(int level, long n, long k, const double *weights, const double *columns,
                                   double *field) {
    int widest = reluflow_widest_vector_unit();
    int unit = level < 0 || level > widest ? widest : level;
    addWeightedColumns[unit](n, k, weights, columns, field);
}
