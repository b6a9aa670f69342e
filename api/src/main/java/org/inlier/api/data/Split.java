package org.inlier.api.data;

/** The fixed partitions of a data set. */
public enum Split {
    TRAIN, VALID, TEST
}
