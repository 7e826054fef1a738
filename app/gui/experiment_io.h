#pragma once
// The main window's experiment files: File ▸ Save experiment writes the document's inputs (with
// checksums) and every separation and phase-recovery run (algorithm, parameters, STFT, metrics),
// plus <name>_outputs/ beside it with each run's WAVs and metrics.csv;
// File ▸ Open experiment replaces the document with its inputs and re-runs its runs in the panels,
// one after another.

#include <QString>

namespace phaselab {

class MainWindow;
class RecoveryPanel;
class SeparationPanel;

void installExperimentActions(MainWindow* window, RecoveryPanel* recovery, SeparationPanel* separation);
// Writes the window's document (core/experiment format, paths relative to `path`'s folder) and
// <name>_outputs/; the document is then unmodified. InputError when there is nothing to save or
// the file cannot be written.
void saveExperiment(MainWindow* window, const QString& path);
// Replaces the document with the experiment's inputs (every checksum checked), restores its
// listening results and view settings, then queues its runs; InputError for an unreadable
// experiment or a changed input.
void openExperiment(MainWindow* window, RecoveryPanel* recovery, SeparationPanel* separation, const QString& path);

}  // namespace phaselab
