package nl.regie.runtime.lifecycle.shell;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header row, then rows, columns padded to their widest cell and two spaces apart. */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        rows.add(header);
    }

    TextTable row(String... cells) {
        rows.add(cells);
        return this;
    }

    @Override
    public String toString() {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], cell(row, c).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(cell(row, c));
                if (c < columns - 1) {
                    line.append(" ".repeat(widths[c] - cell(row, c).length() + 2));
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }

    private static String cell(String[] row, int column) {
        return column < row.length && row[column] != null ? row[column] : "";
    }
}
