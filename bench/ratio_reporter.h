#pragma once
// Console reporter that prints each benchmark's real time as a ratio to a baseline measured in the
// same run: by default the first run whose name contains `baselineName` (run it first) is the
// baseline of every later run. addBaseline() adds another pair: runs whose name contains `subject`
// are compared with the run named like `baselineName` instead.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace phaselab::bench {

class RatioReporter : public benchmark::ConsoleReporter {
public:
    explicit RatioReporter(std::string baselineName, std::string baselineLabel = "bare FFTW loop") {
        addBaseline(std::move(baselineName), std::move(baselineLabel), "");
    }

    // Rules added later take precedence for the runs they match.
    void addBaseline(std::string baselineName, std::string baselineLabel, std::string subject, double divisor = 1.0) {
        rules_.insert(rules_.begin(), Rule{std::move(baselineName), std::move(baselineLabel), std::move(subject), divisor, 0});
    }

    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& r : runs) {
            const std::string name = r.benchmark_name();
            const double seconds = r.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(r.time_unit);
            bool isBaseline = false;
            for (auto& rule : rules_)
                if (name.find(rule.baseline) != std::string::npos) {
                    rule.seconds = seconds / rule.divisor;
                    isBaseline = true;
                }
            if (isBaseline) continue;
            for (const auto& rule : rules_)
                if (name.find(rule.subject) != std::string::npos) {
                    if (rule.seconds > 0)
                        std::printf("ratio %s / %s = %.3f\n", name.c_str(), rule.label.c_str(), seconds / rule.seconds);
                    break;
                }
        }
        ConsoleReporter::ReportRuns(runs);
    }

private:
    struct Rule {
        std::string baseline, label, subject;
        double divisor;   // the baseline run does this many units of work (e.g. iterations)
        double seconds;   // per unit
    };
    std::vector<Rule> rules_;
};

}  // namespace phaselab::bench
