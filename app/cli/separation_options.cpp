#include "separation_options.h"

#include "cli_common.h"
#include "core/common/error.h"
#include "core/nmf/beta_nmf.h"
#include "core/separation/multichannel_wiener.h"
#include "core/separation/registry.h"

namespace phaselab::cli {

using namespace phaselab::separation;

QStringList allMethods() {
    QStringList ids;
    for (const auto& m : separationMethods()) ids << QString::fromStdString(m.description->id);
    return ids;
}

// "--reference a b c" -> "--reference a --reference b --reference c" (values run up to the next option).
QStringList expandMultiValue(const QStringList& args, const QStringList& names) {
    QStringList out;
    QString current;
    for (int i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (i > 0 && a.startsWith('-')) current.clear();
        if (i > 0 && names.contains(a)) {
            current = a;
            continue;
        }
        if (!current.isEmpty() && !a.startsWith('-')) {
            out << current << a;
            continue;
        }
        out << a;
    }
    return out;
}

// Every parameter of every description, once, as a command-line option.
std::vector<const AlgorithmDescription*> optionDescriptions() {
    std::vector<const AlgorithmDescription*> d;
    for (const auto& m : separationMethods()) d.push_back(m.description);
    d.push_back(&mcWienerDescription());
    d.push_back(&nmf::betaNmfDescription());
    return d;
}

namespace {

// A choice option shared by several methods lists each method's own choices.
QString choiceHelp(const std::string& id) {
    QString help;
    for (const auto* d : optionDescriptions())
        for (const auto& s : d->params) {
            if (s.id != id || s.type != ParamSpec::Type::Choice) continue;
            std::string all;
            for (const auto& c : s.choices) all += (all.empty() ? "" : ", ") + c;
            help += QString(" %1: %2 (default %3).").arg(QString::fromStdString(d->id), QString::fromStdString(all),
                                                       QString::fromStdString(s.defaultChoice));
        }
    return help;
}

}  // namespace

void addAlgorithmOptions(QCommandLineParser& p, std::set<std::string>& ids) {
    for (const auto* d : optionDescriptions())
        for (const auto& s : d->params) {
            if (!ids.insert(s.id).second) continue;
            QString help = QString::fromStdString(s.tooltip);
            if (s.type == ParamSpec::Type::Choice) help += choiceHelp(s.id);
            if (s.type == ParamSpec::Type::Flag)
                p.addOption({QString::fromStdString(s.id), help});
            else
                p.addOption({QString::fromStdString(s.id), help, "VALUE"});
        }
}

// Values given on the command line for the parameters of `d` (others are left to their defaults).
ParamValues valuesFor(const QCommandLineParser& p, const AlgorithmDescription& d, std::set<std::string>& used) {
    ParamValues v;
    for (const auto& s : d.params) {
        const QString id = QString::fromStdString(s.id);
        if (!p.isSet(id)) continue;
        used.insert(s.id);
        if (s.type == ParamSpec::Type::Choice) {
            v[s.id] = toStd(p.value(id));
        } else if (s.type == ParamSpec::Type::Flag) {
            v[s.id] = 1.0;
        } else {
            bool ok = false;
            const double x = p.value(id).toDouble(&ok);
            if (!ok) throw UsageError("--" + s.id + " must be a number, got '" + toStd(p.value(id)) + "'");
            v[s.id] = x;
        }
    }
    try {
        validateParams(d, v);
    } catch (const InputError& e) {
        throw UsageError(e.what());
    }
    return v;
}

nmf::SupervisedNmfParams nmfParamsFor(const QCommandLineParser& p, std::set<std::string>& used) {
    const auto& d = nmf::betaNmfDescription();
    const ParamValues v = valuesFor(p, d, used);
    nmf::SupervisedNmfParams params;
    params.components = int(numberParam(d, v, "components"));
    params.learnIterations = params.iterations = int(numberParam(d, v, "nmf-iterations"));
    params.beta = numberParam(d, v, "beta");
    params.seed = unsigned(numberParam(d, v, "seed"));
    params.trackObjective = false;  // no curve is shown: the objective would cost a W H product per iteration
    return params;
}

}  // namespace phaselab::cli
