// Umbrella header for the parts of GSL that ReLUFlow uses.
// This module provides no stable Swift API: only FlowEngine/GSL may import it.
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

// GSL's CBLAS calls (the implicit steppers' LU factorisations) go to GSL's reference
// gslcblas: plain C loops in a fixed order, so a run gives the same bits on every CPU. An
// optimised BLAS (OpenBLAS) picks its kernels by CPU model, and with them the rounding of
// every factorisation: runs whose ends hang on rounding (plateau E3's sub-resolution
// contacts) then ended differently on different machines (NOTES, 2026-12-07).

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

// A step-size control like GSL's "y" control (gsl_odeiv2_control_y_new, same hadjust
// heuristics: safety 0.9, shrink at most 5x, grow at most 5x), whose tolerance for
// component i is measured against max(|y_i|, scale_i) instead of |y_i|:
//     D_i = eps_abs + eps_rel * max(|y_i|, scale_i).
// `scales` is owned by the caller, who may update it between steps; it must outlive the
// control. This is the error-weight idea of SUNDIALS CVODE's CVodeWFtolerances.
typedef struct {
    double eps_abs;
    double eps_rel;
    const double *scales;
} reluflow_scaled_y_state;

static inline void *reluflow_scaled_y_alloc(void) {
    reluflow_scaled_y_state *s = (reluflow_scaled_y_state *)malloc(sizeof(reluflow_scaled_y_state));
    if (s) { s->eps_abs = 0; s->eps_rel = 0; s->scales = NULL; }
    return s;
}

static inline int reluflow_scaled_y_init(void *vstate, double eps_abs, double eps_rel, double a_y, double a_dydt) {
    (void)a_y; (void)a_dydt;
    reluflow_scaled_y_state *s = (reluflow_scaled_y_state *)vstate;
    if (eps_abs < 0 || eps_rel < 0) return GSL_EINVAL;
    s->eps_abs = eps_abs;
    s->eps_rel = eps_rel;
    return GSL_SUCCESS;
}

static inline double reluflow_scaled_y_level(const reluflow_scaled_y_state *s, double y, size_t i) {
    double magnitude = fabs(y);
    if (s->scales && s->scales[i] > magnitude) magnitude = s->scales[i];
    return s->eps_abs + s->eps_rel * magnitude;
}

static inline int reluflow_scaled_y_hadjust(void *vstate, size_t dim, unsigned int ord, const double y[],
                                            const double yerr[], const double yp[], double *h) {
    (void)yp;
    const reluflow_scaled_y_state *s = (const reluflow_scaled_y_state *)vstate;
    const double S = 0.9, h_old = *h;
    double rmax = DBL_MIN;
    for (size_t i = 0; i < dim; i++) {
        const double D0 = reluflow_scaled_y_level(s, y[i], i);
        const double r = fabs(yerr[i]) / fabs(D0);
        rmax = GSL_MAX_DBL(r, rmax);
    }
    if (rmax > 1.1) {
        double r = S / pow(rmax, 1.0 / ord);
        if (r < 0.2) r = 0.2;
        *h = r * h_old;
        return GSL_ODEIV_HADJ_DEC;
    } else if (rmax < 0.5) {
        double r = S / pow(rmax, 1.0 / (ord + 1.0));
        if (r > 5.0) r = 5.0;
        if (r < 1.0) r = 1.0;
        *h = r * h_old;
        return GSL_ODEIV_HADJ_INC;
    }
    return GSL_ODEIV_HADJ_NIL;
}

static inline int reluflow_scaled_y_errlevel(void *vstate, const double y, const double dydt, const double h,
                                             const size_t ind, double *errlev) {
    (void)dydt; (void)h;
    *errlev = reluflow_scaled_y_level((const reluflow_scaled_y_state *)vstate, y, ind);
    return *errlev <= 0.0 ? GSL_EINVAL : GSL_SUCCESS;
}

static inline int reluflow_scaled_y_set_driver(void *vstate, const gsl_odeiv2_driver *d) {
    (void)vstate; (void)d;
    return GSL_SUCCESS;
}

static inline void reluflow_scaled_y_free(void *vstate) { free(vstate); }

static const gsl_odeiv2_control_type reluflow_scaled_y_type = {
    "reluflow_scaled_y", &reluflow_scaled_y_alloc, &reluflow_scaled_y_init, &reluflow_scaled_y_hadjust,
    &reluflow_scaled_y_errlevel, &reluflow_scaled_y_set_driver, &reluflow_scaled_y_free};

// Replaces a driver's control by the scaled "y" control above. Returns a GSL status.
static inline int reluflow_driver_use_scaled_y_control(gsl_odeiv2_driver *d, double eps_abs, double eps_rel,
                                                       const double *scales) {
    gsl_odeiv2_control *c = gsl_odeiv2_control_alloc(&reluflow_scaled_y_type);
    if (c == NULL) return GSL_ENOMEM;
    int status = gsl_odeiv2_control_init(c, eps_abs, eps_rel, 1.0, 0.0);
    if (status != GSL_SUCCESS) { gsl_odeiv2_control_free(c); return status; }
    ((reluflow_scaled_y_state *)c->state)->scales = scales;
    gsl_odeiv2_control_set_driver(c, d);
    gsl_odeiv2_control_free(d->c);
    d->c = c;
    return GSL_SUCCESS;
}
