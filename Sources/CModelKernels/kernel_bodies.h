// The kernels' bodies, compiled once per vector unit by model_kernels.c through `each_unit.h`
// (CVectorUnits), which defines KERNEL_TARGET and KERNEL_NAME(name) before each inclusion.
// No include guard, on purpose.
//
// Each sum is one chain of additions in the order the header gives. A chain waits on its
// adder's latency, so the loops run several independent chains side by side: four neurons'
// pre-activations in pass 1, two neurons' and two features' sums in pass 2. That changes no
// sum's order.

// s_ki for the `count` samples from `block`: from the gate bytes when there are any.
#define LOAD_GATES(lanes, gates, gateBytes, offset, count)                                   \
    do {                                                                                     \
        if (gateBytes) LOAD_FIRST_BYTES(lanes, (gateBytes) + (offset), count);               \
        else LOAD_FIRST(lanes, (gates) + (offset), count);                                   \
    } while (0)

// A register of the unit: UNIT_LANES doubles (each_unit.h), and its load.
#undef UnitLanes
#define UnitLanes KERNEL_NAME(UnitLanes)
typedef double UnitLanes __attribute__((vector_size(UNIT_LANES * 8), aligned(8)));
#define LOAD_UNIT(lanes, source) __builtin_memcpy(&(lanes), (source), sizeof(UnitLanes))

KERNEL_TARGET
static void KERNEL_NAME(affine_block)(long m, long d, long n, long block, long count,
                                      const double *weights, const double *biases,
                                      const double *columns, long columnStride,
                                      double *switching, const double *gates, const unsigned char *gateBytes,
                                      const double *outer, double *outputSums) {
    Lanes outputs = BROADCAST(0.0);
    // Neuron k's z (pre-activations of the block) to `switching` and into `outputs`.
#define FINISH_NEURON(k, z)                                                                   \
    do {                                                                                      \
        if (switching) {                                                                      \
            double *target = switching + (k) * n + block;                                     \
            if (count == 8) STORE8(target, z);                                                \
            else for (long lane = 0; lane < count; lane++) target[lane] = (z)[lane];          \
        }                                                                                     \
        if (gates) {                                                                          \
            Lanes s;                                                                          \
            LOAD_GATES(s, gates, gateBytes, (k) * n + block, count);                          \
            outputs += BROADCAST(outer[k]) * s * (z);                                         \
        }                                                                                     \
    } while (0)
    long k = 0;
    for (; k + 4 <= m; k += 4) {
        const double *w0 = weights + k * d, *w1 = w0 + d, *w2 = w1 + d, *w3 = w2 + d;
        Lanes z0 = BROADCAST(biases[k]), z1 = BROADCAST(biases[k + 1]);
        Lanes z2 = BROADCAST(biases[k + 2]), z3 = BROADCAST(biases[k + 3]);
        for (long l = 0; l < d; l++) {
            Lanes column;
            LOAD8(column, columns + l * columnStride + block);
            z0 += column * BROADCAST(w0[l]);
            z1 += column * BROADCAST(w1[l]);
            z2 += column * BROADCAST(w2[l]);
            z3 += column * BROADCAST(w3[l]);
        }
        FINISH_NEURON(k, z0);
        FINISH_NEURON(k + 1, z1);
        FINISH_NEURON(k + 2, z2);
        FINISH_NEURON(k + 3, z3);
    }
    for (; k < m; k++) {
        const double *w = weights + k * d;
        Lanes z = BROADCAST(biases[k]);
        for (long l = 0; l < d; l++) {
            Lanes column;
            LOAD8(column, columns + l * columnStride + block);
            z += column * BROADCAST(w[l]);
        }
        FINISH_NEURON(k, z);
    }
#undef FINISH_NEURON
    if (gates) STORE8(outputSums, outputs);
}

