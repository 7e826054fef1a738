#pragma once
// Command-line options of the separation methods, shared by `separate` and `batch`: every parameter
// of every method description (and of the NMF magnitudes) once, as an option.

#include <QCommandLineParser>
#include <QStringList>
#include <set>
#include <string>
#include <vector>

#include "core/common/description.h"
#include "core/nmf/supervised_nmf.h"

namespace phaselab::cli {

// The ids of the implemented separation methods (mono: the registry's; `batch` runs them).
QStringList allMethods();
// The methods `separate` runs on every channel of a multichannel mixture: "mc-wiener".
QStringList multichannelMethods();
// `separate --method mc-wiener` (multichannel_separate.cpp), after the options are parsed.
int runMultichannelSeparate(const QCommandLineParser& p, const std::set<std::string>& optionIds);
// "--reference a b c" -> "--reference a --reference b --reference c" (values run up to the next option).
QStringList expandMultiValue(const QStringList& args, const QStringList& names);
// The descriptions whose parameters become options: every separation method (mc-wiener too) and the
// beta-NMF.
std::vector<const AlgorithmDescription*> optionDescriptions();
// Adds one option per parameter id (a choice shared by several methods lists each one's choices);
// `ids` receives the ids added.
void addAlgorithmOptions(QCommandLineParser& p, std::set<std::string>& ids);
// Values given on the command line for the parameters of `d` (others are left to their defaults);
// `used` receives their ids. UsageError for a malformed or out-of-range value.
ParamValues valuesFor(const QCommandLineParser& p, const AlgorithmDescription& d, std::set<std::string>& used);
// The NMF magnitudes' settings from the beta-NMF options (components, nmf-iterations, beta, seed).
nmf::SupervisedNmfParams nmfParamsFor(const QCommandLineParser& p, std::set<std::string>& used);

}  // namespace phaselab::cli
