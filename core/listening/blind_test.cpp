#include "core/listening/blind_test.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "core/common/error.h"

namespace phaselab::listening {
namespace {

using json = nlohmann::json;

// Two-sided 97.5 % quantile of Student's t for n - 1 degrees of freedom (n >= 2).
double tQuantile(int n) {
    static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
                                   2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086};
    const int dof = n - 1;
    if (dof <= 0) return 0;
    return dof <= 20 ? table[dof - 1] : 1.96 + 2.4 / dof;
}

}  // namespace

AbxTest::AbxTest(std::string nameA, std::string nameB, int trials, std::uint32_t seed)
    : a_(std::move(nameA)), b_(std::move(nameB)), seed_(seed) {
    if (trials < 1) throw InputError("an ABX test needs at least one trial");
    std::mt19937 g(seed);
    std::bernoulli_distribution coin(0.5);
    for (int i = 0; i < trials; ++i) xIsA_.push_back(coin(g));
}

int AbxTest::currentX() const {
    if (finished()) throw InputError("the ABX test is finished");
    return xIsA_[std::size_t(current())] ? 0 : 1;
}

void AbxTest::answer(bool xIsA, double seconds) {
    if (finished()) throw InputError("the ABX test is finished");
    answers_.push_back(xIsA);
    times_.push_back(seconds);
}

int AbxTest::correct() const {
    int n = 0;
    for (std::size_t i = 0; i < answers_.size(); ++i) n += answers_[i] == xIsA_[i];
    return n;
}

double AbxTest::pValue() const {
    const int n = current(), k = correct();
    double p = 0;
    for (int i = k; i <= n; ++i) p += std::exp(std::lgamma(n + 1) - std::lgamma(i + 1) - std::lgamma(n - i + 1) - n * std::log(2.0));
    return std::min(1.0, p);
}

std::string AbxTest::resultsJson() const {
    json j{{"test", "abx"}, {"a", a_}, {"b", b_}, {"seed", seed_}, {"trials", trials()}, {"answered", current()},
           {"correct", correct()}, {"p_value", pValue()}};
    for (int i = 0; i < current(); ++i)
        j["responses"].push_back({{"trial", i + 1}, {"x", xIsA_[std::size_t(i)] ? "A" : "B"},
                                  {"answer", answers_[std::size_t(i)] ? "A" : "B"}, {"seconds", times_[std::size_t(i)]}});
    return j.dump(2);
}

MushraTest::MushraTest(std::vector<std::string> conditions, int pages, std::uint32_t seed)
    : conditions_(std::move(conditions)), seed_(seed) {
    if (conditions_.size() < 2) throw InputError("a rating test needs at least two conditions");
    if (pages < 1) throw InputError("a rating test needs at least one page");
    std::mt19937 g(seed);
    for (int p = 0; p < pages; ++p) {
        std::vector<int> order(conditions_.size());
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), g);
        order_.push_back(order);
    }
}

int MushraTest::conditionAt(int slot) const {
    if (finished()) throw InputError("the rating test is finished");
    return order_[std::size_t(currentPage())].at(std::size_t(slot));
}

void MushraTest::submit(const std::vector<double>& slotRatings, double seconds) {
    if (finished()) throw InputError("the rating test is finished");
    if (slotRatings.size() != conditions_.size())
        throw InputError("rate every condition of the page (" + std::to_string(conditions_.size()) + " ratings)");
    std::vector<double> byCondition(conditions_.size());
    for (std::size_t slot = 0; slot < slotRatings.size(); ++slot) {
        if (!(slotRatings[slot] >= 0 && slotRatings[slot] <= 100)) throw InputError("ratings go from 0 to 100");
        byCondition[std::size_t(order_[std::size_t(currentPage())][slot])] = slotRatings[slot];
    }
    ratings_.push_back(byCondition);
    times_.push_back(seconds);
}

std::vector<ConditionSummary> MushraTest::summary() const {
    std::vector<ConditionSummary> out;
    for (std::size_t c = 0; c < conditions_.size(); ++c) {
        ConditionSummary s;
        s.name = conditions_[c];
        s.ratings = int(ratings_.size());
        if (s.ratings == 0) {
            out.push_back(s);
            continue;
        }
        double sum = 0, sum2 = 0;
        for (const auto& page : ratings_) {
            sum += page[c];
            sum2 += page[c] * page[c];
        }
        s.mean = sum / s.ratings;
        if (s.ratings > 1) {
            const double var = std::max(0.0, (sum2 - s.ratings * s.mean * s.mean) / (s.ratings - 1));
            s.halfWidth95 = tQuantile(s.ratings) * std::sqrt(var / s.ratings);
        }
        out.push_back(s);
    }
    return out;
}

std::string MushraTest::resultsJson() const {
    json j{{"test", "mushra"}, {"seed", seed_}, {"conditions", conditions_}, {"pages", pages()}, {"answered", currentPage()}};
    for (int p = 0; p < currentPage(); ++p)
        j["responses"].push_back({{"page", p + 1}, {"order", order_[std::size_t(p)]}, {"ratings", ratings_[std::size_t(p)]},
                                  {"seconds", times_[std::size_t(p)]}});
    for (const auto& s : summary())
        j["summary"].push_back({{"condition", s.name}, {"mean", s.mean}, {"ci95", s.halfWidth95}, {"n", s.ratings}});
    return j.dump(2);
}

}  // namespace phaselab::listening
