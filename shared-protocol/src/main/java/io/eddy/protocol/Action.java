package io.eddy.protocol;

/** An action of one topic. Each topic has its own numbering, so an action is only meaningful with its topic. */
public interface Action {

    int code();

    Topic topic();

    String name();

    /** Builds a lookup table from wire number to action; gaps stay null. */
    static <A extends Action> A[] index(A[] values, int maxCode) {
        A[] byCode = java.util.Arrays.copyOf(values, maxCode + 1);
        java.util.Arrays.fill(byCode, null);
        for (A a : values) {
            byCode[a.code()] = a;
        }
        return byCode;
    }
}
