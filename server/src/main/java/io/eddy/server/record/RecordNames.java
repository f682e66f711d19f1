package io.eddy.server.record;

/** Which record names the server accepts. */
record RecordNames(int maxLength) {

    /** Null for a good name, otherwise what is wrong with it. */
    String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "record name missing or empty";
        }
        if (name.length() > maxLength) {
            return "record name longer than " + maxLength + " characters";
        }
        return null;
    }
}
