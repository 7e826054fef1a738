#include "core/common/simd.h"

#include <cstdlib>

namespace phaselab {
namespace {

#if defined(__x86_64__) && defined(__GNUC__)
bool cpuHasAvx2Fma() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
bool cpuHasAvx512() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}
#else
bool cpuHasAvx2Fma() { return false; }
bool cpuHasAvx512() { return false; }
#endif

}  // namespace

bool usingAvx2() {
    static const bool yes = std::getenv("PHASELAB_NO_SIMD") == nullptr && cpuHasAvx2Fma();
    return yes;
}

bool usingAvx512() {
    static const bool yes = usingAvx2() && std::getenv("PHASELAB_NO_AVX512") == nullptr && cpuHasAvx512();
    return yes;
}

}  // namespace phaselab
