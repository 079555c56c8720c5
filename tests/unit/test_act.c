/* test_act: nnlab's exp, tanh and sigmoid against long-double references, special
 * values, and every activation's derivative against a central difference. */
#include "nnlab/act.h"
#include "t.h"

#include <float.h>
#include <stdint.h>

static double ulps(double got, long double ref)
{
    double r = (double)ref;
    if (got == r)
        return 0;
    double u = nextafter(fabs(r), INFINITY) - fabs(r);
    if (u == 0 || isinf(u))
        u = DBL_TRUE_MIN;
    return (double)(fabsl((long double)got - ref) / u);
}

int main(void)
{
    uint64_t s = 88172645463325252ull;
    double worst_exp = 0, worst_tanh = 0, worst_sig = 0;
    for (long i = 0; i < 2000000; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        double u = (double)(s >> 11) * 0x1.0p-53;
        double x = i % 3 == 0 ? (u - 0.5) * 1480 : i % 3 == 1 ? (u - 0.5) * 50 : (u - 0.5) * 1e-3;
        worst_exp = fmax(worst_exp, ulps(nn_exp(x), expl((long double)x)));
        worst_tanh = fmax(worst_tanh, ulps(nn_tanh(x), tanhl((long double)x)));
        if (fabs(x) < 700)
            worst_sig = fmax(worst_sig, ulps(nn_sigmoid(x), 1.0L / (1.0L + expl(-(long double)x))));
    }
    T_CHECK(worst_exp <= 1.0, "exp is off by %.3f ulp", worst_exp);
    T_CHECK(worst_tanh <= 3.0, "tanh is off by %.3f ulp", worst_tanh);
    T_CHECK(worst_sig <= 3.0, "sigmoid is off by %.3f ulp", worst_sig);
    /* special values */
    T_EQ(nn_exp(0), 1.0);
    T_EQ(nn_exp(-INFINITY), 0.0);
    T_CHECK(isinf(nn_exp(710)) && isinf(nn_exp(INFINITY)), "exp overflow");
    T_CHECK(nn_exp(-745.1) > 0 && nn_exp(-746) == 0, "exp underflow through subnormals");
    T_CHECK(isnan(nn_exp(NAN)) && isnan(nn_tanh(NAN)), "NaN in, NaN out");
    T_EQ(nn_tanh(0), 0.0);
    T_CHECK(signbit(nn_tanh(-0.0)), "tanh(-0) = -0");
    T_EQ(nn_tanh(30), 1.0);
    T_EQ(nn_tanh(-INFINITY), -1.0);
    T_EQ(nn_tanh(1e-300), 1e-300);
    T_EQ(nn_sigmoid(0), 0.5);
    /* the vector forms compute the same bits as the scalar ones (tails included) */
    double in[37], out[37];
    for (int i = 0; i < 37; i++)
        in[i] = (i - 18) * 0.37;
    nn_vtanh(out, in, 37);
    for (int i = 0; i < 37; i++)
        T_EQ(out[i], nn_tanh(in[i]));
    nn_vsigmoid(out, in, 37);
    for (int i = 0; i < 37; i++)
        T_EQ(out[i], nn_sigmoid(in[i]));
    /* names */
    for (int a = 0; a < NN_ACT_COUNT; a++)
        T_CHECK(nn_act_parse(nn_act_name((nn_act)a)) == a, "name round trip %d", a);
    T_CHECK(nn_act_parse("rellu") == -1, "unknown name");
    /* derivatives against central differences, away from kinks */
    const double zs[] = {-3.1, -0.7, -0.05, 0.04, 0.6, 2.3};
    for (int a = 0; a < NN_ACT_COUNT; a++)
        for (size_t k = 0; k < sizeof zs / sizeof zs[0]; k++) {
            double z = zs[k], h = 1e-6;
            double fd = (nn_act_value((nn_act)a, 0.1, z + h) - nn_act_value((nn_act)a, 0.1, z - h)) / (2 * h);
            double d = nn_act_deriv((nn_act)a, 0.1, z);
            T_CHECK(fabs(fd - d) <= 1e-7 * (1 + fabs(d)), "%s'(%g) = %.12g, difference %.12g",
                    nn_act_name((nn_act)a), z, d, fd);
        }
    /* the notebooks' relu' at exactly 0 is 0; leaky's is the slope */
    T_EQ(nn_act_deriv(NN_ACT_RELU, 0, 0.0), 0.0);
    T_EQ(nn_act_deriv(NN_ACT_LEAKY_RELU, 0.1, 0.0), 0.1);
    T_EQ(nn_act_value(NN_ACT_SOFTPLUS, 0, 800), 800.0);
    T_CHECK(nn_act_value(NN_ACT_SOFTPLUS, 0, -800) >= 0, "softplus never negative");
    return T_DONE("test_act");
}
