// Floating point: printf and strtod round trips, libm functions, and
// conversions between integers and floats, including the edge cases.
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static volatile double vz = 0.0;

static double horner(const double *c, int n, double x) {
	double r = 0;
	for (int i = n - 1; i >= 0; i--)
		r = r * x + c[i];
	return r;
}

int main(void) {
	static volatile double vals[] = {0.0, -0.0, 1.0, -1.5, 3.141592653589793, 1e-310, 1e300, 123456.789,
	                 0.1, 2.0 / 3.0, DBL_MAX, DBL_MIN, 5e-324};
	for (int i = 0; i < (int)(sizeof vals / sizeof vals[0]); i++) {
		double d = vals[i];
		char buf[64];
		snprintf(buf, sizeof buf, "%.17g", d);
		double back = strtod(buf, NULL);
		// %a of subnormals differs between C libraries: print normal numbers only.
		printf("%-24s %e %f %g %a roundtrip=%d\n", buf, d, d < 1e20 ? d : 0.0, d,
		       isnormal(d) || d == 0 ? d : 1.0, back == d);
	}
	static volatile float fs[] = {1.0f / 3.0f, 16777217.0f, -0.0f, 1e38f, 1.17549435e-38f};
	for (int i = 0; i < 5; i++)
		printf("f32 %.9g %a %d\n", fs[i], fs[i],
		       fabsf(fs[i]) < 2e6f ? (int)(fs[i] * 1000) : -1);
	// The sign of a NaN that arithmetic makes is unspecified (x86 sets it,
	// arm64 clears it): print the NaN without its sign.
	printf("inf %f %e nan %f isnan %d isinf %d signbit %d\n", 1 / vz, -1 / vz, fabs(vz / vz),
	       isnan(vz / vz), isinf(1 / vz), signbit(-vz));

	for (double x = -2.5; x <= 2.5; x += 0.75)
		printf("x=%5.2f floor %g ceil %g trunc %g round %g rint %g fabs %g fmod %.6f\n", x,
		       floor(x), ceil(x), trunc(x), round(x), rint(x), fabs(x), fmod(x, 0.7));
	printf("sqrt %.12f cbrt %.12f hypot %.12f\n", sqrt(2.0), cbrt(27.5), hypot(3, 4.5));
	printf("exp %.10f log %.10f log10 %.10f pow %.10f\n", exp(1.25), log(10.0), log10(2.0),
	       pow(1.5, 7.25));
	printf("sin %.10f cos %.10f tan %.10f atan2 %.10f\n", sin(0.5), cos(0.5), tan(0.5),
	       atan2(-1.0, -2.0));
	printf("fmin %g fmax %g copysign %g ldexp %g frexp ", fmin(2, -3), fmax(2, -3),
	       copysign(3, -0.0), ldexp(0.75, 10));
	int e;
	double m = frexp(1000.0, &e);
	printf("%g*2^%d\n", m, e);

	static volatile double big[] = {-1e18, -2147483648.9, -1.9, -0.5, 0.5, 1.9, 2147483647.9, 4294967295.5,
	                9.2e18, 1.8e19};
	for (int i = 0; i < 10; i++) {
		double d = big[i];
		int64_t s = (d > -9.2e18 && d < 9.2e18) ? (int64_t)d : 0;
		uint64_t u = (d >= 0 && d < 1.8e19) ? (uint64_t)d : 0;
		int32_t s32 = (d > -2147483649.0 && d < 2147483648.0) ? (int32_t)d : 0;
		uint32_t u32 = (d > -1 && d < 4294967296.0) ? (uint32_t)d : 0;
		printf("%.1f -> %" PRId64 " %" PRIu64 " %" PRId32 " %" PRIu32 "\n", d, s, u, s32, u32);
	}
	static volatile uint64_t us[] = {0, 1, 0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
	                 0x1fffffffffffffull, 0x20000000000001ull};
	for (int i = 0; i < 7; i++)
		printf("u64 %" PRIu64 " -> %.1f %.1f i64 %.1f\n", us[i], (double)us[i], (double)(float)us[i],
		       (double)(int64_t)us[i]);
	static volatile int32_t is[] = {0, -1, 2147483647, -2147483647 - 1, 16777217};
	for (int i = 0; i < 5; i++)
		printf("i32 %" PRId32 " -> %.1f %.1f u32 %.1f\n", is[i], (double)is[i], (double)(float)is[i],
		       (double)(uint32_t)is[i]);

	double c[] = {1, -0.5, 1.0 / 6, -1.0 / 24, 1.0 / 120};
	double acc = 0;
	for (int i = 0; i < 1000; i++)
		acc += horner(c, 5, i / 1000.0);
	printf("horner sum %.12f\n", acc);
	float fa = 0;
	for (int i = 1; i <= 10000; i++)
		fa += 1.0f / (float)i;
	printf("harmonic f32 %.7f\n", fa);
	return 0;
}
