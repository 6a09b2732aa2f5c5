package net.dta.controller.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/** The one JSON mapping of {@link ControllerStatus}, used by the admin endpoint and by {@code controller status}. */
public final class StatusJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private StatusJson() {
    }

    public static byte[] write(ControllerStatus status) {
        try {
            return MAPPER.writeValueAsBytes(status);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("status is not serialisable: " + e.getMessage(), e);
        }
    }

    public static ControllerStatus read(byte[] json) throws IOException {
        return MAPPER.readValue(json, ControllerStatus.class);
    }
}
