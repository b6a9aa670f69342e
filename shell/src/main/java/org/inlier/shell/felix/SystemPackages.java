package org.inlier.shell.felix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The value of {@code org.osgi.framework.system.packages.extra}: every package of the libraries
 * that stay on the launcher's class path (ND4J, Vert.x, Jackson, Netty, ...), so that bundles
 * import them from the system bundle. A library that is itself a bundle keeps the versions its
 * {@code Export-Package} header declares (bundles built with bnd import Jackson as
 * {@code [2.18,3)}, for instance); other packages are exported as version 0.
 */
final class SystemPackages {

    private SystemPackages() {
    }

    /** The exports of these libraries, first library first where a package is split over several. */
    static String of(List<ClassPathEntry> libraries) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (ClassPathEntry library : libraries) {
            Map<String, String> declared = declaredVersions(library.header("Export-Package").orElse(""));
            for (String pkg : library.packages()) {
                versions.putIfAbsent(pkg, declared.getOrDefault(pkg, "0.0.0"));
            }
        }
        return versions.entrySet().stream().map(e -> e.getKey() + ";version=\"" + e.getValue() + "\"").collect(Collectors.joining(","));
    }

    /** Package to version, from an {@code Export-Package} header ({@code a;b;version="1.2",c;uses:="x,y"}). */
    static Map<String, String> declaredVersions(String header) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (String clause : split(header, ',')) {
            List<String> packages = new ArrayList<>();
            String version = "0.0.0";
            for (String part : split(clause, ';')) {
                String p = part.trim();
                if (p.startsWith("version=")) {
                    version = p.substring("version=".length()).replace("\"", "").trim();
                } else if (!p.contains("=") && !p.isEmpty()) {
                    packages.add(p);
                }
            }
            for (String pkg : packages) {
                versions.put(pkg, version);
            }
        }
        return versions;
    }

    /** Splits at a separator that is not inside double quotes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }
}