// Pass 2 for neurons k0 and k1 at once (k1 = k0 for a neuron alone): with ω_ki = r_i s_ki,
// Σ ω_i into weightSums[k] and Σ ω_i x_il into weightedInputs[k·d + l]. Both accumulate
// lane-wise over the blocks (Σ ω x in two chains, even and odd blocks, added at the end) and
// reduce the lanes as ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)); each column block is loaded
// once for both neurons, two features at a time. `scratch` holds 16·blockCount doubles.
KERNEL_TARGET
static void KERNEL_NAME(neuron_sums)(long k0, long k1, long d, long n, long blockCount,
                                     const double *pulls, const double *gates, const unsigned char *gateBytes,
                                     const double *columns, long columnStride,
                                     double *scratch, double *weightSums, double *weightedInputs) {
    Lanes *weights0 = (Lanes *)scratch, *weights1 = weights0 + blockCount;
    Lanes sum0 = BROADCAST(0.0), sum1 = BROADCAST(0.0);
    for (long b = 0; b < blockCount; b++) {
        long block = b * 8, count = n - block < 8 ? n - block : 8;
        Lanes pull, s0, s1;
        LOAD8(pull, pulls + block);
        LOAD_GATES(s0, gates, gateBytes, k0 * n + block, count);
        LOAD_GATES(s1, gates, gateBytes, k1 * n + block, count);
        Lanes w0 = pull * s0, w1 = pull * s1;
        weights0[b] = w0;
        weights1[b] = w1;
        sum0 += w0;
        sum1 += w1;
    }
    weightSums[k0] = LANE_SUM(sum0);
    weightSums[k1] = LANE_SUM(sum1);
    // The `FEATURES` features from l, for both neurons, a register's lanes at a time (each
    // lane's chains are the same whichever lanes share a register; 8 lanes of 8 chains would
    // not fit AVX2's 16 registers, and the spilled sums would wait on memory).
#define FEATURE_SUMS(FEATURES)                                                           \
    do {                                                                                      \
        double totals0[FEATURES][8], totals1[FEATURES][8];                                    \
        for (long g = 0; g < 8; g += UNIT_LANES) {                                            \
            UnitLanes even0[FEATURES], odd0[FEATURES], even1[FEATURES], odd1[FEATURES];       \
            for (int f = 0; f < FEATURES; f++) even0[f] = odd0[f] = even1[f] = odd1[f] = (UnitLanes){0}; \
            const double *w0 = (const double *)weights0 + g, *w1 = (const double *)weights1 + g; \
            long b = 0;                                                                       \
            for (; b + 1 < blockCount; b += 2) {                                              \
                UnitLanes w0e, w0o, w1e, w1o;                                                 \
                LOAD_UNIT(w0e, w0 + b * 8);                                                   \
                LOAD_UNIT(w0o, w0 + (b + 1) * 8);                                             \
                LOAD_UNIT(w1e, w1 + b * 8);                                                   \
                LOAD_UNIT(w1o, w1 + (b + 1) * 8);                                             \
                for (int f = 0; f < FEATURES; f++) {                                          \
                    const double *column = columns + (l + f) * columnStride + g;              \
                    UnitLanes x0, x1;                                                         \
                    LOAD_UNIT(x0, column + b * 8);                                            \
                    LOAD_UNIT(x1, column + (b + 1) * 8);                                      \
                    even0[f] += w0e * x0;                                                     \
                    odd0[f] += w0o * x1;                                                      \
                    even1[f] += w1e * x0;                                                     \
                    odd1[f] += w1o * x1;                                                      \
                }                                                                             \
            }                                                                                 \
            for (int f = 0; f < FEATURES; f++) {                                              \
                if (b < blockCount) {                                                         \
                    UnitLanes x0, w0e, w1e;                                                   \
                    LOAD_UNIT(x0, columns + (l + f) * columnStride + g + b * 8);              \
                    LOAD_UNIT(w0e, w0 + b * 8);                                               \
                    LOAD_UNIT(w1e, w1 + b * 8);                                               \
                    even0[f] += w0e * x0;                                                     \
                    even1[f] += w1e * x0;                                                     \
                }                                                                             \
                UnitLanes total0 = even0[f] + odd0[f], total1 = even1[f] + odd1[f];           \
                __builtin_memcpy(&totals0[f][g], &total0, sizeof total0);                     \
                __builtin_memcpy(&totals1[f][g], &total1, sizeof total1);                     \
            }                                                                                 \
        }                                                                                     \
        for (int f = 0; f < FEATURES; f++) {                                                  \
            Lanes total0, total1;                                                             \
            LOAD8(total0, totals0[f]);                                                        \
            LOAD8(total1, totals1[f]);                                                        \
            weightedInputs[k0 * d + l + f] = LANE_SUM(total0);                                \
            weightedInputs[k1 * d + l + f] = LANE_SUM(total1);                                \
        }                                                                                     \
    } while (0)
    long l = 0;
    for (; l + 2 <= d; l += 2) FEATURE_SUMS(2);
    for (; l < d; l++) FEATURE_SUMS(1);
#undef FEATURE_SUMS
}

