package org.inlier.api.data;

import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;

/** A source of training and evaluation data, with its tokenizer. */
public interface Dataset extends Plugin {

    @Override
    default PluginKind kind() {
        return PluginKind.DATASET;
    }

    /**
     * Loads (fetching or building what is missing) and tokenizes the data.
     *
     * @param options the data set's validated options
     * @param context cache directory and progress log
     * @return the corpus; never {@code null}
     * @throws DataUnavailableException when the data cannot be obtained, with a message saying
     *                                  what is missing and how to get it
     */
    Corpus load(Options options, DataContext context);
}
