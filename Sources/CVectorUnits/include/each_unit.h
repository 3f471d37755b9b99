// Compiles the kernel bodies in the file named by KERNEL_BODIES once per vector unit
// (`vector_units.h`): each inclusion sees KERNEL_TARGET (the unit's target attribute),
// KERNEL_NAME(name) (the name with the unit's suffix) and UNIT_LANES (the doubles one of the
// unit's registers holds: 2, 4, 8). No include guard, on purpose.

#define KERNEL_TARGET
#define KERNEL_NAME(name) name##_baseline
#define UNIT_LANES 2
#include KERNEL_BODIES
#undef KERNEL_TARGET
#undef KERNEL_NAME
#undef UNIT_LANES

#ifdef HAS_WIDER_UNITS
#define KERNEL_TARGET __attribute__((target("arch=x86-64-v3")))
#define KERNEL_NAME(name) name##_avx2
#define UNIT_LANES 4
#include KERNEL_BODIES
#undef KERNEL_TARGET
#undef KERNEL_NAME
#undef UNIT_LANES

#define KERNEL_TARGET __attribute__((target("arch=x86-64-v4"), min_vector_width(512)))
#define KERNEL_NAME(name) name##_avx512
#define UNIT_LANES 8
#include KERNEL_BODIES
#undef KERNEL_TARGET
#undef KERNEL_NAME
#undef UNIT_LANES
#endif
