package dev.mu2sls.cli;

import java.util.ArrayList;
import java.util.List;

/** Rows of text in aligned columns, for the admin commands' listings; the last column is not padded. */
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
        int columns = rows.getFirst().length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], cell(row, i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                out.append(i == columns - 1 ? cell(row, i) : String.format("%-" + widths[i] + "s  ", cell(row, i)));
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String cell(String[] row, int i) {
        return row[i] == null ? "-" : row[i];
    }
}
