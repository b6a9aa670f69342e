package org.inlier.plugins.models;

import org.inlier.api.model.PatchGrid;

/**
 * How a square image becomes a vision transformer's tokens: the class token's position first
 * (an all-zero patch), then the {@code (image / patch)²} patches in row-major order, each
 * flattened row-major to {@code patch²} values.
 *
 * @param image image side in pixels
 * @param patch patch side in pixels
 */
record ImagePatches(int image, int patch) {

    ImagePatches {
        if (patch < 1 || patch > image) {
            throw new IllegalArgumentException("patch " + patch + " must be between 1 and the image size " + image);
        }
        if (image % patch != 0) {
            throw new IllegalArgumentException("image size " + image + " is not divisible by patch " + patch);
        }
    }

    /** The token layout, as the family declares it to reports. */
    PatchGrid layout() {
        return new PatchGrid(image, patch);
    }

    /** Patches per row (and per column). */
    int grid() {
        return layout().grid();
    }

    /** The class token and every patch. */
    int tokens() {
        return layout().tokens();
    }

    int pixelsPerPatch() {
        return patch * patch;
    }

    /**
     * Writes an image's tokens {@code (tokens(), patch²)} into {@code out} from {@code offset}; the
     * class position is left as it is (zero in a fresh array).
     *
     * @param pixels  {@code image × image}, row-major
     * @param flipped mirror the image left to right first
     */
    void write(float[] pixels, boolean flipped, float[] out, int offset) {
        int perPatch = pixelsPerPatch();
        for (int py = 0; py < grid(); py++) {
            for (int px = 0; px < grid(); px++) {
                int token = 1 + py * grid() + px;
                for (int i = 0; i < patch; i++) {
                    for (int j = 0; j < patch; j++) {
                        int x = px * patch + j;
                        int column = flipped ? image - 1 - x : x;
                        out[offset + token * perPatch + i * patch + j] = pixels[(py * patch + i) * image + column];
                    }
                }
            }
        }
    }

    /**
     * The image moved by {@code (−dy, −dx)}: pixel {@code (y, x)} of the result is pixel
     * {@code (y + dy, x + dx)} of the input, or {@code fill} outside it. This is the random crop of
     * an image padded with {@code fill}, at offset {@code (padding + dy, padding + dx)}.
     */
    static float[] shifted(float[] pixels, int side, int dy, int dx, float fill) {
        if (dy == 0 && dx == 0) {
            return pixels;
        }
        float[] out = new float[pixels.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int sy = y + dy;
                int sx = x + dx;
                out[y * side + x] = sy >= 0 && sy < side && sx >= 0 && sx < side ? pixels[sy * side + sx] : fill;
            }
        }
        return out;
    }
}
