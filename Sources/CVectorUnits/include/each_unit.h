// Compiles the kernel bodies in the file named by KERNEL_BODIES once per vector unit
// (`vector_units.h`): each inclusion sees KERNEL_TARGET (the unit's target attribute) and
// KERNEL_NAME(name) (the name with the unit's suffix). No include guard, on purpose.

#define KERNEL_TARGET
#define KERNEL_NAME(name) name##_baseline
#include KERNEL_BODIES
#undef KERNEL_TARGET
#undef KERNEL_NAME

#ifdef HAS_WIDER_UNITS
#define KERNEL_TARGET __attribute__((target("arch=x86-64-v3")))
#define KERNEL_NAME(name) name##_avx2
#include KERNEL_BODIES
#undef KERNEL_TARGET
#undef KERNEL_NAME

#define KERNEL_TARGET __attribute__((target("arch=x86-64-v4"), min_vector_width(512)))
#define KERNEL_NAME(name) name##_avx512
#include KERNEL_BODIES
#undef KERNEL_TARGET
#undef KERNEL_NAME
#endif
