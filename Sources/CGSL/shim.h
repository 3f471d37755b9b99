// Umbrella header for the parts of GSL that ReLUFlow uses.
// This module provides no stable Swift API: only FlowEngine/GSL may import it.
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

// GSL exports its stepper types as global variables, which Swift 6 treats as shared
// mutable state. They are written once by the library and only read, so reach them
// through a function instead. Returns NULL for an unknown name.
static inline const gsl_odeiv2_step_type *reluflow_step_type_named(const char *name) {
    if (strcmp(name, "rk2") == 0) return gsl_odeiv2_step_rk2;
    if (strcmp(name, "rk4") == 0) return gsl_odeiv2_step_rk4;
    if (strcmp(name, "rkf45") == 0) return gsl_odeiv2_step_rkf45;
    if (strcmp(name, "rkck") == 0) return gsl_odeiv2_step_rkck;
    if (strcmp(name, "rk8pd") == 0) return gsl_odeiv2_step_rk8pd;
    if (strcmp(name, "rk1imp") == 0) return gsl_odeiv2_step_rk1imp;
    if (strcmp(name, "rk2imp") == 0) return gsl_odeiv2_step_rk2imp;
    if (strcmp(name, "rk4imp") == 0) return gsl_odeiv2_step_rk4imp;
    if (strcmp(name, "bsimp") == 0) return gsl_odeiv2_step_bsimp;
    if (strcmp(name, "msadams") == 0) return gsl_odeiv2_step_msadams;
    if (strcmp(name, "msbdf") == 0) return gsl_odeiv2_step_msbdf;
    return NULL;
}
