package io.eddy.server.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.protocol.Message;
import io.eddy.protocol.RecordAction;

import java.util.ArrayList;
import java.util.List;

/**
 * A record write as the client sent it, checked before it touches the record: UPDATE, PATCH, ERASE or PATCH_MULTI,
 * with or without create. As in deepstream, a path makes any write a patch, and a patch without data erases.
 */
record RecordWrite(Message request, Kind kind, boolean creates, int version, RecordPath path, String dataText,
                   JsonNode value, List<Patch> patches) {

    enum Kind { UPDATE, PATCH, ERASE, PATCH_MULTI }

    /** One operation of a PATCH_MULTI; a null value erases. */
    record Patch(RecordPath path, JsonNode value) {
    }

    /** Why a write is refused, with the reply the client gets. */
    static final class Refused extends Exception {
        final Message reply;

        Refused(Message reply, String reason) {
            super(reason, null, false, false);
            this.reply = reply;
        }
    }

    String name() {
        return request.name();
    }

    boolean wantsAck() {
        return request.isWriteAck();
    }

    static RecordWrite parse(Message m, RecordNames names) throws Refused {
        RecordAction action = RecordAction.of(m.action());
        boolean creates = action == RecordAction.CREATEANDUPDATE || action == RecordAction.CREATEANDPATCH;
        String problem = names.problem(m.name());
        if (problem != null) {
            throw refused(m, problem);
        }
        if (m.version() == null) {
            throw refused(m, "write without a version");
        }
        JsonNode value = null;
        if (m.data() != null) {
            try {
                value = RecordEntry.JSON.readTree(m.data());
            } catch (JsonProcessingException e) {
                value = null;
            }
            if (value == null) {
                // the reply leaves the data out: the client JSON-parses every data field it receives
                throw new Refused(Message.of(RecordAction.INVALID_MESSAGE_DATA).name(m.name()).originalAction(m.action())
                        .isError(true).isWriteAck(m.isWriteAck()).correlationId(m.correlationId()), "data is not JSON");
            }
        }
        if (action == RecordAction.PATCH_MULTI) {
            return new RecordWrite(m, Kind.PATCH_MULTI, false, m.version(), null, m.data(), value, patches(m, value));
        }
        if (m.path() != null && action != RecordAction.ERASE && value != null) {
            return new RecordWrite(m, Kind.PATCH, creates, m.version(), path(m), m.data(), value, null);
        }
        if (m.path() != null) {
            return new RecordWrite(m, Kind.ERASE, creates, m.version(), path(m), null, null, null);
        }
        if (action == RecordAction.ERASE) {
            throw refused(m, "ERASE without a path");
        }
        if (value == null || !value.isContainerNode()) {
            throw refused(m, "record data must be an object or an array");
        }
        return new RecordWrite(m, Kind.UPDATE, creates, m.version(), null, m.data(), value, null);
    }

    private static RecordPath path(Message m) throws Refused {
        try {
            return RecordPath.parse(m.path());
        } catch (RecordPath.InvalidPathException e) {
            throw refused(m, e.getMessage());
        }
    }

    private static List<Patch> patches(Message m, JsonNode value) throws Refused {
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw refused(m, "PATCH_MULTI data must be a non-empty array of {path, data}");
        }
        List<Patch> patches = new ArrayList<>(value.size());
        for (JsonNode op : value) {
            JsonNode path = op.get("path");
            if (!op.isObject() || path == null || !path.isTextual()) {
                throw refused(m, "PATCH_MULTI entry without a path");
            }
            try {
                patches.add(new Patch(RecordPath.parse(path.textValue()), op.get("data")));
            } catch (RecordPath.InvalidPathException e) {
                throw refused(m, e.getMessage());
            }
        }
        return patches;
    }

    /** INVALID_MESSAGE_DATA: the request echoed, as deepstream does, marked as an error so write acks fail. */
    static Refused refused(Message m, String reason) {
        return new Refused(m.copy().action(RecordAction.INVALID_MESSAGE_DATA).originalAction(m.action()).isError(true), reason);
    }
}
