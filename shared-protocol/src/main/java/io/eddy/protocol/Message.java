package io.eddy.protocol;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One protocol message: a topic, an action number and the fields of that topic's schema.
 * <p>
 * Fields of every topic live in this one class because most of them (name, data, correlationId …) mean the same
 * thing on every topic and only their field tags differ, which the codec's per-topic schema takes care of.
 * Absent fields are {@code null} (or {@code false} for flags): presence matters on the wire, e.g. a record
 * {@code version = 0} must be written, and a PATCH is told apart from an UPDATE by the presence of {@code path}.
 * <p>
 * Setters return {@code this}. A decoded message is shared by the code that handles it, so handlers copy it
 * ({@link #copy()}) before changing it.
 */
public final class Message {

    private final Topic topic;
    private int action;

    private String name;
    private List<String> names;
    private String data;
    private String correlationId;
    private boolean isAck;
    private boolean isError;
    private boolean isWriteAck;
    private String subscription;
    private String pattern;
    private String path;
    private Integer version;
    private Map<String, Integer> versions;
    private Integer originalTopic;
    private Integer originalAction;
    private String url;
    private String protocolVersion;
    private String sdkVersion;
    private String sdkType;
    private String requestorName;
    private String requestorData;
    private Integer leaderScore;
    private String role;
    private boolean locked;

    public Message(Topic topic, int action) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.action = action;
    }

    public static Message of(Action action) {
        return new Message(action.topic(), action.code());
    }

    /** A field-by-field copy; lists and maps are shared, which is safe because nothing mutates them in place. */
    public Message copy() {
        Message m = new Message(topic, action);
        m.name = name;
        m.names = names;
        m.data = data;
        m.correlationId = correlationId;
        m.isAck = isAck;
        m.isError = isError;
        m.isWriteAck = isWriteAck;
        m.subscription = subscription;
        m.pattern = pattern;
        m.path = path;
        m.version = version;
        m.versions = versions;
        m.originalTopic = originalTopic;
        m.originalAction = originalAction;
        m.url = url;
        m.protocolVersion = protocolVersion;
        m.sdkVersion = sdkVersion;
        m.sdkType = sdkType;
        m.requestorName = requestorName;
        m.requestorData = requestorData;
        m.leaderScore = leaderScore;
        m.role = role;
        m.locked = locked;
        return m;
    }

    public Topic topic() {
        return topic;
    }

    public int action() {
        return action;
    }

    /** The action as this topic's enum constant ({@code UNKNOWN} for numbers the topic does not define). */
    public Action typedAction() {
        return topic.action(action);
    }

    public boolean is(Action a) {
        return a.topic() == topic && a.code() == action;
    }

    public Message action(int code) {
        this.action = code;
        return this;
    }

    public Message action(Action a) {
        if (a.topic() != topic) {
            throw new IllegalArgumentException(a + " is not an action of " + topic);
        }
        this.action = a.code();
        return this;
    }

    public String name() {
        return name;
    }

    public Message name(String name) {
        this.name = name;
        return this;
    }

    /** Bulk names; never null (an absent field reads as an empty list, as the reference server treats it). */
    public List<String> names() {
        return names == null ? List.of() : names;
    }

    public boolean hasNames() {
        return names != null;
    }

    public Message names(List<String> names) {
        this.names = names;
        return this;
    }

    public String data() {
        return data;
    }

    public Message data(String data) {
        this.data = data;
        return this;
    }

    public String correlationId() {
        return correlationId;
    }

    public Message correlationId(String correlationId) {
        this.correlationId = correlationId;
        return this;
    }

    public boolean isAck() {
        return isAck;
    }

    public Message isAck(boolean isAck) {
        this.isAck = isAck;
        return this;
    }

    public boolean isError() {
        return isError;
    }

    public Message isError(boolean isError) {
        this.isError = isError;
        return this;
    }

    public boolean isWriteAck() {
        return isWriteAck;
    }

    public Message isWriteAck(boolean isWriteAck) {
        this.isWriteAck = isWriteAck;
        return this;
    }

    public String subscription() {
        return subscription;
    }

    public Message subscription(String subscription) {
        this.subscription = subscription;
        return this;
    }

    public String pattern() {
        return pattern;
    }

    public Message pattern(String pattern) {
        this.pattern = pattern;
        return this;
    }

    public String path() {
        return path;
    }

    public Message path(String path) {
        this.path = path;
        return this;
    }

    public Integer version() {
        return version;
    }

    public Message version(Integer version) {
        this.version = version;
        return this;
    }

    public Map<String, Integer> versions() {
        return versions;
    }

    public Message versions(Map<String, Integer> versions) {
        this.versions = versions;
        return this;
    }

    public Integer originalTopic() {
        return originalTopic;
    }

    public Message originalTopic(Integer originalTopic) {
        this.originalTopic = originalTopic;
        return this;
    }

    public Integer originalAction() {
        return originalAction;
    }

    public Message originalAction(Integer originalAction) {
        this.originalAction = originalAction;
        return this;
    }

    public Message originalAction(Action originalAction) {
        return originalAction(originalAction.code());
    }

    public String url() {
        return url;
    }

    public Message url(String url) {
        this.url = url;
        return this;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    public Message protocolVersion(String protocolVersion) {
        this.protocolVersion = protocolVersion;
        return this;
    }

    public String sdkVersion() {
        return sdkVersion;
    }

    public Message sdkVersion(String sdkVersion) {
        this.sdkVersion = sdkVersion;
        return this;
    }

    public String sdkType() {
        return sdkType;
    }

    public Message sdkType(String sdkType) {
        this.sdkType = sdkType;
        return this;
    }

    public String requestorName() {
        return requestorName;
    }

    public Message requestorName(String requestorName) {
        this.requestorName = requestorName;
        return this;
    }

    public String requestorData() {
        return requestorData;
    }

    public Message requestorData(String requestorData) {
        this.requestorData = requestorData;
        return this;
    }

    public Integer leaderScore() {
        return leaderScore;
    }

    public Message leaderScore(Integer leaderScore) {
        this.leaderScore = leaderScore;
        return this;
    }

    public String role() {
        return role;
    }

    public Message role(String role) {
        this.role = role;
        return this;
    }

    public boolean locked() {
        return locked;
    }

    public Message locked(boolean locked) {
        this.locked = locked;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Message m)) {
            return false;
        }
        return topic == m.topic && action == m.action && isAck == m.isAck && isError == m.isError
                && isWriteAck == m.isWriteAck && locked == m.locked && Objects.equals(name, m.name)
                && Objects.equals(names, m.names) && Objects.equals(data, m.data)
                && Objects.equals(correlationId, m.correlationId) && Objects.equals(subscription, m.subscription)
                && Objects.equals(pattern, m.pattern) && Objects.equals(path, m.path)
                && Objects.equals(version, m.version) && Objects.equals(versions, m.versions)
                && Objects.equals(originalTopic, m.originalTopic) && Objects.equals(originalAction, m.originalAction)
                && Objects.equals(url, m.url) && Objects.equals(protocolVersion, m.protocolVersion)
                && Objects.equals(sdkVersion, m.sdkVersion) && Objects.equals(sdkType, m.sdkType)
                && Objects.equals(requestorName, m.requestorName) && Objects.equals(requestorData, m.requestorData)
                && Objects.equals(leaderScore, m.leaderScore) && Objects.equals(role, m.role);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, action, name, correlationId, data);
    }

    /** Renders like the reference transcripts: {@code EVENT SUBSCRIBE(3) {names=[a], correlationId=0}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(topic).append(' ');
        Action a = typedAction();
        sb.append(a == null || (a.code() == 0 && action != 0) ? "?" : a.name()).append('(').append(action).append(") {");
        int start = sb.length();
        field(sb, "name", name);
        field(sb, "names", names);
        field(sb, "data", data == null ? null : abbreviate(data));
        field(sb, "correlationId", correlationId);
        field(sb, "subscription", subscription);
        field(sb, "pattern", pattern);
        field(sb, "path", path);
        field(sb, "version", version);
        field(sb, "versions", versions);
        field(sb, "originalTopic", originalTopic);
        field(sb, "originalAction", originalAction);
        field(sb, "url", url);
        field(sb, "protocolVersion", protocolVersion);
        field(sb, "sdkVersion", sdkVersion);
        field(sb, "sdkType", sdkType);
        field(sb, "requestorName", requestorName);
        field(sb, "requestorData", requestorData);
        field(sb, "leaderScore", leaderScore);
        field(sb, "role", role);
        if (isAck) {
            field(sb, "isAck", true);
        }
        if (isError) {
            field(sb, "isError", true);
        }
        if (isWriteAck) {
            field(sb, "isWriteAck", true);
        }
        if (locked) {
            field(sb, "locked", true);
        }
        if (sb.length() > start) {
            sb.setLength(sb.length() - 2);
        }
        return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String key, Object value) {
        if (value != null) {
            sb.append(key).append('=').append(value).append(", ");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…(" + s.length() + " chars)";
    }
}
