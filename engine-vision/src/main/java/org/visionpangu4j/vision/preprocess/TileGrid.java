package org.visionpangu4j.vision.preprocess;

/** A tile layout: {@code cols} tiles across, {@code rows} down (InternVL's ratio pair (i, j) = (cols, rows)). */
public record TileGrid(int cols, int rows) {
    public TileGrid {
        if (cols < 1 || rows < 1) {
            throw new IllegalArgumentException("tile grid must be at least 1×1, got " + cols + "×" + rows);
        }
    }

    public int tiles() {
        return cols * rows;
    }

    @Override
    public String toString() {
        return "(" + cols + "," + rows + ")";
    }
}
