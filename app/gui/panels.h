#pragma once
// Docks PhaseLab's analysis panels into the main window and wires them to its document, shared
// viewport and player: phase views, phase histograms, phase recovery and source separation
// (with its metrics). Every panel follows Document::changed.

namespace phaselab {

class MainWindow;

void installPanels(MainWindow* window);

}  // namespace phaselab