KERNEL_TARGET
static void KERNEL_NAME(univariate_field)(const ReluflowUnivariateField *f) {
    long m = f->m, n = f->n;
    const double *restrict x = f->inputs;
    double *restrict pulls = f->pulls;
    for (long i = 0; i < (n + 7) / 8 * 8; i++) pulls[i] = 0;
    // Without the switching values, and with them (one loop each: a store that may or may
    // not happen inside the loop would be a masked store, which stalls the next load).
    for (long k = 0; k < m; k++) {
        double a = f->slopes ? f->slopes[k] : 1, b = f->knots[k], c = f->outer[k];
        const double *restrict s = f->gates + k * n;
        if (f->switching) {
            double *restrict switching = f->switching + k * n;
            for (long i = 0; i < n; i++) {
                double z = a * x[i] - b;
                switching[i] = z;
                pulls[i] += c * s[i] * z;
            }
        } else {
            for (long i = 0; i < n; i++) pulls[i] += c * s[i] * (a * x[i] - b);
        }
    }
    for (long block = 0; block < n; block += 8) {
        long count = n - block < 8 ? n - block : 8;
        Lanes sums, targets;
        LOAD8(sums, pulls + block);
        LOAD_FIRST(targets, f->targets + block, count);
        Lanes r = BROADCAST(f->pullFactor) * (sums / BROADCAST(f->alpha) - targets);
        STORE8(pulls + block, r);
    }
    for (long k0 = 0; k0 < m; k0 += 8) {
        long count = m - k0 < 8 ? m - k0 : 8;
        // Lanes past the last neuron repeat it; their sums are dropped.
        const double *rows[8];
        Lanes a, b;
        for (long lane = 0; lane < 8; lane++) {
            long k = k0 + (lane < count ? lane : count - 1);
            rows[lane] = f->gates + k * n;
            a[lane] = f->slopes ? f->slopes[k] : 1;
            b[lane] = f->knots[k];
        }
        Lanes outputSum = BROADCAST(0.0), slopeSum = BROADCAST(0.0), knotSum = BROADCAST(0.0);
        for (long i = 0; i < n; i++) {
            Lanes s = {rows[0][i], rows[1][i], rows[2][i], rows[3][i], rows[4][i], rows[5][i], rows[6][i], rows[7][i]};
            Lanes input = BROADCAST(x[i]);
            Lanes weighted = BROADCAST(pulls[i]) * s;
            outputSum += weighted * (a * input - b);
            slopeSum += weighted * input;
            knotSum += weighted;
        }
        for (long lane = 0; lane < count; lane++) {
            f->outputSums[k0 + lane] = outputSum[lane];
            f->slopeSums[k0 + lane] = slopeSum[lane];
            f->knotSums[k0 + lane] = knotSum[lane];
        }
    }
}

KERNEL_TARGET
static void KERNEL_NAME(pre_activations)(long d, long n, const double *weights, double bias, const double *columns,
                                         long columnStride, double *z) {
    // Eight features at a time over all blocks, the partial sums kept in z: eight column
    // streams at once instead of d (a block at a time would touch d pages per block), and
    // every z_i still adds b, then x_i0 w_0, x_i1 w_1, ... in order.
    for (long l0 = 0; l0 < d; l0 += 8) {
        long l1 = l0 + 8 < d ? l0 + 8 : d;
        for (long block = 0; block < n; block += 8) {
            long count = n - block < 8 ? n - block : 8;
            Lanes sum;
            if (l0 == 0) {
                sum = BROADCAST(bias);
            } else {
                LOAD_FIRST(sum, z + block, count);
            }
            for (long l = l0; l < l1; l++) {
                Lanes column;
                LOAD8(column, columns + l * columnStride + block);
                sum += column * BROADCAST(weights[l]);
            }
            if (count == 8) STORE8(z + block, sum);
            else for (long lane = 0; lane < count; lane++) z[block + lane] = sum[lane];
        }
    }
}

// `reluflow_gated_row_sums`: each element of `sums` a chain over the samples in order, several
// elements at once (no two samples' terms reassociated).
KERNEL_TARGET
static void KERNEL_NAME(gated_row_sums)(ReluflowGatedRowSums *f) {
    const long d = f->d;
    double *restrict sums = f->sums;
    double weightSum = 0, pathSum = 0;
    for (long i = 0; i < f->n; i++) {
        const double s = f->gates[i];
        if (s == 0.0) continue;
        const double z = f->switching[i], y = f->targets[i];
        const double omega = f->form == 0 ? (f->scale * s) * (z - y) : ((f->scale * s) * z - y) * s;
        weightSum += omega;
        pathSum += omega * z;
        const double *restrict row = f->rows + i * d;
        for (long l = 0; l < d; l++) sums[l] += omega * row[l];
    }
    f->weightSum = weightSum;
    f->pathSum = pathSum;
}
