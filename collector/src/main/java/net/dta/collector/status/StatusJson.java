package net.dta.collector.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapping of {@link CollectorStatus}, used by the server and by {@code collector status}. */
public final class StatusJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            // A newer collector may add fields: an older CLI still shows what it knows.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private StatusJson() {
    }

    public static byte[] write(CollectorStatus status) {
        try {
            return MAPPER.writeValueAsBytes(status);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("status is not serialisable: " + e.getMessage(), e);
        }
    }

    public static CollectorStatus read(byte[] json) throws java.io.IOException {
        return MAPPER.readValue(json, CollectorStatus.class);
    }
}
