#ifndef RELUFLOW_VECTOR_UNITS_H
#define RELUFLOW_VECTOR_UNITS_H

/// What the C kernels (`CModelKernels`, `COrderedBLAS`) share: the vector units they are
/// compiled for, 8-lane vectors of doubles and their loads and stores.
///
/// A kernel's bodies are compiled once per unit (`each_unit.h`): 0 the baseline (SSE2 on
/// x86-64), 1 AVX2 (x86-64-v3), 2 AVX-512 (x86-64-v4). No unit fuses a multiply-add (the
/// pragma below holds for the rest of every file that includes this header, and the wider
/// units are compiled only under clang, which honours it; GCC ignores it), so every unit
/// rounds as the baseline does.

/// The widest unit this CPU has: 2, 1 or 0 (always 0 off x86-64 or without clang).
int reluflow_widest_vector_unit(void);

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__) && defined(__clang__)
#define HAS_WIDER_UNITS 1
/// Each kernel by unit: the baseline's, AVX2's and AVX-512's.
#define BY_LEVEL(name) {name##_baseline, name##_avx2, name##_avx512}
#else
#define BY_LEVEL(name) {name##_baseline}
#endif

typedef double Lanes __attribute__((vector_size(64), aligned(8)));

/// Lanes from 8 doubles at `source`, which need not be aligned. (Loads and stores are macros:
/// a helper function taking or returning `Lanes` would change its calling convention
/// between the units' clones.)
#define LOAD8(lanes, source) __builtin_memcpy(&(lanes), (source), sizeof(Lanes))
/// `lanes` to 8 doubles at `target`.
#define STORE8(target, lanes) __builtin_memcpy((target), &(lanes), sizeof(Lanes))
/// Lanes from `count` doubles at `source`, zeros past them.
#define LOAD_FIRST(lanes, source, count)                                                     \
    do {                                                                                     \
        if ((count) == 8) { LOAD8(lanes, source); break; }                                    \
        for (long lane = 0; lane < 8; lane++) (lanes)[lane] = lane < (count) ? (source)[lane] : 0; \
    } while (0)
/// The first `count` lanes to `target`.
#define STORE_FIRST(target, lanes, count)                                                    \
    do {                                                                                     \
        if ((count) == 8) { STORE8(target, lanes); break; }                                   \
        for (long lane = 0; lane < (count); lane++) (target)[lane] = (lanes)[lane];          \
    } while (0)
/// Lanes of 0.0 and 1.0 from `count` bytes of 0 and 1 at `source`, zeros past them: the
/// same lanes `LOAD_FIRST` gives from those values stored as doubles.
#define LOAD_FIRST_BYTES(lanes, source, count)                                               \
    do {                                                                                     \
        typedef unsigned char ByteLanes __attribute__((vector_size(8), aligned(1)));        \
        ByteLanes bytes = {0};                                                               \
        if ((count) == 8) __builtin_memcpy(&bytes, (source), 8);                             \
        else for (long lane = 0; lane < (count); lane++) bytes[lane] = (source)[lane];      \
        (lanes) = __builtin_convertvector(bytes, Lanes);                                     \
    } while (0)
/// Every lane `value`.
#define BROADCAST(value) ((Lanes){value, value, value, value, value, value, value, value})
/// The lanes' sum in a fixed order, ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)).
#define LANE_SUM(v) ((((v)[0] + (v)[1]) + ((v)[2] + (v)[3])) + (((v)[4] + (v)[5]) + ((v)[6] + (v)[7])))

#endif
