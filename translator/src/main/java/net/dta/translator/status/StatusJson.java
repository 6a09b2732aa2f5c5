package net.dta.translator.status;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapping of {@link TranslatorStatus}, used by the admin endpoint and {@code translator status}. */
public final class StatusJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private StatusJson() {
    }

    public static byte[] write(TranslatorStatus status) {
        try {
            return MAPPER.writeValueAsBytes(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status is not serialisable: " + e.getMessage(), e);
        }
    }

    public static TranslatorStatus read(byte[] json) throws IOException {
        return MAPPER.readValue(json, TranslatorStatus.class);
    }
}
