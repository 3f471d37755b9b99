#include "vector_units.h"

int reluflow_widest_vector_unit(void) {
#ifdef HAS_WIDER_UNITS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return 2;
    if (__builtin_cpu_supports("x86-64-v3")) return 1;
#endif
    return 0;
}
