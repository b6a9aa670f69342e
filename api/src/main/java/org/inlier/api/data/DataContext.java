package org.inlier.api.data;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What the runtime provides to a data set while it loads.
 *
 * @param cacheDir where downloaded or derived data may be kept between runs (created on demand)
 * @param log      receives one-line progress messages (downloads, tokenizer training)
 */
public record DataContext(Path cacheDir, Consumer<String> log) {
}
