#pragma once
// Blind listening tests: ABX (is X the same as A or as B?) and a MUSHRA-style rating page (every
// condition, a hidden copy of the reference and an anchor rated 0-100 in random order). The order
// is drawn from a stored seed, so a test can be re-created exactly; the listener never sees which
// condition is which until the test is finished. Results are written as JSON (atomically).
// Pure logic, no audio: the caller plays the conditions. Not thread-safe (one listener, one thread).

#include <cstdint>
#include <string>
#include <vector>

namespace phaselab::listening {

class AbxTest {
public:
    // `trials` >= 1; names of A and B for the results. InputError for 0 trials.
    AbxTest(std::string nameA, std::string nameB, int trials, std::uint32_t seed);
    int trials() const { return int(xIsA_.size()); }
    int current() const { return int(answers_.size()); }  // 0-based trial being answered
    bool finished() const { return current() >= trials(); }
    // Which condition X is in the current trial: 0 = A, 1 = B. For playback only: a listening UI
    // must not display it. InputError when finished.
    int currentX() const;
    // Answer the current trial (true: "X is A"); records the response time. InputError when finished.
    void answer(bool xIsA, double seconds);
    int correct() const;
    // One-sided binomial p-value of at least correct() right answers by guessing.
    double pValue() const;
    std::string resultsJson() const;  // seed, trials, X per trial, answers, times, correct, p
    std::uint32_t seed() const { return seed_; }

private:
    std::string a_, b_;
    std::uint32_t seed_;
    std::vector<bool> xIsA_;
    std::vector<bool> answers_;
    std::vector<double> times_;
};

struct ConditionSummary {
    std::string name;
    double mean = 0;
    double halfWidth95 = 0;  // 95 % confidence half-width (Student t)
    int ratings = 0;
};

class MushraTest {
public:
    // `conditions` are rated on each of `pages` pages (e.g. one page per repetition or excerpt),
    // in an order shuffled per page from `seed`. Include the hidden reference and the anchor among
    // the conditions. InputError for fewer than 2 conditions or 0 pages.
    MushraTest(std::vector<std::string> conditions, int pages, std::uint32_t seed);
    int pages() const { return int(order_.size()); }
    int currentPage() const { return int(ratings_.size()); }
    bool finished() const { return currentPage() >= pages(); }
    // Condition index shown at slot i of the current page (slots are labelled 1..N in the UI).
    int conditionAt(int slot) const;
    int conditionCount() const { return int(conditions_.size()); }
    // Ratings 0..100 per slot of the current page. InputError if the count or a value is wrong.
    void submit(const std::vector<double>& slotRatings, double seconds);
    std::vector<ConditionSummary> summary() const;  // per condition, in the given order
    std::string resultsJson() const;
    std::uint32_t seed() const { return seed_; }
    const std::vector<std::string>& conditions() const { return conditions_; }

private:
    std::vector<std::string> conditions_;
    std::uint32_t seed_;
    std::vector<std::vector<int>> order_;       // per page: slot -> condition
    std::vector<std::vector<double>> ratings_;  // per page: condition -> rating
    std::vector<double> times_;
};

}  // namespace phaselab::listening
