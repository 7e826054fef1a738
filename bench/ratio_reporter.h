#pragma once
// Console reporter that prints each benchmark's real time as a ratio to the baseline measured in
// the same run: the first run whose name contains `baselineName` (run it first).

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <utility>

namespace phaselab::bench {

class RatioReporter : public benchmark::ConsoleReporter {
public:
    explicit RatioReporter(std::string baselineName, std::string baselineLabel = "bare FFTW loop")
        : baselineName_(std::move(baselineName)), baselineLabel_(std::move(baselineLabel)) {}

    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& r : runs) {
            const double seconds = r.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(r.time_unit);
            if (r.benchmark_name().find(baselineName_) != std::string::npos) baselineSeconds_ = seconds;
            else if (baselineSeconds_ > 0)
                std::printf("ratio %s / %s = %.3f\n", r.benchmark_name().c_str(), baselineLabel_.c_str(), seconds / baselineSeconds_);
        }
        ConsoleReporter::ReportRuns(runs);
    }

private:
    std::string baselineName_, baselineLabel_;
    double baselineSeconds_ = 0;
};

}  // namespace phaselab::bench
