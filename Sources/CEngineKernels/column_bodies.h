// `reluflow_add_weighted_columns`' body, compiled once per vector unit through `each_unit.h`
// (CVectorUnits). No include guard, on purpose.

KERNEL_TARGET
static void KERNEL_NAME(add_weighted_columns)(long n, long k, const double *weights, const double *columns,
                                              double *field) {
    long column = 0;
    for (; column + 4 <= k; column += 4) {
        const double w0 = weights[column], w1 = weights[column + 1], w2 = weights[column + 2], w3 = weights[column + 3];
        const double *j0 = columns + column * n, *j1 = j0 + n, *j2 = j1 + n, *j3 = j2 + n;
        long r = 0;
        for (; r + 8 <= n; r += 8) {
            Lanes f, a, b, c, d;
            LOAD8(f, field + r);
            LOAD8(a, j0 + r);
            LOAD8(b, j1 + r);
            LOAD8(c, j2 + r);
            LOAD8(d, j3 + r);
            f = f + BROADCAST(w0) * a + BROADCAST(w1) * b + BROADCAST(w2) * c + BROADCAST(w3) * d;
            STORE8(field + r, f);
        }
        for (; r < n; r++) field[r] = field[r] + w0 * j0[r] + w1 * j1[r] + w2 * j2[r] + w3 * j3[r];
    }
    for (; column < k; column++) {
        const double w = weights[column], *j = columns + column * n;
        long r = 0;
        for (; r + 8 <= n; r += 8) {
            Lanes f, a;
            LOAD8(f, field + r);
            LOAD8(a, j + r);
            f = f + BROADCAST(w) * a;
            STORE8(field + r, f);
        }
        for (; r < n; r++) field[r] = field[r] + w * j[r];
    }
}
