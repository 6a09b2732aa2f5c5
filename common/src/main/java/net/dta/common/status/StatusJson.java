package net.dta.common.status;

import java.io.IOException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one JSON mapping of every component's status record ({@code /status}, {@code <component> status},
 * announcements): snake_case names, indented. The one place that decides what a reader without
 * credentials sees: {@link #write(Object, boolean)} leaves out every {@link Secret} field and says
 * so in a top-level {@value #REDACTED} field.
 */
public final class StatusJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            // Fields without a view are in every view: only @Secret ones are left out of the public one.
            .enable(MapperFeature.DEFAULT_VIEW_INCLUSION)
            // A newer component may add fields: an older CLI still shows what it knows.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The top-level field a redacted document carries (absent from a complete one). */
    public static final String REDACTED = "redacted";

    /** Why a redacted document lacks its secrets, and how to see them (what the CLIs print). */
    public static final String REDACTED_NOTE = "rkeys, region addresses, QPNs and PSNs are left out: this endpoint "
            + "does not authenticate its clients. Configure its token-file or tls-client-ca and pass --token-file or "
            + "a client certificate to see them (docs/security.md)";

    /** JSON view of every field. */
    public static final class Public {
        private Public() {
        }
    }

    /** JSON view that adds the {@link Secret} fields. */
    public static final class Authenticated {
        private Authenticated() {
        }
    }

    private static final ObjectWriter PUBLIC = MAPPER.writerWithView(Public.class);

    private StatusJson() {
    }

    /** The complete document, secrets included (in-process consumers and authenticated requests). */
    public static byte[] write(Object status) {
        return write(status, true);
    }

    /**
     * @param withSecrets false for a reader that did not prove who it is: every {@link Secret} field
     *                    is left out and a top-level {@value #REDACTED} field says why
     */
    public static byte[] write(Object status, boolean withSecrets) {
        try {
            if (withSecrets) {
                return MAPPER.writeValueAsBytes(status);
            }
            JsonNode tree = MAPPER.readTree(PUBLIC.writeValueAsBytes(status));
            if (tree instanceof ObjectNode o) {
                o.put(REDACTED, REDACTED_NOTE);
            }
            return MAPPER.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new IllegalStateException("status is not serialisable: " + e.getMessage(), e);
        }
    }

    /** The {@value #REDACTED} note of a status document, or null when it is complete (or not JSON). */
    public static String redactedNote(byte[] json) {
        try {
            JsonNode n = MAPPER.readTree(json).path(REDACTED);
            return n.isTextual() ? n.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }
}
