#ifndef RELUFLOW_ENGINE_KERNELS_H
#define RELUFLOW_ENGINE_KERNELS_H

/// The flow engine's vector loops (`FlowEngine`), compiled once per vector unit
/// (`CVectorUnits`): 0 the baseline, 1 AVX2, 2 AVX-512.

/// field[r] += Σ_c weights[c]·columns[c·n + r] over the k columns, in `ModeField`'s order:
/// four columns per pass over the entries,
///     field[r] = (((field[r] + w0·j0[r]) + w1·j1[r]) + w2·j2[r]) + w3·j3[r],
/// then one column per pass for the last k mod 4, field[r] = field[r] + w·j[r]. No fused
/// multiply-add, so every unit gives the same bits. `field` must not overlap `columns` or
/// `weights`. `level` is clamped to the CPU's widest unit; −1 is the widest.
void reluflow_add_weighted_columns(int level, long n, long k, const double *weights, const double *columns,
                                   double *field);

#endif
