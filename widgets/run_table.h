#pragma once
// Helpers for the sortable runs tables of the analysis panels: read-only cells (numbers sort as
// numbers), and the run index each row carries (column 0, Qt::UserRole) so sorting never changes
// which run a row means.

#include <QHeaderView>
#include <QScrollBar>
#include <QTableWidget>
#include <cmath>

namespace phaselab {

inline QTableWidgetItem* textCell(const QString& text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter) {
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(align);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return item;
}

// A number shown with `decimals` digits that sorts numerically (NaN shows as an empty cell).
inline QTableWidgetItem* numberCell(double value, int decimals) {
    auto* item = new QTableWidgetItem;
    if (std::isfinite(value)) {
        const double scale = std::pow(10.0, decimals);
        item->setData(Qt::DisplayRole, std::round(value * scale) / scale);
    }
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return item;
}

// Appends a row for run `index` (cells in column order, the first is the run number) with sorting
// suspended, and selects it.
inline void appendRunRow(QTableWidget* table, int index, const QList<QTableWidgetItem*>& cells) {
    table->setSortingEnabled(false);
    const int row = table->rowCount();
    table->insertRow(row);
    for (int c = 0; c < cells.size(); ++c) table->setItem(row, c, cells[c]);
    table->item(row, 0)->setData(Qt::UserRole, index);
    table->setSortingEnabled(true);
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0)->data(Qt::UserRole).toInt() == index) table->selectRow(r);
}

// The height (px) at which `table` shows its header and `rows` rows without scrolling vertically
// (room for a horizontal scroll bar included).
inline int tableHeightForRows(const QTableWidget* table, int rows) {
    return table->horizontalHeader()->sizeHint().height() + rows * table->verticalHeader()->defaultSectionSize() +
           table->horizontalScrollBar()->sizeHint().height() + 2 * table->frameWidth() + 2;
}

// The run index of the selected row, or -1.
inline int selectedRunIndex(const QTableWidget* table) {
    const auto rows = table->selectionModel()->selectedRows();
    if (rows.isEmpty()) return -1;
    const QTableWidgetItem* item = table->item(rows.first().row(), 0);
    return item ? item->data(Qt::UserRole).toInt() : -1;
}

}  // namespace phaselab
