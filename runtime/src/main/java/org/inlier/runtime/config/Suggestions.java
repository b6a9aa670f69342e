package org.inlier.runtime.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "Did you mean" suggestions by edit distance. */
public final class Suggestions {

    private Suggestions() {
    }

    /** The candidates close to a misspelt name, nearest first; empty if none is close. */
    public static List<String> nearest(String wrong, Collection<String> candidates) {
        int tolerance = Math.max(2, wrong.length() / 3);
        return candidates.stream()
                .filter(c -> distance(wrong.toLowerCase(), c.toLowerCase()) <= tolerance)
                .sorted(Comparator.comparingInt(c -> distance(wrong.toLowerCase(), c.toLowerCase())))
                .limit(3)
                .toList();
    }

    /** A sentence suggesting the nearest names and listing what is allowed. */
    public static String hint(String wrong, Collection<String> candidates) {
        List<String> near = nearest(wrong, candidates);
        String did = near.isEmpty() ? "" : "did you mean " + String.join(" or ", near.stream().map(n -> "'" + n + "'").toList()) + "? ";
        return did + "allowed: " + String.join(", ", candidates);
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitution, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
