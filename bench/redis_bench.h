// The Redis figures of tickstock-bench (--only redis); see redis_bench.cpp.
#ifndef TICKSTOCK_BENCH_REDIS_BENCH_H_
#define TICKSTOCK_BENCH_REDIS_BENCH_H_

namespace tickstock::bench {

// Prints the Redis figures as JSON lines; skips them (saying so on stderr) without
// REDIS_HOST/REDIS_PORT. `smoke`: tiny inputs, one run.
void bench_redis(bool smoke, int runs);

}  // namespace tickstock::bench

#endif  // TICKSTOCK_BENCH_REDIS_BENCH_H_
