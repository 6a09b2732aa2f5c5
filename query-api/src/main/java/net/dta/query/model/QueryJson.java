package net.dta.query.model;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/** The one JSON mapping of the query answers: HTTP bodies and the CLI's {@code --json} are the same bytes. */
public final class QueryJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** Compact form for HTTP responses. */
    public static final ObjectMapper COMPACT = MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

    private QueryJson() {
    }

    public static byte[] compact(Object answer) {
        try {
            return COMPACT.writeValueAsBytes(answer);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("answer is not serialisable: " + e.getMessage(), e);
        }
    }

    public static String pretty(Object answer) {
        try {
            return MAPPER.writeValueAsString(answer);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("answer is not serialisable: " + e.getMessage(), e);
        }
    }

    /** Writes a long as an unsigned 64-bit JSON number. */
    public static final class Unsigned extends StdSerializer<Long> {
        public Unsigned() {
            super(Long.class);
        }

        @Override
        public void serialize(Long value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value >= 0) {
                gen.writeNumber(value);
            } else {
                gen.writeNumber(new java.math.BigInteger(Long.toUnsignedString(value)));
            }
        }
    }
}
