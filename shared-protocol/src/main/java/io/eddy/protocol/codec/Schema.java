package io.eddy.protocol.codec;

import io.eddy.protocol.Topic;

import java.util.EnumMap;
import java.util.Map;

import static io.eddy.protocol.codec.Field.*;

/**
 * Field tags of each topic's message type ({@code @deepstream/protobuf} 1.0.9 plus RECORD PATCH_MULTI).
 * The tags differ per topic — RPC {@code name} is 7, PRESENCE {@code name} is 8 — so every encode and decode goes
 * through this table.
 */
final class Schema {

    private static final Map<Topic, Schema> SCHEMAS = new EnumMap<>(Topic.class);

    static {
        define(Topic.PARSER, ACTION, 1, DATA, 2, ORIGINAL_TOPIC, 8, ORIGINAL_ACTION, 9);
        define(Topic.CONNECTION, ACTION, 1, DATA, 2, IS_ERROR, 3, IS_ACK, 4, URL, 5, PROTOCOL_VERSION, 6,
                SDK_VERSION, 7, SDK_TYPE, 8);
        define(Topic.AUTH, ACTION, 1, DATA, 2, IS_ERROR, 3, IS_ACK, 4);
        define(Topic.EVENT, ACTION, 1, DATA, 2, CORRELATION_ID, 3, IS_ERROR, 4, IS_ACK, 5, NAME, 6, NAMES, 7,
                SUBSCRIPTION, 8, ORIGINAL_TOPIC, 10, ORIGINAL_ACTION, 11);
        define(Topic.RECORD, ACTION, 1, DATA, 2, CORRELATION_ID, 3, IS_ERROR, 4, IS_ACK, 5, NAME, 6, NAMES, 7,
                PATTERN, 8, SUBSCRIPTION, 9, ORIGINAL_ACTION, 10, IS_WRITE_ACK, 11, PATH, 12, VERSION, 13,
                VERSIONS, 14);
        define(Topic.RPC, ACTION, 1, DATA, 2, CORRELATION_ID, 3, IS_ERROR, 4, IS_ACK, 5, NAMES, 6, NAME, 7,
                ORIGINAL_ACTION, 9, REQUESTOR_NAME, 10, REQUESTOR_DATA, 11);
        define(Topic.PRESENCE, ACTION, 1, ORIGINAL_TOPIC, 2, ORIGINAL_ACTION, 3, DATA, 4, CORRELATION_ID, 5,
                IS_ERROR, 6, IS_ACK, 7, NAME, 8, NAMES, 9);
        define(Topic.MONITORING, ACTION, 1, DATA, 2, CORRELATION_ID, 3, IS_ERROR, 4, IS_ACK, 5);
        define(Topic.CLUSTER, ACTION, 1, DATA, 2, IS_ERROR, 3, IS_ACK, 4, LEADER_SCORE, 5, ROLE, 7);
        define(Topic.LOCK, ACTION, 1, LOCKED, 3);
    }

    /** Fields in ascending tag order, the order the official encoder writes them in. */
    final Field[] fields;
    final int[] tags;
    private final Field[] byTag;

    private Schema(Field[] fields, int[] tags) {
        this.fields = fields;
        this.tags = tags;
        int max = 0;
        for (int t : tags) {
            max = Math.max(max, t);
        }
        byTag = new Field[max + 1];
        for (int i = 0; i < fields.length; i++) {
            byTag[tags[i]] = fields[i];
        }
    }

    /** The schema of a topic, or null for topics without one (UNKNOWN, STATE_REGISTRY, ERROR). */
    static Schema of(Topic topic) {
        return SCHEMAS.get(topic);
    }

    Field field(int tag) {
        return tag < byTag.length ? byTag[tag] : null;
    }

    private static void define(Topic topic, Object... fieldsAndTags) {
        int n = fieldsAndTags.length / 2;
        Field[] fields = new Field[n];
        int[] tags = new int[n];
        for (int i = 0; i < n; i++) {
            fields[i] = (Field) fieldsAndTags[2 * i];
            tags[i] = (Integer) fieldsAndTags[2 * i + 1];
        }
        SCHEMAS.put(topic, new Schema(fields, tags));
    }
}
