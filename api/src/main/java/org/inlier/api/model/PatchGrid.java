package org.inlier.api.model;

/**
 * How an image model lays out its tokens, so that reports can show a measurement per token as a
 * patch grid beside the image without knowing the model family: token 0 is the class token and
 * token {@code 1 + row · grid() + col} is the patch at ({@code row}, {@code col}), row-major. The
 * model's windows are blocks {@code [label, image² pixels]}, pixels 0–255 row-major.
 *
 * @param image image side in pixels (square images)
 * @param patch patch side in pixels; divides {@code image}
 */
public record PatchGrid(int image, int patch) {

    public PatchGrid {
        if (patch < 1 || patch > image || image % patch != 0) {
            throw new IllegalArgumentException("patch " + patch + " must divide the image size " + image);
        }
    }

    /** Patches per row (and per column). */
    public int grid() {
        return image / patch;
    }

    /** The class token and every patch. */
    public int tokens() {
        return grid() * grid() + 1;
    }

    /** The patch a token shows, as {@code {row, col}}, or {@code null} for the class token. */
    public int[] patchOf(int token) {
        if (token < 0 || token >= tokens()) {
            throw new IllegalArgumentException("token " + token + " is outside the " + tokens() + " tokens of a " + grid() + "x" + grid() + " grid");
        }
        return token == 0 ? null : new int[] {(token - 1) / grid(), (token - 1) % grid()};
    }

    /** A token's name for reports: {@code class token} or {@code patch (row, col)}. */
    public String describe(int token) {
        int[] at = patchOf(token);
        return at == null ? "class token" : "patch (" + at[0] + ", " + at[1] + ")";
    }
}
