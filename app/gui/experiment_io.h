#pragma once
// The main window's experiment files: File ▸ Save experiment writes the document's inputs (with
// checksums) and every separation and phase-recovery run (algorithm, parameters, STFT, metrics),
// plus <name>_outputs/ beside it with each run's WAVs and metrics.csv;
// File ▸ Open experiment opens its inputs and re-runs its runs in the panels, one after another.

#include <QString>

namespace phaselab {

class MainWindow;
class RecoveryPanel;
class SeparationPanel;

void installExperimentActions(MainWindow* window, RecoveryPanel* recovery, SeparationPanel* separation);
// InputError when there is nothing to save or the file cannot be written.
void saveExperiment(MainWindow* window, RecoveryPanel* recovery, SeparationPanel* separation, const QString& path);
// Opens the inputs, then queues the runs; InputError for an unreadable experiment.
void openExperiment(MainWindow* window, RecoveryPanel* recovery, SeparationPanel* separation, const QString& path);

}  // namespace phaselab
