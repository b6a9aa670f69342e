package org.inlier.api.plugin;

/** The value types a plugin option can have. */
public enum OptionType {
    INTEGER, NUMBER, BOOLEAN, STRING, CHOICE, NUMBER_LIST
}
